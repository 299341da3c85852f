package health.commonground.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Goal;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

/**
 * Plain JSON reads, searches, creates and updates are answered from the stored JSON ({@link
 * StoredJsonAnswers}); the answer must be what HAPI writes for the same request. {@code
 * _summary=false} changes nothing in an answer but sends the request through HAPI, so the two can
 * be compared.
 */
interface StoredJsonScenarios extends FhirApiSupport {

  String JSON = "application/fhir+json";

  /** How many answers {@link StoredJsonAnswers} has written so far. */
  long storedJsonAnswers();

  @Test
  default void readAndVreadAnswerWithTheStoredJsonExactlyAsHapiDoes() {
    Patient patient = newPatient();
    Goal goal = create(clientGoal(patient.getIdElement()));
    goal.setLifecycleStatus(Goal.GoalLifecycleStatus.ACTIVE);
    Goal updated = update(goal);
    String id = updated.getIdElement().toUnqualifiedVersionless().getValue();

    for (String path : List.of(id, id + "/_history/1", id + "/_history/2")) {
      long before = storedJsonAnswers();
      Response stored = get(path, "Accept", JSON);
      assertThat(storedJsonAnswers()).as("answered from storage: %s", path).isEqualTo(before + 1);
      Response hapi = get(path + "?_summary=false", "Accept", JSON);
      assertThat(storedJsonAnswers()).as("answered by HAPI: %s", path).isEqualTo(before + 1);

      assertThat(stored.status()).isEqualTo(200);
      assertThat(stored.body()).as(path).isEqualTo(hapi.body());
      for (String header : List.of("Content-Type", "ETag", "Last-Modified")) {
        assertThat(stored.header(header)).as(header).isNotNull().isEqualTo(hapi.header(header));
      }
    }
    assertThat(get(id + "/_history/1", "Accept", JSON).header("ETag")).isEqualTo("W/\"1\"");
  }

  @Test
  default void createAndUpdateAnswerWithTheStoredJsonExactlyAsHapiDoes() {
    Patient patient = newPatient();
    String body = json(clientGoal(patient.getIdElement()));

    long before = storedJsonAnswers();
    Response stored = post("Goal", JSON, body, "Accept", JSON);
    assertThat(storedJsonAnswers()).as("answered from storage").isEqualTo(before + 1);
    Response hapi = post("Goal?_summary=false", JSON, body, "Accept", JSON);
    assertThat(storedJsonAnswers()).as("answered by HAPI").isEqualTo(before + 1);
    assertSameAnswer(stored, hapi, 201);

    // Each updated to version 2, once more each way.
    String storedId = parse(Goal.class, stored).getIdElement().getIdPart();
    String hapiId = parse(Goal.class, hapi).getIdElement().getIdPart();
    Goal change = parse(Goal.class, stored);
    change.setLifecycleStatus(Goal.GoalLifecycleStatus.ACTIVE);
    Response storedUpdate = put("Goal/" + storedId, json(change), "Accept", JSON);
    assertThat(storedJsonAnswers()).isEqualTo(before + 2);
    change.setId(hapiId);
    Response hapiUpdate = put("Goal/" + hapiId + "?_summary=false", json(change), "Accept", JSON);
    assertThat(storedJsonAnswers()).isEqualTo(before + 2);
    assertSameAnswer(storedUpdate, hapiUpdate, 200);
    assertThat(storedUpdate.header("ETag")).isEqualTo("W/\"2\"");
  }

  /** The same status, headers and bytes, but for the ids and times of the two resources. */
  private static void assertSameAnswer(Response stored, Response hapi, int status) {
    assertThat(stored.status()).as(stored.body()).isEqualTo(status);
    assertThat(hapi.status()).as(hapi.body()).isEqualTo(status);
    String storedId = idIn(stored);
    String hapiId = idIn(hapi);
    for (String header : List.of("Content-Type", "ETag", "Location", "Content-Location")) {
      String expected = hapi.header(header);
      if (!header.equals("Location") || status == 201) {
        assertThat(expected).as(header).isNotNull(); // Location only for a POST
      }
      assertThat(stored.header(header))
          .as(header)
          .isEqualTo(expected == null ? null : expected.replace(hapiId, storedId));
    }
    assertThat(stored.header("Last-Modified")).isNotNull();
    assertThat(hapi.header("Last-Modified")).isNotNull();
    assertThat(withoutTimes(stored.body()))
        .isEqualTo(withoutTimes(hapi.body().replace(hapiId, storedId)));
  }

  private static String idIn(Response response) {
    return response.body().replaceAll("(?s).*?\"id\":\"([^\"]+)\".*", "$1");
  }

  private static String withoutTimes(String json) {
    return json.replaceAll("\"lastUpdated\":\"[^\"]+\"", "\"lastUpdated\":\"…\"");
  }

  @Test
  default void searchPagesAreTheBundlesHapiWrites() {
    Patient patient = newPatient();
    for (int i = 0; i < 5; i++) {
      create(clientGoal(patient.getIdElement(), UUID.randomUUID().toString()));
    }
    String byPatient = "Goal?patient=" + FhirApiSupport.relative(patient.getIdElement());
    for (String query :
        List.of(
            byPatient,
            byPatient + "&_count=2",
            byPatient + "&_count=2&_offset=2",
            byPatient + "&_count=2&_offset=4",
            byPatient + "&_count=2&_total=none",
            byPatient + "&_sort=_lastUpdated&_count=3",
            "Goal?_id=no-such-goal")) {
      long before = storedJsonAnswers();
      Response stored = get(query, "Accept", JSON);
      assertThat(storedJsonAnswers()).as("answered from storage: %s", query).isEqualTo(before + 1);
      Response hapi = get(query + "&_summary=false", "Accept", JSON);

      assertThat(stored.status()).as(stored.body()).isEqualTo(200);
      assertThat(stored.header("Content-Type")).isEqualTo(hapi.header("Content-Type"));
      Bundle mine = parse(Bundle.class, stored);
      Bundle theirs = parse(Bundle.class, hapi);
      assertThat(mine.getIdElement().getIdPart()).isNotBlank();
      assertThat(mine.getMeta().getLastUpdated()).isNotNull();
      assertThat(mine.getType()).isEqualTo(Bundle.BundleType.SEARCHSET);
      assertThat(mine.hasTotal()).as(query).isEqualTo(theirs.hasTotal());
      assertThat(mine.getTotal()).as(query).isEqualTo(theirs.getTotal());
      assertThat(links(mine)).as(query).isEqualTo(links(theirs));
      assertThat(mine.getEntry()).hasSameSizeAs(theirs.getEntry());
      for (int i = 0; i < mine.getEntry().size(); i++) {
        Bundle.BundleEntryComponent a = mine.getEntry().get(i);
        Bundle.BundleEntryComponent b = theirs.getEntry().get(i);
        assertThat(a.getFullUrl()).isEqualTo(b.getFullUrl());
        assertThat(a.getSearch().getMode()).isEqualTo(Bundle.SearchEntryMode.MATCH);
        assertThat(json(a.getResource())).isEqualTo(json(b.getResource()));
      }
    }
  }

  /** Relation and URL of each link, with HAPI's detour parameter taken out. */
  private static List<String> links(Bundle bundle) {
    return bundle.getLink().stream()
        .map(
            l ->
                l.getRelation()
                    + " "
                    + l.getUrl().replace("_summary=false&", "").replace("&_summary=false", ""))
        .toList();
  }

  @Test
  default void whatTheStoredPathCannotWriteGoesThroughHapi() {
    Patient patient = newPatient();
    Goal goal = create(clientGoal(patient.getIdElement()));
    String id = goal.getIdElement().toUnqualifiedVersionless().getValue();
    String etag = "W/\"" + goal.getIdElement().getVersionIdPart() + "\"";

    long before = storedJsonAnswers();
    assertThat(get(id, "Accept", "application/fhir+xml").body()).startsWith("<Goal");
    assertThat(get(id + "?_pretty=true", "Accept", JSON).body()).contains("\n");
    assertThat(get(id + "?_elements=id", "Accept", JSON).body()).doesNotContain("expressedBy");
    assertThat(get(id, "Accept", JSON, "If-None-Match", etag).status()).isEqualTo(304);
    assertThat(get("Goal?patient=" + id(patient) + "&_include=Goal:patient", "Accept", JSON).body())
        .contains("\"mode\":\"include\"");
    assertThat(get("Goal?patient=" + id(patient) + "&_count=x", "Accept", JSON).status())
        .isEqualTo(400);
    assertThat(get("Goal?patient=" + id(patient) + "&_count=0", "Accept", JSON).body())
        .contains("\"total\":1")
        .doesNotContain("\"link\"");
    assertThat(storedJsonAnswers()).isEqualTo(before);

    // Errors found on the stored path are HAPI's OperationOutcomes, as before.
    assertThat(get("Goal/no-such-goal", "Accept", JSON).status()).isEqualTo(404);
    assertOperationOutcome(get("Goal/no-such-goal", "Accept", JSON));
    assertOperationOutcome(get("Goal?no-such-param=1", "Accept", JSON));
  }

  private static String id(Patient patient) {
    return patient.getIdElement().getIdPart();
  }
}
