package health.commonground.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Date;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Goal;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Provenance;
import org.junit.jupiter.api.Test;

/** Goals are never erased; every write leaves a Provenance of the version it wrote. */
interface DeleteAndProvenanceScenarios extends FhirApiSupport {

  default Response delete(String path) {
    return send(request(path).DELETE());
  }

  default List<Provenance> provenanceOf(String reference) {
    Bundle bundle =
        client()
            .search()
            .byUrl("Provenance?target=" + reference + "&_count=100")
            .returnBundle(Bundle.class)
            .execute();
    return bundle.getEntry().stream().map(e -> (Provenance) e.getResource()).toList();
  }

  @Test
  default void deletingAGoalMarksItEnteredInErrorAsANewVersion() {
    Goal goal = create(clientGoal(newPatient().getIdElement()));
    String id = goal.getIdElement().getIdPart();

    Response response = delete("Goal/" + id);
    assertThat(response.status()).isIn(200, 204);

    Goal read = client().read().resource(Goal.class).withId(id).execute();
    assertThat(read.getLifecycleStatus()).isEqualTo(Goal.GoalLifecycleStatus.ENTEREDINERROR);
    assertThat(read.getMeta().getVersionId()).isEqualTo("2");
    assertThat(read.getDescription().getText()).isEqualTo(goal.getDescription().getText());
    Bundle history =
        client().history().onInstance("Goal/" + id).returnBundle(Bundle.class).execute();
    assertThat(history.getTotal()).isEqualTo(2);
    assertThat(
            client()
                .read()
                .resource(Goal.class)
                .withIdAndVersion(id, "1")
                .execute()
                .getLifecycleStatus())
        .isEqualTo(Goal.GoalLifecycleStatus.ACTIVE);
    assertThat(provenanceOf("Goal/" + id))
        .anySatisfy(
            p -> {
              assertThat(p.getTargetFirstRep().getReference())
                  .isEqualTo("Goal/" + id + "/_history/2");
              assertThat(p.getActivity().getCodingFirstRep().getCode()).isEqualTo("DELETE");
            });
  }

  @Test
  default void deleteIsNotOfferedOnOtherTypes() {
    Patient patient = newPatient();
    long size = storeSize();

    Response response = delete("Patient/" + patient.getIdElement().getIdPart());
    assertThat(response.status()).isEqualTo(405);
    assertOperationOutcome(response);
    assertThat(storeSize()).isEqualTo(size);
    assertThat(
            client()
                .read()
                .resource(Patient.class)
                .withId(patient.getIdElement().getIdPart())
                .execute())
        .isNotNull();
  }

  @Test
  default void everyWriteRecordsAProvenanceOfTheVersionItWrote() {
    Date before = new Date(System.currentTimeMillis() - 1000);
    Patient patient = newPatient();
    Goal goal = create(clientGoal(patient.getIdElement()));
    String id = goal.getIdElement().getIdPart();
    update(goal);

    List<Provenance> provenances = provenanceOf("Goal/" + id);
    assertThat(provenances).hasSize(2);
    assertThat(provenances)
        .extracting(p -> p.getTargetFirstRep().getReference())
        .containsExactlyInAnyOrder("Goal/" + id + "/_history/1", "Goal/" + id + "/_history/2");
    for (Provenance provenance : provenances) {
      String version = provenance.getTargetFirstRep().getReference().replaceAll(".*/", "");
      assertThat(provenance.getActivity().getCodingFirstRep().getCode())
          .isEqualTo(version.equals("1") ? "CREATE" : "UPDATE");
      assertThat(provenance.getRecorded()).isAfter(before);
      assertThat(provenance.getAgent()).hasSize(1);
      assertThat(
              provenance.getAgentFirstRep().getWho().hasReference()
                  || provenance.getAgentFirstRep().getWho().hasDisplay())
          .isTrue();
      // recorded is the moment the version was written
      Goal version1 = client().read().resource(Goal.class).withIdAndVersion(id, version).execute();
      assertThat(provenance.getRecorded()).isEqualTo(version1.getMeta().getLastUpdated());
    }
    assertThat(provenanceOf(FhirApiSupport.relative(patient.getIdElement())))
        .extracting(p -> p.getTargetFirstRep().getReference())
        .containsExactly(FhirApiSupport.relative(patient.getIdElement()) + "/_history/1");
  }

  @Test
  default void provenanceCannotBeWrittenByClientsOnlyRead() {
    Goal goal = create(clientGoal(newPatient().getIdElement()));
    long size = storeSize();
    Provenance forged = new Provenance();
    forged.addTarget().setReference("Goal/" + goal.getIdElement().getIdPart() + "/_history/1");
    forged.setRecorded(new Date());
    forged.addAgent().getWho().setDisplay("someone");
    Response response = post("Provenance", "application/fhir+json", json(forged));
    assertThat(response.status()).as(response.body()).isEqualTo(405);
    assertOperationOutcome(response);
    assertThat(storeSize()).isEqualTo(size);
    Response update = put("Provenance/anything", json(forged.setId("anything")));
    assertThat(update.status()).as(update.body()).isEqualTo(405);
    assertThat(storeSize()).isEqualTo(size);
  }
}
