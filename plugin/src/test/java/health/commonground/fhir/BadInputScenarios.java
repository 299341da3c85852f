package health.commonground.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Goal;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Bad input of every kind gets a 4xx with an OperationOutcome, never a 5xx, and leaves the store as
 * it was. The cases are the files in {@code fixtures/bad-input/}, requests built here and the
 * classes of hostile requests in {@link BadInputCorpus}.
 */
interface BadInputScenarios extends FhirApiSupport {

  String INJECTION = "' OR 1=1 --";

  /** One bad request; {@code expectedStatus} null when any 4xx is right. */
  record BadCase(String name, Supplier<Response> call, Integer expectedStatus) {
    BadCase(String name, Supplier<Response> call) {
      this(name, call, null);
    }
  }

  @TestFactory
  default Stream<DynamicTest> badInputGets4xxWithOperationOutcomeAndStoresNothing() {
    Patient patient = newPatient();
    Practitioner practitioner = newPractitioner();
    Goal goal = create(therapistGoal(patient.getIdElement(), practitioner.getIdElement()));
    Map<String, String> values =
        Map.of(
            "patient", FhirApiSupport.relative(patient.getIdElement()),
            "practitioner", FhirApiSupport.relative(practitioner.getIdElement()),
            "otherGoal", FhirApiSupport.relative(goal.getIdElement()));
    List<BadCase> cases = new ArrayList<>(fileCases(values));
    cases.addAll(generatedCases(goal, values));
    cases.addAll(BadInputCorpus.cases(this, goal, values));
    return cases.stream()
        .map(
            c ->
                DynamicTest.dynamicTest(
                    c.name(),
                    () -> {
                      long size = storeSize();
                      Response response = c.call().get();
                      assertThat(response.status())
                          .as("%s answered %s", c.name(), response.body())
                          .isBetween(400, 499);
                      if (c.expectedStatus() != null) {
                        assertThat(response.status())
                            .as(response.body())
                            .isEqualTo(c.expectedStatus());
                      }
                      assertOperationOutcome(response);
                      assertThat(response.body())
                          .doesNotContain("at health.commonground", "Exception:");
                      assertThat(storeSize()).as("store unchanged by %s", c.name()).isEqualTo(size);
                    }));
  }

  private List<BadCase> fileCases(Map<String, String> values) {
    Path dir;
    try {
      dir = Path.of(FhirApiSupport.class.getResource("/fixtures/bad-input").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .map(f -> f.getFileName().toString())
          .filter(n -> n.contains("--"))
          .sorted()
          .map(
              name -> {
                String type = name.substring(0, name.indexOf("--"));
                String contentType =
                    name.endsWith(".xml")
                        ? "application/fhir+xml"
                        : name.endsWith(".txt") ? "text/plain" : "application/fhir+json";
                String body = FhirApiSupport.fixture("bad-input/" + name, values);
                String path = type.equals("Bundle") ? "" : type;
                return new BadCase("file " + name, () -> post(path, contentType, body), null);
              })
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private List<BadCase> generatedCases(Goal goal, Map<String, String> values) {
    String id = goal.getIdElement().getIdPart();
    String validGoal = json(clientGoal(new org.hl7.fhir.r4.model.IdType(values.get("patient"))));
    String injection = URLEncoder.encode(INJECTION, StandardCharsets.UTF_8).replace("+", "%20");
    List<BadCase> cases = new ArrayList<>();

    // Size limit: a goal whose text alone is over commonground.fhir.max-body-bytes (5 MB).
    Goal huge = clientGoal(new org.hl7.fhir.r4.model.IdType(values.get("patient")));
    huge.getDescription().setText("a".repeat(5_000_001));
    String hugeBody = json(huge);
    cases.add(
        new BadCase(
            "body over the size limit",
            () -> post("Goal", "application/fhir+json", hugeBody),
            413));

    // Ids in URLs.
    cases.add(new BadCase("id with a dollar sign", () -> get("Goal/abc%24def"), 400));
    cases.add(new BadCase("id of 65 characters", () -> get("Goal/" + "a".repeat(65)), 400));
    cases.add(new BadCase("id with an injection", () -> get("Goal/" + injection), 400));
    cases.add(
        new BadCase(
            "vread of a non-numeric version", () -> get("Goal/" + id + "/_history/abc"), 400));
    cases.add(
        new BadCase(
            "history of an injection id", () -> get("Goal/" + injection + "/_history"), 400));
    cases.add(new BadCase("update with an invalid id", () -> put("Goal/bad!id", validGoal)));
    cases.add(
        new BadCase("update with an injection id", () -> put("Goal/" + injection, validGoal), 400));
    cases.add(
        new BadCase(
            "update whose body id differs from the URL",
            () -> put("Goal/" + id, json(goal.copy().setId("someone-else"))),
            400));
    cases.add(
        new BadCase(
            "update of a Goal with a Patient body",
            () -> put("Goal/" + id, FhirApiSupport.fixture("patient.json", Map.of("mrn", "x")))));
    cases.add(
        new BadCase(
            "update with a malformed If-Match",
            () -> put("Goal/" + id, json(goal), "If-Match", "W/\"one\"")));
    cases.add(new BadCase("unknown resource type", () -> get("Banana/1")));
    cases.add(
        new BadCase(
            "POST to an instance", () -> post("Goal/" + id, "application/fhir+json", validGoal)));

    // Injection-like strings in search parameters that must be refused.
    cases.add(new BadCase("injection as a reference", () -> get("Goal?patient=" + injection), 400));
    cases.add(new BadCase("injection as a date", () -> get("Goal?_lastUpdated=" + injection), 400));
    cases.add(new BadCase("injection as a sort", () -> get("Goal?_sort=" + injection), 400));
    cases.add(new BadCase("injection as a count", () -> get("Goal?_count=" + injection), 400));
    cases.add(new BadCase("injection as an offset", () -> get("Goal?_offset=" + injection), 400));
    cases.add(
        new BadCase("injection as a parameter name", () -> get("Goal?" + injection + "=x"), 400));
    cases.add(new BadCase("injection as an include", () -> get("Goal?_include=" + injection), 400));
    cases.add(
        new BadCase("injection as a revinclude", () -> get("Goal?_revinclude=" + injection), 400));
    cases.add(
        new BadCase("injection as _since", () -> get("Goal/_history?_since=" + injection), 400));
    cases.add(new BadCase("negative _count", () -> get("Goal?_count=-1"), 400));
    cases.add(
        new BadCase(
            "injection in conditional create criteria",
            () ->
                post(
                    "Goal",
                    "application/fhir+json",
                    validGoal,
                    "If-None-Exist",
                    "patient=" + injection),
            400));

    // A valid goal sent as something that is not FHIR.
    for (String contentType :
        List.of(
            "text/plain",
            "text/html",
            "application/octet-stream",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=xyz",
            "application/json-patch+json")) {
      cases.add(
          new BadCase("valid goal as " + contentType, () -> post("Goal", contentType, validGoal)));
    }
    cases.add(
        new BadCase(
            "update as text/plain",
            () ->
                send(
                    request("Goal/" + id)
                        .header("Content-Type", "text/plain")
                        .PUT(HttpRequest.BodyPublishers.ofString(json(goal))))));
    cases.add(
        new BadCase(
            "PATCH is not offered",
            () ->
                send(
                    request("Goal/" + id)
                        .header("Content-Type", "application/json-patch+json")
                        .method(
                            "PATCH",
                            HttpRequest.BodyPublishers.ofString(
                                "[{\"op\":\"replace\",\"path\":\"/lifecycleStatus\",\"value\":\"cancelled\"}]")))));
    return cases;
  }

  /** TRACE reaches the security firewall (Tomcat lets it through): refused, never echoed. */
  @Test
  default void traceIsRefusedEverywhereAndNeverEchoed() {
    for (String path : List.of("/fhir/metadata", "/", "/launch/start", "/sandbox")) {
      Response response =
          RawHttp.send(base(), "TRACE", path, null, "X-Echo-Check", "secret-header-value");
      assertThat(response.status())
          .as("TRACE %s answered %s", path, response.body())
          .isIn(400, 405);
      assertThat(response.body()).as(path).doesNotContain("secret-header-value");
    }
  }

  @Test
  default void injectionLikeSearchValuesMatchNothingAndLeakNothing() {
    create(clientGoal(newPatient().getIdElement()));
    String injection = URLEncoder.encode(INJECTION, StandardCharsets.UTF_8).replace("+", "%20");
    for (String query :
        List.of(
            "Goal?identifier=" + injection,
            "Goal?category=" + injection,
            "Goal?lifecycle-status=" + injection,
            "Goal?_id=" + injection,
            "Patient?name=" + injection,
            "Patient?name:contains=" + URLEncoder.encode("%' OR '1'='1", StandardCharsets.UTF_8))) {
      Response response = get(query);
      assertThat(response.status()).as("%s answered %s", query, response.body()).isIn(200, 400);
      if (response.status() == 200) {
        Bundle bundle = parse(Bundle.class, response);
        assertThat(bundle.getTotal()).as(query).isZero();
        assertThat(bundle.getEntry()).as(query).isEmpty();
      } else {
        assertOperationOutcome(response);
      }
    }
  }
}
