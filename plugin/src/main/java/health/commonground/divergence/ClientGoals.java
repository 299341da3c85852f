package health.commonground.divergence;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One client's goals and recorded divergences, with the links between the goals resolved both ways.
 */
public final class ClientGoals {

  private final String patientId;
  private final List<GoalSnapshot> goals;
  private final List<RecordedDivergence> recorded;
  private final Map<String, GoalSnapshot> byId = new HashMap<>();
  private final Map<String, Set<String>> linked = new HashMap<>();

  ClientGoals(String patientId, List<GoalSnapshot> goals, List<RecordedDivergence> recorded) {
    this.patientId = patientId;
    this.goals = goals;
    this.recorded = recorded;
    for (GoalSnapshot goal : goals) {
      byId.put(goal.goalId(), goal);
    }
    for (GoalSnapshot goal : goals) {
      for (GoalSnapshot.Link link : goal.links()) {
        if (!"replacement".equals(link.type())) {
          connect(goal.goalId(), link.goalId());
        }
      }
    }
    for (RecordedDivergence divergence : recorded) {
      if (divergence.counterpartId() != null) {
        connect(divergence.goalId(), divergence.counterpartId());
      }
    }
  }

  private void connect(String a, String b) {
    linked.computeIfAbsent(a, k -> new HashSet<>()).add(b);
    linked.computeIfAbsent(b, k -> new HashSet<>()).add(a);
  }

  public String patientId() {
    return patientId;
  }

  List<GoalSnapshot> goals() {
    return goals;
  }

  List<RecordedDivergence> recorded() {
    return recorded;
  }

  GoalSnapshot goal(String id) {
    return byId.get(id);
  }

  /** The current goals of the given roles this goal is linked with (either direction). */
  List<GoalSnapshot> linkedCurrent(String goalId, String... roles) {
    List<GoalSnapshot> result = new ArrayList<>();
    for (String other : linked.getOrDefault(goalId, Set.of())) {
      GoalSnapshot goal = byId.get(other);
      if (goal != null && goal.isCurrent() && List.of(roles).contains(goal.role())) {
        result.add(goal);
      }
    }
    return result;
  }

  /** Whether a divergence recorded (in any status but superseded) names this goal. */
  boolean namedInRecordedDivergence(String goalId) {
    for (RecordedDivergence divergence : recorded) {
      if (!"superseded".equals(divergence.status())
          && (goalId.equals(divergence.goalId()) || goalId.equals(divergence.counterpartId()))) {
        return true;
      }
    }
    return false;
  }
}
