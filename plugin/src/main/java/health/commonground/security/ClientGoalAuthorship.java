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
    if (therapistGoal && !onlyAnswersOrLinks((Goal) incoming, (Goal) previous)) {
      String message =
          "A client may not write a therapist goal; state your own goal (expressedBy yourself)"
              + " or accept or question the therapist's goal through a shared goal";
      throw new ForbiddenOperationException(
          message, OperationOutcomes.error(IssueType.FORBIDDEN, message, "Goal.expressedBy"));
    }
  }

  /**
   * A client may still answer a therapist goal (their own goal-acceptance, which the divergence
   * feature's OwnVoiceRule holds to their own entry), ask about it (a note added after the existing
   * ones, which stay as they were) and the goal may gain links (e.g. to a shared goal the client
   * proposed); nothing else of it changes.
   */
  private static boolean onlyAnswersOrLinks(Goal incoming, Goal previous) {
    if (previous == null) {
      return false;
    }
    return strip(incoming).equalsDeep(strip(previous)) && notesOnlyAdded(incoming, previous);
  }

  private static boolean notesOnlyAdded(Goal incoming, Goal previous) {
    if (incoming.getNote().size() < previous.getNote().size()) {
      return false;
    }
    for (int i = 0; i < previous.getNote().size(); i++) {
      if (!previous.getNote().get(i).equalsDeep(incoming.getNote().get(i))) {
        return false;
      }
    }
    return true;
  }

  private static Goal strip(Goal goal) {
    Goal copy = goal.copy();
    copy.setMeta(null);
    copy.setIdElement(null);
    copy.setNote(null);
    copy.getExtension()
        .removeIf(
            e ->
                health.commonground.goal.GoalExtensions.ACCEPTANCE.equals(e.getUrl())
                    || health.commonground.goal.GoalExtensions.RELATIONSHIP.equals(e.getUrl()));
    return copy;
  }
}
