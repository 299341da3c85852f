package health.commonground.store;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A reference to a resource on this server: {@code Type/id} or {@code Type/id/_history/v}. */
public record LocalReference(String type, String id, Long version) {

  private static final Pattern RELATIVE =
      Pattern.compile("^([A-Z][A-Za-z]+)/([A-Za-z0-9\\-.]{1,64})(?:/_history/([0-9]{1,18}))?$");

  public static Optional<LocalReference> parse(String reference) {
    if (reference == null) {
      return Optional.empty();
    }
    Matcher matcher = RELATIVE.matcher(reference);
    if (!matcher.matches()) {
      return Optional.empty();
    }
    Long version = matcher.group(3) == null ? null : Long.valueOf(matcher.group(3));
    return Optional.of(new LocalReference(matcher.group(1), matcher.group(2), version));
  }

  public String relative() {
    return type + "/" + id;
  }
}
