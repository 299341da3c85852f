package health.commonground.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.api.MethodOutcome;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Goal;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

/** Read, vread, history, create and update, as any FHIR client does them. */
interface ReadWriteScenarios extends FhirApiSupport {

  @Test
  default void createThenReadReturnsTheGoalWithServerIdVersionAndProfile() {
    Patient patient = newPatient();
    MethodOutcome outcome =
        client().create().resource(clientGoal(patient.getIdElement())).execute();

    assertThat(outcome.getCreated()).isTrue();
    IdType id = (IdType) outcome.getId();
    assertThat(id.getIdPart()).isNotBlank();
    assertThat(id.getVersionIdPart()).isEqualTo("1");

    Goal read = client().read().resource(Goal.class).withId(id.getIdPart()).execute();
    assertThat(read.getDescription().getText())
        .isEqualTo("Quiero poder hablar con mi madre sin pelear");
    assertThat(read.getMeta().getVersionId()).isEqualTo("1");
    assertThat(read.getMeta().getLastUpdated()).isNotNull();
    assertThat(
            read.getMeta()
                .hasProfile("https://commonground.health/fhir/StructureDefinition/client-goal"))
        .isTrue();
    assertThat(read.getSubject().getReference())
        .isEqualTo(FhirApiSupport.relative(patient.getIdElement()));
  }

  /** Ids that grow with time keep the store's index inserts at the ends of its B-trees. */
  @Test
  default void serverAssignedIdsAreVersion7UuidsInTheOrderOfCreation() throws InterruptedException {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      // Ids of one millisecond need not be in order; of later milliseconds they must be.
      Thread.sleep(2);
      Patient patient = newPatient();
      ids.add(patient.getIdElement().getIdPart());
      Thread.sleep(2);
      ids.add(
          client()
              .create()
              .resource(clientGoal(patient.getIdElement()))
              .execute()
              .getId()
              .getIdPart());
    }
    ids.forEach(id -> assertThat(UUID.fromString(id).version()).as(id).isEqualTo(7));
    assertThat(ids).isSorted();
  }

  @Test
  default void updateMakesANewVersionAndVreadStillReturnsTheOldOne() {
    Patient patient = newPatient();
    Goal created = create(clientGoal(patient.getIdElement()));
    String id = created.getIdElement().getIdPart();

    created.setAchievementStatus(null);
    created
        .getAchievementStatus()
        .addCoding()
        .setSystem("http://terminology.hl7.org/CodeSystem/goal-achievement")
        .setCode("improving");
    MethodOutcome updated = client().update().resource(created).execute();
    assertThat(updated.getId().getVersionIdPart()).isEqualTo("2");

    Goal current = client().read().resource(Goal.class).withId(id).execute();
    assertThat(current.getAchievementStatus().getCodingFirstRep().getCode()).isEqualTo("improving");
    Goal first = client().read().resource(Goal.class).withIdAndVersion(id, "1").execute();
    assertThat(first.getAchievementStatus().getCodingFirstRep().getCode()).isEqualTo("in-progress");
    assertThat(first.getMeta().getVersionId()).isEqualTo("1");

    Response missingVersion = get("Goal/" + id + "/_history/9");
    assertThat(missingVersion.status()).isEqualTo(404);
    assertOperationOutcome(missingVersion);
  }

  @Test
  default void instanceHistoryListsEveryVersionNewestFirst() {
    Goal goal = create(clientGoal(newPatient().getIdElement()));
    goal.setLifecycleStatus(Goal.GoalLifecycleStatus.ONHOLD);
    goal = update(goal);
    goal.setLifecycleStatus(Goal.GoalLifecycleStatus.ACTIVE);
    update(goal);

    Bundle history =
        client()
            .history()
            .onInstance(goal.getIdElement().toVersionless())
            .returnBundle(Bundle.class)
            .execute();
    assertThat(history.getType()).isEqualTo(Bundle.BundleType.HISTORY);
    assertThat(history.getTotal()).isEqualTo(3);
    assertThat(history.getEntry())
        .extracting(e -> e.getResource().getMeta().getVersionId())
        .containsExactly("3", "2", "1");
    assertThat(history.getEntry())
        .extracting(e -> ((Goal) e.getResource()).getLifecycleStatus())
        .containsExactly(
            Goal.GoalLifecycleStatus.ACTIVE,
            Goal.GoalLifecycleStatus.ONHOLD,
            Goal.GoalLifecycleStatus.ACTIVE);
  }

  @Test
  default void typeHistoryCountsEveryWriteOfTheType() {
    Patient patient = newPatient();
    int before =
        client().history().onType(Goal.class).returnBundle(Bundle.class).execute().getTotal();
    Goal goal = create(clientGoal(patient.getIdElement()));
    client().update().resource(goal).execute();

    Bundle after = client().history().onType(Goal.class).returnBundle(Bundle.class).execute();
    assertThat(after.getTotal()).isEqualTo(before + 2);
    assertThat(after.getEntry().get(0).getResource().getIdElement().getIdPart())
        .isEqualTo(goal.getIdElement().getIdPart());
  }

  @Test
  default void updateWithAClientChosenIdCreatesTheResource() {
    String id = "client-chosen-" + UUID.randomUUID();
    Patient patient = fixture(Patient.class, "patient.json", java.util.Map.of("mrn", id));
    patient.setId(id);

    MethodOutcome outcome = client().update().resource(patient).execute();
    assertThat(outcome.getCreated()).isTrue();
    assertThat(outcome.getId().getIdPart()).isEqualTo(id);
    assertThat(outcome.getId().getVersionIdPart()).isEqualTo("1");

    Patient read = client().read().resource(Patient.class).withId(id).execute();
    assertThat(read.getNameFirstRep().getFamily()).isEqualTo("Rivers");
    MethodOutcome again = client().update().resource(read).execute();
    assertThat(again.getCreated()).isNotEqualTo(Boolean.TRUE);
    assertThat(again.getId().getVersionIdPart()).isEqualTo("2");
  }

  @Test
  default void readSendsETagAndLastModifiedOfTheCurrentVersion() {
    Goal goal = create(clientGoal(newPatient().getIdElement()));
    client().update().resource(goal).execute();

    Response response = get("Goal/" + goal.getIdElement().getIdPart());
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.header("ETag")).isEqualTo("W/\"2\"");
    Goal read = parse(Goal.class, response);
    ZonedDateTime lastModified =
        ZonedDateTime.parse(response.header("Last-Modified"), DateTimeFormatter.RFC_1123_DATE_TIME);
    // Last-Modified has whole seconds; meta.lastUpdated has milliseconds.
    assertThat(lastModified.toInstant().getEpochSecond())
        .isEqualTo(read.getMeta().getLastUpdated().toInstant().getEpochSecond());

    Response created =
        post("Goal", "application/fhir+json", json(clientGoal(newPatient().getIdElement())));
    assertThat(created.status()).isEqualTo(201);
    assertThat(created.header("ETag")).isEqualTo("W/\"1\"");
    assertThat(created.header("Location")).matches(".*/fhir/Goal/[^/]+/_history/1");
  }

  @Test
  default void speaksJsonAndXmlByFormatParameterAndAcceptHeader() {
    Goal goal = create(clientGoal(newPatient().getIdElement()));
    String path = "Goal/" + goal.getIdElement().getIdPart();

    Response byDefault = get(path);
    assertThat(byDefault.header("Content-Type")).startsWith("application/fhir+json");
    Response xmlByFormat = get(path + "?_format=xml");
    assertThat(xmlByFormat.header("Content-Type")).startsWith("application/fhir+xml");
    assertThat(xmlByFormat.body()).contains("<Goal xmlns=\"http://hl7.org/fhir\"");
    Response xmlByAccept = get(path, "Accept", "application/fhir+xml");
    assertThat(xmlByAccept.header("Content-Type")).startsWith("application/fhir+xml");
    Response jsonByFormat = get(path + "?_format=json", "Accept", "application/fhir+xml");
    assertThat(jsonByFormat.header("Content-Type")).startsWith("application/fhir+json");

    assertThat(parse(Goal.class, xmlByAccept).getDescription().getText())
        .isEqualTo(parse(Goal.class, byDefault).getDescription().getText());

    // A client that speaks XML can write too.
    client().setEncoding(EncodingEnum.XML);
    try {
      Goal viaXml = create(clientGoal(newPatient().getIdElement()));
      assertThat(viaXml.getDescription().getTextElement().getExtension()).hasSize(1);
    } finally {
      client().setEncoding(EncodingEnum.JSON);
    }
  }

  @Test
  default void readOfUnknownGoalIs404WithOperationOutcome() {
    Response response = get("Goal/" + UUID.randomUUID());
    assertThat(response.status()).isEqualTo(404);
    assertOperationOutcome(response);
  }
}
