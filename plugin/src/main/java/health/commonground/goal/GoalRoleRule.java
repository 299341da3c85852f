package health.commonground.goal;

import ca.uhn.fhir.context.FhirContext;
import health.commonground.fhir.WriteRule;
import health.commonground.security.ActingUser;
import health.commonground.store.LocalReference;
import health.commonground.store.ResourceStore;
import java.util.Optional;
import org.hl7.fhir.r4.model.Goal;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.stereotype.Component;

/**
 * A goal is held to the profile of its role when it fits it: one expressed by the client is a
 * ClientGoal, one expressed by a clinician a TherapistGoal. Goals from other records often say less
 * than our screens write: a client goal without its language takes the client's own language
 * (Patient.communication) when the client's record has one; one that still does not fit, or says
 * nobody expressed it, is kept as base R4, an unclassified goal for a clinician to classify. A goal
 * that declares a profile is always held to it.
 */
@Component
class GoalRoleRule implements WriteRule {

  private final ResourceStore store;
  private final FhirContext fhir;

  GoalRoleRule(ResourceStore store, FhirContext fhir) {
    this.store = store;
    this.fhir = fhir;
  }

  @Override
  public String resourceType() {
    return "Goal";
  }

  @Override
  public void beforeWrite(Resource incoming, Resource previous, ActingUser actor) {
    Goal goal = (Goal) incoming;
    Optional<GoalRole> role = GoalRole.of(goal);
    if (role.isEmpty() || goal.getMeta().hasProfile(role.get().profile())) {
      return;
    }
    if (role.get() == GoalRole.CLIENT && !goal.hasLanguage()) {
      clientLanguage(goal).ifPresent(goal::setLanguage);
    }
    if (fits(goal, role.get())) {
      goal.getMeta().addProfile(role.get().profile());
    }
  }

  /** What the role profiles require beyond base R4 and our invariants. */
  private static boolean fits(Goal goal, GoalRole role) {
    return goal.getDescription().hasText() && (role != GoalRole.CLIENT || goal.hasLanguage());
  }

  /** The language the client prefers, from their record here. */
  private Optional<String> clientLanguage(Goal goal) {
    return LocalReference.parse(goal.getSubject().getReference())
        .filter(ref -> ref.type().equals("Patient"))
        .flatMap(ref -> store.read("Patient", ref.id()))
        .map(v -> (Patient) fhir.newJsonParser().parseResource(v.json()))
        .flatMap(
            patient ->
                patient.getCommunication().stream()
                    .filter(Patient.PatientCommunicationComponent::getPreferred)
                    .findFirst()
                    .or(() -> patient.getCommunication().stream().findFirst()))
        .flatMap(c -> c.getLanguage().getCoding().stream().findFirst())
        .map(c -> c.getCode())
        .filter(code -> code != null && !code.isBlank());
  }
}
