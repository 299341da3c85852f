package health.commonground.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.api.MethodOutcome;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceSearchParamComponent;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.Goal;
import org.hl7.fhir.r4.model.OperationDefinition;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.r4.model.ValueSet;
import org.junit.jupiter.api.Test;

/** Profiles are enforced on every write, checkable with $validate, and published with the API. */
interface ValidationScenarios extends FhirApiSupport {

  String CLIENT_GOAL = "https://commonground.health/fhir/StructureDefinition/client-goal";
  String THERAPIST_GOAL = "https://commonground.health/fhir/StructureDefinition/therapist-goal";
  String SHARED_GOAL = "https://commonground.health/fhir/StructureDefinition/shared-goal";

  @Test
  default void validateReportsNoErrorsForAValidClientGoal() {
    Goal goal = clientGoal(newPatient().getIdElement());
    long size = storeSize();

    MethodOutcome result = client().validate().resource(goal).execute();
    OperationOutcome outcome = (OperationOutcome) result.getOperationOutcome();
    assertThat(outcome.getIssue())
        .as(describe(outcome))
        .noneMatch(
            i ->
                i.getSeverity() == OperationOutcome.IssueSeverity.ERROR
                    || i.getSeverity() == OperationOutcome.IssueSeverity.FATAL);
    assertThat(storeSize()).as("$validate writes nothing").isEqualTo(size);
  }

  /**
   * A Goal of a shape written before is answered from memory: its warning (no narrative) must still
   * sit where the validator puts it, just past the end of the Goal's JSON, which moves with the
   * text.
   */
  @Test
  default void validateOfAKnownShapeAnswersAsTheValidatorWithTheWarningWhereTheGoalEnds() {
    Goal written = clientGoal(newPatient().getIdElement());
    client().create().resource(written).execute();
    Goal shorter = written.copy();
    shorter.getDescription().setText("Calmer Sundays");
    Goal longer = written.copy();
    longer.getDescription().setText("Calmer Sundays, and Monday mornings without dread as well");

    for (Goal goal : List.of(shorter, longer)) {
      OperationOutcome outcome =
          (OperationOutcome) client().validate().resource(goal).execute().getOperationOutcome();
      assertThat(outcome.getIssue()).as(describe(outcome)).hasSize(1);
      OperationOutcome.OperationOutcomeIssueComponent issue = outcome.getIssueFirstRep();
      assertThat(issue.getSeverity()).isEqualTo(OperationOutcome.IssueSeverity.WARNING);
      assertThat(issue.getDiagnostics()).contains("dom-6");
      int length = client().getFhirContext().newJsonParser().encodeResourceToString(goal).length();
      assertThat(issue.getLocation())
          .extracting(l -> l.getValue())
          .containsExactly("Goal", "Line[1] Col[" + (length + 1) + "]");
    }
  }

  @Test
  default void validateReportsErrorsWithTheirFhirPathLocation() {
    Goal goal = clientGoal(newPatient().getIdElement());
    goal.setLanguage(null);
    goal.getDescription().setText(null);

    Response response = post("Goal/$validate", "application/fhir+json", json(goal));
    assertThat(response.status()).isIn(200, 412, 422);
    OperationOutcome outcome = assertOperationOutcome(response);
    String described = describe(outcome);
    assertThat(described).contains("Goal.language").contains("Goal.description");
    assertThat(outcome.getIssue())
        .filteredOn(i -> i.getSeverity() == OperationOutcome.IssueSeverity.ERROR)
        .allSatisfy(i -> assertThat(i.hasExpression() || i.hasLocation()).as(described).isTrue());
  }

  @Test
  default void writingAnInvalidClientGoalIs422NamingTheElementAndStoresNothing() {
    Goal goal = clientGoal(newPatient().getIdElement());
    goal.setLanguage(null);
    long size = storeSize();

    Response response = post("Goal", "application/fhir+json", json(goal));
    assertThat(response.status()).isEqualTo(422);
    assertThat(describe(assertOperationOutcome(response))).contains("Goal.language");
    assertThat(storeSize()).isEqualTo(size);
  }

  @Test
  default void goalExpressedByTheClientButDeclaringTherapistGoalIs422() {
    Patient patient = newPatient();
    Goal goal = clientGoal(patient.getIdElement());
    goal.getMeta().getProfile().clear();
    goal.getMeta().addProfile(THERAPIST_GOAL);
    long size = storeSize();

    Response response = post("Goal", "application/fhir+json", json(goal));
    assertThat(response.status()).isEqualTo(422);
    // The profile's invariant says who may express a therapist goal.
    assertThat(describe(assertOperationOutcome(response)))
        .contains("cg-clinician-voice")
        .contains(THERAPIST_GOAL);
    assertThat(storeSize()).isEqualTo(size);
  }

  @Test
  default void aGoalWithoutProfileIsHeldToTheProfileOfWhoExpressedIt() {
    Goal goal = clientGoal(newPatient().getIdElement());
    goal.getMeta().getProfile().clear();
    Goal created = create(goal);
    assertThat(created.getMeta().hasProfile(CLIENT_GOAL)).isTrue();

    // A client goal that does not say its language, of a client whose record does not say it
    // either, does not fit ClientGoal: it is kept as base R4, still the client's goal.
    Goal withoutLanguage = clientGoal(newPatient().getIdElement());
    withoutLanguage.getMeta().getProfile().clear();
    withoutLanguage.setLanguage(null);
    Response response = post("Goal", "application/fhir+json", json(withoutLanguage));
    assertThat(response.status()).isEqualTo(201);
    Goal kept = parse(Goal.class, response);
    assertThat(kept.getMeta().hasProfile(CLIENT_GOAL)).isFalse();
    assertThat(kept.hasLanguage()).isFalse();
    Bundle byRole =
        client()
            .search()
            .byUrl("Goal?role=client&_id=" + kept.getIdElement().getIdPart())
            .returnBundle(Bundle.class)
            .execute();
    assertThat(byRole.getEntry()).hasSize(1);
  }

  @Test
  default void capabilityStatementListsGoalProfilesSearchParamsAndWriteModes() {
    CapabilityStatement statement =
        client().capabilities().ofType(CapabilityStatement.class).execute();
    CapabilityStatementRestResourceComponent goal =
        statement.getRestFirstRep().getResource().stream()
            .filter(r -> r.getType().equals("Goal"))
            .findFirst()
            .orElseThrow();
    assertThat(goal.getSupportedProfile())
        .extracting(p -> p.getValue())
        .contains(CLIENT_GOAL, THERAPIST_GOAL, SHARED_GOAL);
    assertThat(goal.getSearchParam())
        .extracting(CapabilityStatementRestResourceSearchParamComponent::getName)
        .contains(
            "patient",
            "subject",
            "lifecycle-status",
            "achievement-status",
            "category",
            "identifier",
            "expressed-by",
            "role",
            "linked-goal",
            "_id",
            "_lastUpdated");
    assertThat(goal.getSearchParam())
        .extracting(CapabilityStatementRestResourceSearchParamComponent::getName)
        .doesNotHaveDuplicates();
    assertThat(goal.getConditionalCreate()).isTrue();
    assertThat(goal.getVersioning())
        .isEqualTo(CapabilityStatement.ResourceVersionPolicy.VERSIONEDUPDATE);
    assertThat(goal.getInteraction())
        .extracting(i -> i.getCode().toCode())
        .contains("read", "vread", "update", "create", "search-type", "history-instance", "delete");
    assertThat(goal.getSearchInclude())
        .extracting(s -> s.getValue())
        .contains("Goal:patient", "Goal:linked-goal");
    assertThat(goal.getSearchRevInclude())
        .extracting(s -> s.getValue())
        .contains("Provenance:target");
    assertThat(statement.getRestFirstRep().getInteraction())
        .extracting(i -> i.getCode().toCode())
        .contains("transaction", "batch");
  }

  /** The OperationDefinitions of fhir-profiles/input/fsh/operations.fsh. */
  List<String> OPERATION_DEFINITIONS =
      List.of(
          "goal-link",
          "goal-name-divergence",
          "goal-log-strategy",
          "goal-move-divergence",
          "goal-align",
          "goal-accept",
          "goal-revise",
          "patient-divergences",
          "patient-alignment",
          "practitioner-alignment");

  @Test
  default void ourOperationDefinitionsAreReadableByIdAndCanonicalUrl() {
    for (String id : OPERATION_DEFINITIONS) {
      OperationDefinition definition =
          client().read().resource(OperationDefinition.class).withId(id).execute();
      assertThat(definition.getUrl())
          .isEqualTo("https://commonground.health/fhir/OperationDefinition/" + id);
      assertThat(definition.getParameter()).as(id).isNotEmpty();
    }
    OperationDefinition caseload =
        client()
            .read()
            .resource(OperationDefinition.class)
            .withId("practitioner-alignment")
            .execute();
    assertThat(caseload.getCode()).isEqualTo("alignment");
    assertThat(caseload.getResource())
        .extracting(r -> r.getValue())
        .containsExactly("Practitioner");
    assertThat(caseload.getInstance()).isTrue();

    String url = "https://commonground.health/fhir/OperationDefinition/patient-divergences";
    Response byUrl = get("OperationDefinition?url=" + url);
    assertThat(byUrl.status()).isEqualTo(200);
    assertThat(parse(Bundle.class, byUrl).getEntry())
        .extracting(e -> ((OperationDefinition) e.getResource()).getUrl())
        .containsExactly(url);
    assertThat(parse(Bundle.class, get("OperationDefinition")).getEntry())
        .extracting(e -> e.getResource().getIdElement().getIdPart())
        .containsExactlyInAnyOrderElementsOf(OPERATION_DEFINITIONS);

    Response unknown = get("OperationDefinition/no-such-operation");
    assertThat(unknown.status()).isEqualTo(404);
    assertOperationOutcome(unknown);
    OperationDefinition link =
        client().read().resource(OperationDefinition.class).withId("goal-link").execute();
    link.setDescription("Changed");
    assertThat(put("OperationDefinition/goal-link", json(link)).status())
        .as("read-only")
        .isBetween(400, 499);
    assertThat(
            client()
                .read()
                .resource(OperationDefinition.class)
                .withId("goal-link")
                .execute()
                .getDescription())
        .isNotEqualTo("Changed");
  }

  @Test
  default void theCapabilityStatementPointsEachOperationAtItsReadableDefinition() {
    CapabilityStatement statement =
        client().capabilities().ofType(CapabilityStatement.class).execute();
    CapabilityStatementRestResourceComponent definitions =
        statement.getRestFirstRep().getResource().stream()
            .filter(r -> r.getType().equals("OperationDefinition"))
            .findFirst()
            .orElseThrow();
    assertThat(definitions.getInteraction())
        .extracting(i -> i.getCode().toCode())
        .contains("read", "search-type")
        .doesNotContain("create", "update", "delete");

    List<String> declared = new ArrayList<>();
    for (CapabilityStatementRestResourceComponent resource :
        statement.getRestFirstRep().getResource()) {
      for (var operation : resource.getOperation()) {
        String definition = operation.getDefinition();
        String what = resource.getType() + " $" + operation.getName();
        if (operation.getName().equals("validate")) {
          assertThat(definition)
              .as(what)
              .isEqualTo("http://hl7.org/fhir/OperationDefinition/Resource-validate");
          continue;
        }
        assertThat(definition)
            .as(what)
            .startsWith("https://commonground.health/fhir/OperationDefinition/");
        OperationDefinition read =
            client()
                .read()
                .resource(OperationDefinition.class)
                .withId(definition.substring(definition.lastIndexOf('/') + 1))
                .execute();
        assertThat(read.getUrl()).as(what).isEqualTo(definition);
        assertThat(read.getCode()).as(what).isEqualTo(operation.getName());
        assertThat(read.getResource())
            .as(what)
            .extracting(r -> r.getValue())
            .contains(resource.getType());
        declared.add(read.getIdElement().getIdPart());
      }
    }
    assertThat(declared).containsExactlyInAnyOrderElementsOf(OPERATION_DEFINITIONS);
  }

  @Test
  default void ourConformanceResourcesAreReadable() {
    StructureDefinition clientGoal =
        client().read().resource(StructureDefinition.class).withId("client-goal").execute();
    assertThat(clientGoal.getUrl()).isEqualTo(CLIENT_GOAL);
    assertThat(
            client()
                .read()
                .resource(StructureDefinition.class)
                .withId("goal-divergence")
                .execute()
                .getUrl())
        .isEqualTo("https://commonground.health/fhir/StructureDefinition/goal-divergence");
    CodeSystem dimensions =
        client().read().resource(CodeSystem.class).withId("divergence-dimension").execute();
    assertThat(dimensions.getConcept())
        .extracting(CodeSystem.ConceptDefinitionComponent::getCode)
        .containsExactlyInAnyOrder(
            "different-perspectives",
            "client-readiness",
            "miscommunication",
            "evolving-goals",
            "cultural-differences",
            "other");
    assertThat(
            client()
                .read()
                .resource(ValueSet.class)
                .withId("alignment-strategy")
                .execute()
                .getUrl())
        .isEqualTo("https://commonground.health/fhir/ValueSet/alignment-strategy");
    assertThat(
            client()
                .read()
                .resource(CodeSystem.class)
                .withId("divergence-status")
                .execute()
                .getUrl())
        .isEqualTo("https://commonground.health/fhir/CodeSystem/divergence-status");

    Response byUrl = get("StructureDefinition?url=" + SHARED_GOAL);
    assertThat(byUrl.status()).isEqualTo(200);
    assertThat(parse(org.hl7.fhir.r4.model.Bundle.class, byUrl).getEntry())
        .extracting(e -> e.getResource().getIdElement().getIdPart())
        .containsExactly("shared-goal");
    Response unknown = get("StructureDefinition/no-such-profile");
    assertThat(unknown.status()).isEqualTo(404);
    assertOperationOutcome(unknown);
  }
}
