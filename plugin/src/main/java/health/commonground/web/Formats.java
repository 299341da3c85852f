package health.commonground.web;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/** Dates and language names for the templates, in the reader's language. */
@Component("fmt")
public class Formats {

  private final ZoneId zone = ZoneId.systemDefault();
  private final Map<Locale, DateTimeFormatter> dates = new ConcurrentHashMap<>();

  public String date(Instant instant, Locale locale) {
    if (instant == null) {
      return "";
    }
    DateTimeFormatter format =
        dates.computeIfAbsent(
            locale, l -> DateTimeFormatter.ofLocalizedDate(FormatStyle.MEDIUM).withLocale(l));
    return format.format(instant.atZone(zone));
  }

  public String iso(Instant instant) {
    return instant == null ? "" : DateTimeFormatter.ISO_LOCAL_DATE.format(instant.atZone(zone));
  }

  /** Both parties' wordings, one per line: the starting point of a shared goal's wording. */
  public String both(String clientWords, String therapistWords) {
    return (clientWords == null ? "" : clientWords)
        + "\n"
        + (therapistWords == null ? "" : therapistWords);
  }

  public String language(String tag, Locale locale) {
    return Languages.name(tag, locale);
  }
}
