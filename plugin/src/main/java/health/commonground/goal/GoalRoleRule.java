package health.commonground.goal;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import health.commonground.fhir.OperationOutcomes;
import health.commonground.fhir.WriteRule;
import health.commonground.security.ActingUser;
import org.hl7.fhir.r4.model.Goal;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.stereotype.Component;

/**
 * A goal must conform to the profile of its role: one expressed by the client is a ClientGoal, one
 * expressed by a clinician a TherapistGoal. The role's profile is declared so that validation holds
 * the goal to it and searches by role find it.
 */
@Component
class GoalRoleRule implements WriteRule {

  @Override
  public String resourceType() {
    return "Goal";
  }

  @Override
  public void beforeWrite(Resource incoming, Resource previous, ActingUser actor) {
    Goal goal = (Goal) incoming;
    GoalRole role =
        GoalRole.of(goal)
            .orElseThrow(
                () ->
                    new UnprocessableEntityException(
                        FhirContext.forR4Cached(),
                        OperationOutcomes.error(
                            IssueType.REQUIRED,
                            "A goal must say who expressed it: expressedBy a Patient or"
                                + " RelatedPerson (client goal), a Practitioner or PractitionerRole"
                                + " (therapist goal), or declare the SharedGoal profile",
                            "Goal.expressedBy")));
    if (!goal.getMeta().hasProfile(role.profile())) {
      goal.getMeta().addProfile(role.profile());
    }
  }
}
