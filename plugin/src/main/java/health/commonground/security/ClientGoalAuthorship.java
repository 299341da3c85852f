package health.commonground.security;

import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import health.commonground.fhir.OperationOutcomes;
import health.commonground.fhir.WriteRule;
import health.commonground.goal.GoalRole;
import org.hl7.fhir.r4.model.Goal;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.stereotype.Component;

/** A client states and changes their own goals; a therapist's goal is the therapist's to write. */
@Component
class ClientGoalAuthorship implements WriteRule {

  @Override
  public String resourceType() {
    return "Goal";
  }

  @Override
  public void beforeWrite(Resource incoming, Resource previous, ActingUser actor) {
    if (!actor.isClient()) {
      return;
    }
    boolean therapistGoal =
        GoalRole.of((Goal) incoming).filter(GoalRole.THERAPIST::equals).isPresent()
            || (previous != null
                && GoalRole.of((Goal) previous).filter(GoalRole.THERAPIST::equals).isPresent());
    if (therapistGoal) {
      String message =
          "A client may not write a therapist goal; state your own goal (expressedBy yourself)"
              + " or accept or question the therapist's goal through a shared goal";
      throw new ForbiddenOperationException(
          message, OperationOutcomes.error(IssueType.FORBIDDEN, message, "Goal.expressedBy"));
    }
  }
}
