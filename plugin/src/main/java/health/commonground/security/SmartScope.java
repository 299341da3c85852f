package health.commonground.security;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One SMART clinical scope, v2 ({@code patient/Goal.rs}, {@code user/Goal.cruds}, {@code
 * patient/Observation.rs?category=x}) or v1 ({@code patient/Goal.read}, {@code user/*.write},
 * {@code system/*.*}), reduced to what it grants: a context, a resource type, permissions from
 * {@code cruds} and, for granular scopes, search parameters the resources must match.
 */
public record SmartScope(
    Context context, String resourceType, String permissions, Map<String, String> filter) {

  /** Whose data the scope reaches. Later constants reach further. */
  public enum Context {
    PATIENT,
    USER,
    SYSTEM
  }

  private static final Pattern SCOPE =
      Pattern.compile("^(patient|user|system)/([A-Z][A-Za-z]+|\\*)\\.([a-z*]+)(?:\\?(.+))?$");
  private static final Pattern V2_PERMISSIONS = Pattern.compile("^c?r?u?d?s?$");

  public static Optional<SmartScope> parse(String scope) {
    Matcher matcher = SCOPE.matcher(scope);
    if (!matcher.matches()) {
      return Optional.empty();
    }
    String permissions =
        switch (matcher.group(3)) {
          case "read" -> "rs";
          case "write" -> "cud";
          case "*" -> "cruds";
          default -> V2_PERMISSIONS.matcher(matcher.group(3)).matches() ? matcher.group(3) : "";
        };
    if (permissions.isEmpty()) {
      return Optional.empty();
    }
    Map<String, String> filter = new LinkedHashMap<>();
    if (matcher.group(4) != null) {
      for (String pair : matcher.group(4).split("&")) {
        int eq = pair.indexOf('=');
        if (eq <= 0) {
          return Optional.empty();
        }
        filter.put(
            java.net.URLDecoder.decode(
                pair.substring(0, eq), java.nio.charset.StandardCharsets.UTF_8),
            java.net.URLDecoder.decode(
                pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8));
      }
    }
    return Optional.of(
        new SmartScope(
            Context.valueOf(matcher.group(1).toUpperCase(java.util.Locale.ROOT)),
            matcher.group(2),
            permissions,
            Map.copyOf(filter)));
  }

  public boolean grants(String type, char permission) {
    return ("*".equals(resourceType) || resourceType.equals(type))
        && permissions.indexOf(permission) >= 0;
  }
}
