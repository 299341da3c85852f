package health.commonground.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Goal;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

/**
 * Content as other EHRs and providers send it (fixtures/foreign: US Core, Multiple Chronic
 * Conditions and Person-Centered Outcomes style Goals and Patients, written for these tests): their
 * profiles declared, their extensions, references to resources held elsewhere and absolute
 * references. Each is accepted through create, update, transaction and conditional create, and read
 * back as it was sent.
 */
interface ForeignContentScenarios extends FhirApiSupport {

  List<String> FOREIGN_GOALS =
      List.of("us-core-goal.json", "mcc-goal.json", "pco-goal.json", "unclassified-goal.json");

  String PARTNER_MRN = "https://ehr.partner.example/fhir/mrn";

  @Test
  default void partnersGoalsAreStoredAndReadBackAsSent() {
    String patient = foreignPatient(UUID.randomUUID().toString());
    for (String name : FOREIGN_GOALS) {
      String sent = foreignGoal(name, patient);
      Response created = post("Goal", "application/fhir+json", sent);
      assertThat(created.status()).as(name + ": " + created.body()).isEqualTo(201);
      Goal stored = parse(Goal.class, created);
      assertSameContent(name, parseGoal(sent), stored);
      Goal read =
          client().read().resource(Goal.class).withId(stored.getIdElement().getIdPart()).execute();
      assertSameContent(name, parseGoal(sent), read);
    }
  }

  @Test
  default void partnersGoalsAreUpdatedAndTakenInXml() {
    String patient = foreignPatient(UUID.randomUUID().toString());
    Goal sent = parseGoal(foreignGoal("mcc-goal.json", patient));
    Goal created = create(sent.copy());
    Goal changed = created.copy();
    changed.addNote().setText("Reviewed at the partner clinic");
    Goal updated = update(changed);
    assertThat(updated.getMeta().getVersionId()).isEqualTo("2");
    assertThat(updated.getNote()).hasSize(1);
    assertSameContent("updated", changed, updated);
    Bundle history =
        client()
            .history()
            .onInstance(updated.getIdElement().toVersionless())
            .returnBundle(Bundle.class)
            .execute();
    // Each history entry says how its version came to be (bdl-3).
    assertThat(history.getEntry())
        .extracting(e -> e.getRequest().getMethod())
        .containsExactly(Bundle.HTTPVerb.PUT, Bundle.HTTPVerb.POST);
    assertThat(history.getEntry())
        .allSatisfy(e -> assertThat(e.getRequest().getUrl()).isNotBlank());

    String xml =
        fhir()
            .newXmlParser()
            .encodeResourceToString(parseGoal(foreignGoal("us-core-goal.json", patient)));
    Response response = post("Goal", "application/fhir+xml", xml, "Accept", "application/fhir+xml");
    assertThat(response.status()).as(response.body()).isEqualTo(201);
    assertSameContent(
        "xml", fhir().newXmlParser().parseResource(Goal.class, xml), parse(Goal.class, response));
  }

  @Test
  default void aTransactionFromAPartnerMatchesItsPatientAndResolvesConditionalReferences() {
    String mrn = UUID.randomUUID().toString();
    String patientUrn = "urn:uuid:" + UUID.randomUUID();
    Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    bundle
        .addEntry()
        .setFullUrl(patientUrn)
        .setResource(
            fhir()
                .newJsonParser()
                .parseResource(
                    Patient.class,
                    FhirApiSupport.fixture("foreign/us-core-patient.json", Map.of("mrn", mrn))))
        .getRequest()
        .setMethod(Bundle.HTTPVerb.POST)
        .setUrl("Patient")
        .setIfNoneExist("identifier=" + PARTNER_MRN + "|" + mrn);
    Goal first = parseGoal(foreignGoal("us-core-goal.json", "x"));
    first.getSubject().setReference(patientUrn);
    bundle
        .addEntry()
        .setResource(first)
        .getRequest()
        .setMethod(Bundle.HTTPVerb.POST)
        .setUrl("Goal");
    Bundle response = client().transaction().withBundle(bundle).execute();
    String patientId = response.getEntry().get(0).getResponse().getLocation().split("/")[1];
    assertThat(response.getEntry().get(0).getFullUrl()).isEqualTo(base() + "/Patient/" + patientId);

    // A second transaction names the same client by identifier only.
    Bundle again = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    Goal second = parseGoal(foreignGoal("pco-goal.json", "x"));
    second.getSubject().setReference("Patient?identifier=" + PARTNER_MRN + "|" + mrn);
    second.getExpressedBy().setReference("Patient?identifier=" + PARTNER_MRN + "|" + mrn);
    again
        .addEntry()
        .setResource(second)
        .getRequest()
        .setMethod(Bundle.HTTPVerb.POST)
        .setUrl("Goal");
    Bundle secondResponse = client().transaction().withBundle(again).execute();
    String goalId = secondResponse.getEntry().get(0).getResponse().getLocation().split("/")[1];
    Goal stored = client().read().resource(Goal.class).withId(goalId).execute();
    assertThat(stored.getSubject().getReference()).isEqualTo("Patient/" + patientId);
    assertThat(stored.getExpressedBy().getReference()).isEqualTo("Patient/" + patientId);
    // The client's own language comes from their record when the goal does not say it.
    assertThat(stored.getLanguage()).isEqualTo("es");

    // No match: 412, nothing stored.
    long size = storeSize();
    Bundle unknown = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    Goal third = parseGoal(foreignGoal("us-core-goal.json", "x"));
    third.getSubject().setReference("Patient?identifier=" + PARTNER_MRN + "|no-such-" + mrn);
    unknown
        .addEntry()
        .setResource(third)
        .getRequest()
        .setMethod(Bundle.HTTPVerb.POST)
        .setUrl("Goal");
    Response refused = post("", "application/fhir+json", json(unknown));
    assertThat(refused.status()).isEqualTo(412);
    assertThat(describe(assertOperationOutcome(refused))).contains("Bundle.entry[0]");
    assertThat(storeSize()).isEqualTo(size);
  }

  @Test
  default void aPartnersConditionalCreateIsIdempotent() {
    String patient = foreignPatient(UUID.randomUUID().toString());
    String goalId = UUID.randomUUID().toString();
    String sent =
        FhirApiSupport.fixture(
            "foreign/mcc-goal.json", Map.of("patient", patient, "goalId", goalId));
    String criteria = "identifier=https://ehr.partner.example/fhir/goal-id|" + goalId;
    Response first = post("Goal", "application/fhir+json", sent, "If-None-Exist", criteria);
    Response second = post("Goal", "application/fhir+json", sent, "If-None-Exist", criteria);
    assertThat(first.status()).isEqualTo(201);
    assertThat(second.status()).isEqualTo(200);
    assertThat(parse(Goal.class, second).getIdElement().getIdPart())
        .isEqualTo(parse(Goal.class, first).getIdElement().getIdPart());
  }

  @Test
  default void unknownProfilesAreWarningsAndMalformedReferencesSayWhy() {
    String patient = foreignPatient(UUID.randomUUID().toString());
    Response validated =
        post("Goal/$validate", "application/fhir+json", foreignGoal("us-core-goal.json", patient));
    OperationOutcome outcome = parse(OperationOutcome.class, validated);
    assertThat(outcome.getIssue())
        .filteredOn(i -> i.getDiagnostics() != null && i.getDiagnostics().contains("us-core-goal"))
        .isNotEmpty()
        .allSatisfy(
            i -> assertThat(i.getSeverity()).isEqualTo(OperationOutcome.IssueSeverity.WARNING));
    assertThat(outcome.getIssue())
        .filteredOn(i -> i.getSeverity() == OperationOutcome.IssueSeverity.ERROR)
        .as(describe(outcome))
        .isEmpty();

    Goal malformed = parseGoal(foreignGoal("us-core-goal.json", patient));
    malformed.getAddressesFirstRep().setReference("Condition/not_an id");
    long size = storeSize();
    Response refused = post("Goal", "application/fhir+json", json(malformed));
    assertThat(refused.status()).isEqualTo(422);
    assertThat(describe(assertOperationOutcome(refused)))
        .contains("Condition/not_an id")
        .doesNotContain("neither Type/id");
    assertThat(storeSize()).isEqualTo(size);
  }

  @Test
  default void aStaleIfMatchOnDeleteIs412AndChangesNothing() {
    String patient = foreignPatient(UUID.randomUUID().toString());
    Goal goal = create(parseGoal(foreignGoal("us-core-goal.json", patient)));
    String id = goal.getIdElement().getIdPart();
    Goal changed = goal.copy();
    changed.addNote().setText("A second version");
    update(changed);
    Response stale = send(request("Goal/" + id).header("If-Match", "W/\"1\"").DELETE());
    assertThat(stale.status()).isEqualTo(412);
    assertOperationOutcome(stale);
    assertThat(client().read().resource(Goal.class).withId(id).execute().getLifecycleStatus())
        .isEqualTo(Goal.GoalLifecycleStatus.ACTIVE);
    Response current = send(request("Goal/" + id).header("If-Match", "W/\"2\"").DELETE());
    assertThat(current.status()).isEqualTo(200);
  }

  @Test
  default void elementsKeepWhatIsMandatoryAndEverySearchEntrySaysItsMode() {
    String patient = foreignPatient(UUID.randomUUID().toString());
    Goal goal = create(parseGoal(foreignGoal("us-core-goal.json", patient)));
    String id = goal.getIdElement().getIdPart();
    Response subset = get("Goal/" + id + "?_elements=target");
    assertThat(subset.status()).isEqualTo(200);
    Goal read = parse(Goal.class, subset);
    assertThat(read.hasTarget()).isTrue();
    assertThat(read.hasLifecycleStatus()).isTrue();
    assertThat(read.getDescription().hasText()).isTrue();
    assertThat(read.getSubject().getReference()).isEqualTo("Patient/" + patient);
    assertThat(read.hasNote()).isFalse();
    assertThat(read.getMeta().getTag())
        .anySatisfy(t -> assertThat(t.getCode()).isEqualTo("SUBSETTED"));

    for (String query :
        List.of(
            "Goal?patient=" + patient + "&_format=xml",
            "Goal?patient=" + patient + "&_include=Goal:patient",
            "Goal?patient=" + patient)) {
      Response response = get(query);
      Bundle bundle = parse(Bundle.class, response);
      assertThat(bundle.getEntry()).as(query).isNotEmpty();
      assertThat(bundle.getEntry())
          .as(query)
          .allSatisfy(
              e ->
                  assertThat(e.getSearch().getMode())
                      .isEqualTo(
                          e.getResource() instanceof Goal
                              ? Bundle.SearchEntryMode.MATCH
                              : Bundle.SearchEntryMode.INCLUDE));
    }
  }

  @Test
  default void preferHeadersAreHonoured() {
    String patient = foreignPatient(UUID.randomUUID().toString());
    Response outcome =
        post(
            "Goal",
            "application/fhir+json",
            foreignGoal("mcc-goal.json", patient),
            "Prefer",
            "return=OperationOutcome");
    assertThat(outcome.status()).isEqualTo(201);
    assertThat(parse(OperationOutcome.class, outcome).getIssueFirstRep().getDiagnostics())
        .startsWith("Created Goal/");
    Response minimal =
        post(
            "Goal",
            "application/fhir+json",
            foreignGoal("mcc-goal.json", patient),
            "Prefer",
            "return=minimal");
    assertThat(minimal.status()).isEqualTo(201);
    assertThat(minimal.body()).isEmpty();
    assertThat(minimal.header("Location")).contains("/Goal/");

    String unknown = "Goal?patient=" + patient + "&partner-only-param=1";
    assertThat(get(unknown).status()).isEqualTo(400);
    Response lenient = get(unknown, "Prefer", "handling=lenient");
    assertThat(lenient.status()).isEqualTo(200);
    assertThat(parse(Bundle.class, lenient).getEntry()).hasSize(2);
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private String foreignPatient(String mrn) {
    Response response =
        post(
            "Patient",
            "application/fhir+json",
            FhirApiSupport.fixture("foreign/us-core-patient.json", Map.of("mrn", mrn)));
    assertThat(response.status()).as(response.body()).isEqualTo(201);
    return parse(Patient.class, response).getIdElement().getIdPart();
  }

  private String foreignGoal(String name, String patient) {
    return FhirApiSupport.fixture(
        "foreign/" + name, Map.of("patient", patient, "goalId", UUID.randomUUID().toString()));
  }

  private Goal parseGoal(String json) {
    return fhir().newJsonParser().parseResource(Goal.class, json);
  }

  /**
   * The stored goal is the sent one, but for what the server keeps itself: id, version, time, the
   * Common Ground profile of its role and a language taken from the client's record.
   */
  private void assertSameContent(String name, Goal sent, Goal stored) {
    Goal expected = withoutServerFields(sent);
    Goal actual = withoutServerFields(stored);
    if (!sent.hasLanguage()) {
      actual.setLanguage(null);
    }
    String expectedJson =
        fhir().newJsonParser().setPrettyPrint(true).encodeResourceToString(expected);
    String actualJson = fhir().newJsonParser().setPrettyPrint(true).encodeResourceToString(actual);
    assertThat(actualJson).as(name).isEqualTo(expectedJson);
  }

  private static Goal withoutServerFields(Goal goal) {
    Goal copy = goal.copy();
    copy.setIdElement(null);
    copy.getMeta().setVersionId(null);
    copy.getMeta().setLastUpdated(null);
    copy.getMeta()
        .getProfile()
        .removeIf(
            p ->
                p.getValue()
                    .startsWith(health.commonground.conformance.ImplementationGuide.CANONICAL));
    if (copy.getMeta().isEmpty()) {
      copy.setMeta(null);
    }
    return copy;
  }
}
