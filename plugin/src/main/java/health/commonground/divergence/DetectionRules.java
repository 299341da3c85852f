package health.commonground.divergence;

import static health.commonground.divergence.GoalSnapshot.CLIENT;
import static health.commonground.divergence.GoalSnapshot.SHARED;
import static health.commonground.divergence.GoalSnapshot.THERAPIST;

import health.commonground.goal.GoalAcceptances;
import java.util.ArrayList;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The divergences the system notices from acceptances and links alone. */
@Configuration(proxyBeanMethods = false)
class DetectionRules {

  /**
   * A therapist goal the client has declined, or has left unanswered longer than {@code
   * commonground.divergence.pending-after}. Not raised once a divergence about it is recorded: then
   * it has been named and is being worked through.
   */
  @Bean
  DetectionRule therapistGoalNotAccepted(DivergenceProperties properties) {
    return (goals, now) -> {
      List<DetectedDivergence> found = new ArrayList<>();
      for (GoalSnapshot goal : goals.goals()) {
        if (!THERAPIST.equals(goal.role())
            || !goal.isCurrent()
            || goals.namedInRecordedDivergence(goal.goalId())) {
          continue;
        }
        String answer = goal.clientAcceptance();
        if (GoalAcceptances.DISAGREE.equals(answer)) {
          found.add(
              new DetectedDivergence(
                  goal.goalId(),
                  null,
                  DetectionRule.Code.THERAPIST_GOAL_DECLINED,
                  goal.acceptanceSince(),
                  2,
                  "The client has declined this therapist goal"));
        } else if (!GoalAcceptances.AGREE.equals(answer)
            && goal.acceptanceSince().plus(properties.pendingAfter()).isBefore(now)) {
          found.add(
              new DetectedDivergence(
                  goal.goalId(),
                  null,
                  DetectionRule.Code.THERAPIST_GOAL_PENDING,
                  goal.acceptanceSince(),
                  1,
                  "The client has not accepted this therapist goal for longer than "
                      + properties.pendingAfter().toDays()
                      + " days"));
        }
      }
      return found;
    };
  }

  /** A current client goal linked to no current therapist or shared goal. */
  @Bean
  DetectionRule clientGoalUnlinked() {
    return (goals, now) ->
        unlinked(
            goals,
            CLIENT,
            DetectionRule.Code.CLIENT_GOAL_UNLINKED,
            "No therapist goal is linked to this client goal",
            THERAPIST,
            SHARED);
  }

  /** A current therapist goal linked to no current client or shared goal. */
  @Bean
  DetectionRule therapistGoalUnlinked() {
    return (goals, now) ->
        unlinked(
            goals,
            THERAPIST,
            DetectionRule.Code.THERAPIST_GOAL_UNLINKED,
            "No client goal is linked to this therapist goal",
            CLIENT,
            SHARED);
  }

  /** A current shared goal the client or the clinician has declined. */
  @Bean
  DetectionRule sharedGoalDeclined() {
    return (goals, now) -> {
      List<DetectedDivergence> found = new ArrayList<>();
      for (GoalSnapshot goal : goals.goals()) {
        if (SHARED.equals(goal.role()) && goal.isCurrent()) {
          boolean client = GoalAcceptances.DISAGREE.equals(goal.clientAcceptance());
          boolean clinician = GoalAcceptances.DISAGREE.equals(goal.clinicianAcceptance());
          if (client || clinician) {
            found.add(
                new DetectedDivergence(
                    goal.goalId(),
                    null,
                    DetectionRule.Code.SHARED_GOAL_DECLINED,
                    goal.acceptanceSince(),
                    2,
                    "The "
                        + (client && clinician
                            ? "client and the clinician have"
                            : client ? "client has" : "clinician has")
                        + " declined this shared goal"));
          }
        }
      }
      return found;
    };
  }

  private static List<DetectedDivergence> unlinked(
      ClientGoals goals,
      String role,
      DetectionRule.Code code,
      String explanation,
      String... counterpartRoles) {
    List<DetectedDivergence> found = new ArrayList<>();
    for (GoalSnapshot goal : goals.goals()) {
      if (role.equals(goal.role())
          && goal.isCurrent()
          && goals.linkedCurrent(goal.goalId(), counterpartRoles).isEmpty()) {
        found.add(
            new DetectedDivergence(
                goal.goalId(), null, code, goal.firstRecorded(), 1, explanation));
      }
    }
    return found;
  }
}
