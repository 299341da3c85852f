package health.commonground.fhir;

import health.commonground.fhir.BadInputScenarios.BadCase;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Goal;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Type;

/**
 * Whole classes of hostile requests, each answered with a 4xx and an OperationOutcome whatever
 * layer refuses it (Tomcat, Spring Security's firewall, HAPI, our providers): numbers at and past
 * every limit, malformed headers of every kind the API reads, every operation with every parameter
 * of a wrong type, percent-encoding edge cases, requests the servlet container or the firewall
 * refuse. Run by {@link BadInputScenarios}, which also checks that nothing was stored.
 */
final class BadInputCorpus {

  /** Past {@code Long.MAX_VALUE} (9223372036854775807). */
  static final String PAST_LONG = "99999999999999999999";

  /** Past {@code Integer.MAX_VALUE}. */
  static final String PAST_INT = "2147483648";

  private BadInputCorpus() {}

  static List<BadCase> cases(FhirApiSupport api, Goal goal, Map<String, String> values) {
    List<BadCase> cases = new ArrayList<>();
    numbers(api, goal, values, cases);
    headers(api, goal, values, cases);
    operations(api, goal, values, cases);
    encodings(api, goal, cases);
    containerAndFirewall(api, goal, cases);
    return cases;
  }

  private static void numbers(
      FhirApiSupport api, Goal goal, Map<String, String> values, List<BadCase> cases) {
    String id = goal.getIdElement().getIdPart();
    String body = api.json(goal);
    for (String version : List.of(PAST_LONG, "0", "-1", "1.5", "1e3", " 1")) {
      String encoded = version.replace(" ", "%20");
      cases.add(
          new BadCase(
              "vread of version '" + version + "'",
              () -> api.get("Goal/" + id + "/_history/" + encoded)));
      cases.add(
          new BadCase(
              "If-Match of version '" + version + "'",
              () -> api.put("Goal/" + id, body, "If-Match", "W/\"" + version + "\"")));
    }
    cases.add(
        new BadCase("vread of the next version", () -> api.get("Goal/" + id + "/_history/2"), 404));
    cases.add(
        new BadCase(
            "If-Match of a version past the current one",
            () -> api.put("Goal/" + id, body, "If-Match", "W/\"2\""),
            412));
    cases.add(new BadCase("id of 65 digits", () -> api.get("Patient/" + "1".repeat(65)), 400));
    for (String param : List.of("_count", "_offset")) {
      for (String number : List.of(PAST_LONG, PAST_INT, "-1", "1.5", "1e2", "0x10")) {
        cases.add(
            new BadCase(
                param + "=" + number + " in a search",
                () ->
                    api.get("Goal?patient=" + values.get("patient") + "&" + param + "=" + number)));
        cases.add(
            new BadCase(
                param + "=" + number + " in a history",
                () -> api.get("Goal/_history?" + param + "=" + number)));
      }
    }
    for (String date :
        List.of(
            "10000-01-01",
            "2025-13-01",
            "2025-02-30",
            "2025-01-01T25:00:00Z",
            "2025-01-01T10:00:00+25:00",
            "-2025",
            PAST_LONG,
            "ge",
            "gt2025-01-01T10:00:00.0000000000000001Z")) {
      String encoded = date.replace("+", "%2B").replace(":", "%3A");
      cases.add(
          new BadCase("_lastUpdated=" + date, () -> api.get("Goal?_lastUpdated=" + encoded), 400));
      cases.add(
          new BadCase("_since=" + date, () -> api.get("Goal/_history?_since=" + encoded), 400));
    }
  }

  private static void headers(
      FhirApiSupport api, Goal goal, Map<String, String> values, List<BadCase> cases) {
    String id = goal.getIdElement().getIdPart();
    String body = api.json(goal);
    String newGoal = api.json(api.clientGoal(new IdType(values.get("patient"))));
    for (String ifMatch :
        List.of(
            "W/\"\"",
            "W/\"1",
            "W/1",
            "\"\"",
            "W/\"1\", W/\"2\"",
            "W/\"" + "9".repeat(4000) + "\"",
            "W/\"1\u00e9\"")) {
      cases.add(
          new BadCase(
              "update with If-Match " + abbreviate(ifMatch),
              () -> api.put("Goal/" + id, body, "If-Match", ifMatch)));
    }
    for (String criteria :
        List.of("%%%&&&===", "patient=%zz", "=x", "&&&", "banana=1", "patient=%")) {
      cases.add(
          new BadCase(
              "conditional create with If-None-Exist " + abbreviate(criteria),
              () -> api.post("Goal", "application/fhir+json", newGoal, "If-None-Exist", criteria),
              null));
    }
    for (String ifNoneMatch : List.of("W/\"" + PAST_LONG + "\"", "W/\"\"", "garbage")) {
      // A conditional read that cannot be satisfied still needs a valid id to get past.
      cases.add(
          new BadCase(
              "read of a bad id with If-None-Match " + abbreviate(ifNoneMatch),
              () -> api.get("Goal/bad$id", "If-None-Match", ifNoneMatch),
              400));
    }
    for (String prefer :
        List.of("return=banana", "handling=strict", ";;;===", "respond-async", "return")) {
      cases.add(
          new BadCase(
              "invalid Goal with Prefer " + prefer,
              () ->
                  api.post(
                      "Goal",
                      "application/fhir+json",
                      "{\"resourceType\":\"Goal\"}",
                      "Prefer",
                      prefer)));
    }
    cases.add(
        new BadCase(
            "search with an unknown parameter and Prefer: handling=strict",
            () -> api.get("Goal?banana=1", "Prefer", "handling=strict"),
            400));
    for (String contentType :
        List.of(
            "application/fhir+json; charset=klingon",
            "application/fhir+json; fhirVersion=3.0",
            ";;;",
            "application/",
            "*/*",
            "application/fhir+json; charset=UTF-8; charset=UTF-16")) {
      cases.add(
          new BadCase(
              "invalid Goal sent as " + contentType,
              () -> api.post("Goal", contentType, "{\"resourceType\":\"Goal\",\"status\":1}")));
    }
    cases.add(
        new BadCase(
            "create without a Content-Type",
            () ->
                api.send(api.request("Goal").POST(HttpRequest.BodyPublishers.ofString(newGoal)))));
    for (String accept :
        List.of(
            "application/fhir+xml",
            "application/fhir+json;q=banana",
            "application/x-unknown",
            ";;;",
            "*/*")) {
      cases.add(
          new BadCase(
              "bad id asked for as " + accept,
              () -> api.get("Goal/bad$id", "Accept", accept),
              400));
    }
    for (String authorization :
        List.of(
            "Bearer",
            "Bearer ",
            "Bearer a.b.c",
            "Bearer " + "a".repeat(6000),
            "Basic dXNlcjpwYXNz",
            "bearer" + "x",
            "Bearer a b")) {
      cases.add(
          new BadCase(
              "Authorization " + abbreviate(authorization),
              () ->
                  api.send(
                      java.net.http.HttpRequest.newBuilder(
                              java.net.URI.create(api.base() + "/Goal?patient=x"))
                          .header("Authorization", authorization)
                          .GET()),
              401));
    }
  }

  private static void operations(
      FhirApiSupport api, Goal goal, Map<String, String> values, List<BadCase> cases) {
    String id = goal.getIdElement().getIdPart();
    Map<String, Map<String, String>> operations = new LinkedHashMap<>();
    operations.put("Goal/" + id + "/$accept", Map.of("status", "code", "individual", "Reference"));
    operations.put(
        "Goal/$align",
        Map.of(
            "clientGoal", "Reference",
            "therapistGoal", "Reference",
            "description", "string",
            "language", "code"));
    operations.put("Goal/" + id + "/$link", Map.of("counterpart", "Reference"));
    operations.put(
        "Goal/" + id + "/$log-strategy",
        Map.of(
            "counterpart", "Reference", "strategy", "code", "date", "dateTime", "note", "string"));
    operations.put(
        "Goal/" + id + "/$move-divergence",
        Map.of("counterpart", "Reference", "status", "code", "note", "string"));
    operations.put(
        "Goal/" + id + "/$name-divergence",
        Map.of("counterpart", "Reference", "dimension", "code", "note", "string"));
    operations.put(
        "Goal/" + id + "/$revise",
        Map.of("goal", "Goal", "oldLifecycleStatus", "code", "divergences", "code"));
    operations.put("Goal/$validate", Map.of("resource", "Resource", "mode", "code"));
    operations.put("Goal/" + id + "/$validate", Map.of("resource", "Resource", "profile", "uri"));
    operations.forEach(
        (path, parameters) ->
            parameters.forEach(
                (name, type) -> {
                  for (Type wrong : wrongValues(type)) {
                    Parameters body = new Parameters();
                    body.addParameter().setName(name).setValue(wrong);
                    cases.add(
                        new BadCase(
                            path + " with " + name + " as " + wrong.fhirType(),
                            () -> api.post(path, "application/fhir+json", api.json(body))));
                  }
                }));
    cases.add(
        new BadCase(
            "Goal/$validate with a Goal where a Parameters belongs",
            () ->
                api.post(
                    "Goal/$validate",
                    "application/fhir+json",
                    "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"resource\","
                        + "\"resource\":{\"resourceType\":\"Banana\"}}]}")));
    cases.add(
        new BadCase(
            "an operation that does not exist",
            () -> api.post("Goal/" + id + "/$banana", "application/fhir+json", "{}")));
    cases.add(
        new BadCase("$alignment of a Goal", () -> api.get("Goal/" + id + "/$alignment"), null));
  }

  private static List<Type> wrongValues(String type) {
    return switch (type) {
      case "Reference", "Goal", "Resource" ->
          List.of(new StringType("Goal/x"), new BooleanType(true));
      case "code", "string", "uri" -> List.of(new BooleanType(true), new IntegerType(7));
      case "dateTime" -> List.of(new StringType("yesterday"), new IntegerType(20250101));
      default -> throw new IllegalArgumentException(type);
    };
  }

  private static void encodings(FhirApiSupport api, Goal goal, List<BadCase> cases) {
    String bearer = "Bearer " + api.accessToken();
    for (String target :
        List.of(
            "/fhir/Goal/%",
            "/fhir/Goal/%zz",
            "/fhir/Goal/%C0%AF",
            "/fhir/Goal/%FF%FE",
            "/fhir/Goal/abc%2Fdef",
            "/fhir/Goal/abc%5Cdef",
            "/fhir/Goal?patient=%",
            "/fhir/Goal?patient=%zz",
            "/fhir/Goal?%=1",
            "/fhir/Goal?patient=%FF%FE",
            "/fhir/Goal?patient=%C0%AF",
            "/fhir/Goal/%E2%80%AE")) {
      cases.add(
          new BadCase(
              "percent-encoding " + target,
              () -> RawHttp.send(api.base(), "GET", target, null, "Authorization", bearer)));
    }
  }

  private static void containerAndFirewall(FhirApiSupport api, Goal goal, List<BadCase> cases) {
    String bearer = "Bearer " + api.accessToken();
    String id = goal.getIdElement().getIdPart();
    for (String target :
        List.of(
            "/fhir/Goal/%2e%2e/Patient",
            "/fhir/Goal/%2E%2E/%2E%2E/metadata",
            "/fhir/Goal/..;/Patient",
            "/fhir/Goal/%00",
            "/fhir/Goal/a%00b",
            "/fhir/Goal//" + id,
            "/fhir/Goal;jsessionid=1/" + id,
            "/fhir/Goal/%25%32%65")) {
      cases.add(
          new BadCase(
              "path refused " + target,
              () -> RawHttp.send(api.base(), "GET", target, null, "Authorization", bearer)));
    }
    cases.add(
        new BadCase(
            "unknown HTTP method",
            () ->
                RawHttp.send(
                    api.base(), "BANANA", "/fhir/Goal/" + id, null, "Authorization", bearer),
            405));
    cases.add(
        new BadCase(
            "TRACE", () -> RawHttp.send(api.base(), "TRACE", "/fhir/Goal/" + id, null), 405));
    cases.add(
        new BadCase(
            "DELETE on a type without an id", () -> api.send(api.request("Goal").DELETE()), null));
    cases.add(
        new BadCase("DELETE on the server base", () -> api.send(api.request("").DELETE()), null));
    cases.add(
        new BadCase(
            "a header of 20 KB",
            () ->
                RawHttp.send(
                    api.base(),
                    "GET",
                    "/fhir/Goal/" + id,
                    null,
                    "Authorization",
                    bearer,
                    "X-Padding",
                    "p".repeat(20_000)),
            null));
    cases.add(
        new BadCase(
            "a search URL of 20 KB of repeated values",
            () ->
                RawHttp.send(
                    api.base(),
                    "GET",
                    "/fhir/Goal?identifier=" + "a,".repeat(10_000) + "a",
                    null,
                    "Authorization",
                    bearer),
            null));
    cases.add(
        new BadCase(
            "a search with a parameter repeated 2000 times",
            () -> api.get("Goal?" + "category=a&".repeat(2000) + "category=a"),
            null));
    cases.add(
        new BadCase(
            "a header with a control character",
            () ->
                RawHttp.send(
                    api.base(),
                    "GET",
                    "/fhir/Goal/" + id,
                    null,
                    "Authorization",
                    bearer,
                    "If-None-Match",
                    "W/\"1\u0001\""),
            null));
  }

  private static String abbreviate(String text) {
    return text.length() > 40 ? text.substring(0, 40) + "… (" + text.length() + " chars)" : text;
  }
}
