package health.commonground.web;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.Locale;
import org.springframework.stereotype.Component;

/** Dates and language names for the templates, in the reader's language. */
@Component("fmt")
public class Formats {

  private final ZoneId zone = ZoneId.systemDefault();

  public String date(Instant instant, Locale locale) {
    return instant == null
        ? ""
        : DateTimeFormatter.ofLocalizedDate(FormatStyle.MEDIUM).withLocale(locale).format(instant.atZone(zone));
  }

  public String iso(Instant instant) {
    return instant == null ? "" : DateTimeFormatter.ISO_LOCAL_DATE.format(instant.atZone(zone));
  }

  /** Both parties' wordings, one per line: the starting point of a shared goal's wording. */
  public String both(String clientWords, String therapistWords) {
    return (clientWords == null ? "" : clientWords) + "\n" + (therapistWords == null ? "" : therapistWords);
  }

  public String language(String tag, Locale locale) {
    return Languages.name(tag, locale);
  }
}
