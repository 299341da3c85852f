package health.commonground.web;

import health.commonground.divergence.Divergence;
import health.commonground.goal.GoalAcceptances;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.Goal;

/** Turns a version of a goal into what a person compares when two changes collided. */
final class Conflicts {

  private Conflicts() {}

  static Flash.GoalVersion version(Goal goal) {
    List<String> acceptances = new ArrayList<>();
    for (GoalAcceptances.Acceptance a : GoalAcceptances.of(goal)) {
      acceptances.add((a.byClient() ? "client" : "clinician") + ":" + a.status());
    }
    List<String> divergences = new ArrayList<>();
    for (Divergence d : Divergence.on(goal)) {
      divergences.add(d.statusCode() + ":" + d.strategies().size());
    }
    return new Flash.GoalVersion(
        Long.parseLong(goal.getMeta().getVersionId() == null ? "1" : goal.getMeta().getVersionId()),
        goal.getDescription().getText(),
        goal.getLifecycleStatus() == null ? "" : goal.getLifecycleStatus().toCode(),
        acceptances,
        divergences,
        goal.getNote().size(),
        goal.getMeta().getLastUpdated() == null
            ? null
            : goal.getMeta().getLastUpdated().toInstant().toString());
  }
}
