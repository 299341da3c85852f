package health.commonground.fhir;

import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Parses the query part of a FHIR URL (conditional criteria, transaction entry URLs). */
final class QueryStrings {

  private QueryStrings() {}

  static Map<String, String[]> parse(String query) {
    String q = query.startsWith("?") ? query.substring(1) : query;
    int mark = q.indexOf('?');
    if (mark >= 0) {
      q = q.substring(mark + 1);
    }
    Map<String, List<String>> collected = new LinkedHashMap<>();
    for (String pair : q.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      collected.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
    }
    Map<String, String[]> result = new LinkedHashMap<>();
    collected.forEach((name, values) -> result.put(name, values.toArray(String[]::new)));
    return result;
  }

  private static String decode(String value) {
    try {
      return URLDecoder.decode(value, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException(
          "'" + value + "' is not valid in a query string: a % must be followed by two hex digits");
    }
  }
}
