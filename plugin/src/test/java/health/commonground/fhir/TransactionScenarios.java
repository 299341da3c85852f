package health.commonground.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Goal;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

/** Transaction Bundles are all or nothing; batch entries succeed or fail on their own. */
interface TransactionScenarios extends FhirApiSupport {

  static String urn() {
    return "urn:uuid:" + UUID.randomUUID();
  }

  static BundleEntryComponent post(Bundle bundle, String fullUrl, Resource resource) {
    BundleEntryComponent entry = bundle.addEntry().setFullUrl(fullUrl).setResource(resource);
    entry.getRequest().setMethod(HTTPVerb.POST).setUrl(resource.fhirType());
    return entry;
  }

  static Patient patientWithMrn(String mrn) {
    Patient patient = new Patient();
    patient.addIdentifier().setSystem("https://ehr.example.org/fhir/mrn").setValue(mrn);
    patient.addName().setFamily("Fernández").addGiven("Lucía");
    return patient;
  }

  static void link(Goal goal, String target) {
    Extension relationship =
        goal.addExtension().setUrl("http://hl7.org/fhir/StructureDefinition/goal-relationship");
    relationship.addExtension(
        "type",
        new CodeableConcept(
            new Coding("http://hl7.org/fhir/goal-relationship-type", "other", null)));
    relationship.addExtension("target", new Reference(target));
  }

  /** Goals written first, the people they refer to last, and two goals linked both ways. */
  @Test
  default void placeholdersAreResolvedAcrossEntriesInAnyOrder() {
    String patientUrn = urn();
    String therapistUrn = urn();
    String clientGoalUrn = urn();
    String therapistGoalUrn = urn();
    IdType patientRef = new IdType(patientUrn);
    IdType therapistRef = new IdType(therapistUrn);
    Goal clientGoal = clientGoal(patientRef);
    link(clientGoal, therapistGoalUrn);
    Goal therapistGoal = therapistGoal(patientRef, therapistRef);
    link(therapistGoal, clientGoalUrn);

    Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    post(bundle, clientGoalUrn, clientGoal);
    post(bundle, therapistGoalUrn, therapistGoal);
    post(bundle, patientUrn, patientWithMrn(UUID.randomUUID().toString()));
    post(
        bundle,
        therapistUrn,
        fixture(Practitioner.class, "practitioner.json", Map.of("staffId", "x")));

    Bundle response = client().transaction().withBundle(bundle).execute();
    assertThat(response.getType()).isEqualTo(Bundle.BundleType.TRANSACTIONRESPONSE);
    assertThat(response.getEntry()).hasSize(4);
    assertThat(response.getEntry())
        .allSatisfy(e -> assertThat(e.getResponse().getStatus()).startsWith("201"));
    String clientGoalId =
        new IdType(response.getEntry().get(0).getResponse().getLocation()).getIdPart();
    String therapistGoalId =
        new IdType(response.getEntry().get(1).getResponse().getLocation()).getIdPart();
    String patientId =
        new IdType(response.getEntry().get(2).getResponse().getLocation()).getIdPart();
    String therapistId =
        new IdType(response.getEntry().get(3).getResponse().getLocation()).getIdPart();

    Goal storedClientGoal = client().read().resource(Goal.class).withId(clientGoalId).execute();
    assertThat(storedClientGoal.getSubject().getReference()).isEqualTo("Patient/" + patientId);
    assertThat(storedClientGoal.getExpressedBy().getReference()).isEqualTo("Patient/" + patientId);
    Goal storedTherapistGoal =
        client().read().resource(Goal.class).withId(therapistGoalId).execute();
    assertThat(storedTherapistGoal.getExpressedBy().getReference())
        .isEqualTo("Practitioner/" + therapistId);
    assertThat(
            GoalSearchScenarios.matchIds(
                client()
                    .search()
                    .byUrl("Goal?linked-goal=Goal/" + therapistGoalId)
                    .returnBundle(Bundle.class)
                    .execute()))
        .containsExactly(clientGoalId);
    assertThat(
            GoalSearchScenarios.matchIds(
                client()
                    .search()
                    .byUrl("Goal?linked-goal=Goal/" + clientGoalId)
                    .returnBundle(Bundle.class)
                    .execute()))
        .containsExactly(therapistGoalId);
  }

  @Test
  default void oneInvalidEntryStoresNothingAndNamesTheEntry() {
    long size = storeSize();
    String patientUrn = urn();
    Goal invalid = clientGoal(new IdType(patientUrn));
    invalid.setLanguage(null); // a client goal says which language the client wrote in

    Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    post(bundle, patientUrn, patientWithMrn(UUID.randomUUID().toString()));
    post(bundle, urn(), clientGoal(new IdType(patientUrn)));
    post(bundle, urn(), invalid);

    Response response = post("", "application/fhir+json", json(bundle));
    assertThat(response.status()).isBetween(400, 499);
    OperationOutcome outcome = assertOperationOutcome(response);
    assertThat(describe(outcome)).contains("Bundle.entry[2]").contains("language");
    assertThat(storeSize()).as("nothing of the transaction is stored").isEqualTo(size);
  }

  @Test
  default void referenceToAMissingResourceFailsTheWholeTransaction() {
    long size = storeSize();
    Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    post(bundle, urn(), patientWithMrn(UUID.randomUUID().toString()));
    post(bundle, urn(), clientGoal(new IdType("Patient/" + UUID.randomUUID())));

    Response response = post("", "application/fhir+json", json(bundle));
    assertThat(response.status()).isBetween(400, 499);
    assertOperationOutcome(response);
    assertThat(storeSize()).isEqualTo(size);
  }

  @Test
  default void conditionalCreateInATransactionReusesTheExistingResource() {
    String mrn = UUID.randomUUID().toString();
    Patient existing = create(patientWithMrn(mrn));
    long size = storeSize();

    String patientUrn = urn();
    Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    post(bundle, patientUrn, patientWithMrn(mrn))
        .getRequest()
        .setIfNoneExist("identifier=https://ehr.example.org/fhir/mrn|" + mrn);
    post(bundle, urn(), clientGoal(new IdType(patientUrn)));

    Bundle response = client().transaction().withBundle(bundle).execute();
    assertThat(response.getEntry().get(0).getResponse().getStatus()).startsWith("200");
    assertThat(response.getEntry().get(1).getResponse().getStatus()).startsWith("201");
    String goalId = new IdType(response.getEntry().get(1).getResponse().getLocation()).getIdPart();
    Goal goal = client().read().resource(Goal.class).withId(goalId).execute();
    assertThat(goal.getSubject().getReference())
        .isEqualTo(FhirApiSupport.relative(existing.getIdElement()));
    // one new goal and its Provenance; no second patient
    assertThat(storeSize()).isEqualTo(size + 2);
  }

  @Test
  default void batchEntriesSucceedOrFailIndependently() {
    Patient patient = newPatient();
    long size = storeSize();
    Goal invalid = clientGoal(patient.getIdElement());
    invalid.getDescription().setText(null);

    Bundle bundle = new Bundle().setType(Bundle.BundleType.BATCH);
    post(bundle, null, clientGoal(patient.getIdElement()));
    post(bundle, null, invalid);
    post(bundle, null, clientGoal(new IdType("Patient/" + UUID.randomUUID())));
    bundle
        .addEntry()
        .getRequest()
        .setMethod(HTTPVerb.GET)
        .setUrl("Patient/" + patient.getIdElement().getIdPart());

    Bundle response = client().transaction().withBundle(bundle).execute();
    assertThat(response.getType()).isEqualTo(Bundle.BundleType.BATCHRESPONSE);
    assertThat(response.getEntry())
        .extracting(e -> e.getResponse().getStatus().substring(0, 3))
        .containsExactly("201", "422", "422", "200");
    assertThat(response.getEntry().get(1).getResponse().getOutcome())
        .isInstanceOf(OperationOutcome.class);
    assertThat(response.getEntry().get(2).getResponse().getOutcome())
        .isInstanceOf(OperationOutcome.class);
    assertThat(storeSize()).as("only the valid goal and its Provenance").isEqualTo(size + 2);
  }
}
