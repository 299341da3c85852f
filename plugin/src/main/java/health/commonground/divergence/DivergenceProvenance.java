package health.commonground.divergence;

import health.commonground.goal.GoalAcceptances;
import health.commonground.goal.GoalAcceptances.Acceptance;
import health.commonground.goal.GoalRelationships;
import health.commonground.goal.GoalRelationships.Relationship;
import health.commonground.goal.GoalRole;
import health.commonground.provenance.ProvenanceContributor;
import health.commonground.security.ActingUser;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.hl7.fhir.r4.model.Goal;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.stereotype.Component;

/**
 * Makes a goal's history tell the story of its divergences: each version's Provenance names what
 * the change meant (a divergence named, a status moved, a strategy logged, an acceptance given)
 * and, when a clinician records a client's goal, on whose behalf.
 */
@Component
class DivergenceProvenance implements ProvenanceContributor {

  @Override
  public String resourceType() {
    return "Goal";
  }

  @Override
  public void contribute(
      Provenance provenance, Resource written, Resource previous, ActingUser actor) {
    Goal goal = (Goal) written;
    Goal before = (Goal) previous;
    if (actor.isClinician() && GoalRole.of(goal).orElse(null) == GoalRole.CLIENT) {
      provenance.getAgentFirstRep().setOnBehalfOf(goal.getExpressedBy().copy());
    }
    List<String> changes = new ArrayList<>();
    AlignmentActivity main = describe(before, goal, changes);
    if (main != null) {
      provenance.getActivity().addCoding(main.coding());
      provenance.getActivity().setText(String.join("; ", changes));
    }
  }

  /** The changes from {@code before} to {@code after}, most significant first. */
  static AlignmentActivity describe(Goal before, Goal after, List<String> changes) {
    List<AlignmentActivity> found = new ArrayList<>();
    if (before == null) {
      boolean shared = GoalRole.of(after).orElse(null) == GoalRole.SHARED;
      found.add(shared ? AlignmentActivity.PROPOSE_SHARED_GOAL : AlignmentActivity.RECORD_GOAL);
      changes.add(found.get(0).display());
    } else {
      if (!Objects.equals(before.getDescription().getText(), after.getDescription().getText())) {
        found.add(AlignmentActivity.REWORD);
        changes.add("wording changed");
      } else if (!before
          .getDescription()
          .getTextElement()
          .equalsDeep(after.getDescription().getTextElement())) {
        found.add(AlignmentActivity.TRANSLATE);
        changes.add("translation added or changed");
      }
    }
    Set<Relationship> oldLinks =
        before == null ? Set.of() : new HashSet<>(GoalRelationships.of(before));
    for (Relationship link : GoalRelationships.of(after)) {
      if (!oldLinks.contains(link)) {
        AlignmentActivity activity =
            switch (String.valueOf(link.type())) {
              case GoalRelationships.REPLACEMENT -> AlignmentActivity.REVISE;
              case GoalRelationships.SUCCESSOR -> AlignmentActivity.ALIGN;
              case GoalRelationships.OTHER -> AlignmentActivity.LINK;
              default -> null;
            };
        if (activity != null && before != null) {
          found.add(activity);
          changes.add(link.type() + " " + link.target());
        }
      }
    }
    List<Divergence> was = before == null ? List.of() : Divergence.on(before);
    List<Divergence> now = Divergence.on(after);
    for (int i = 0; i < now.size(); i++) {
      Divergence d = now.get(i);
      if (i >= was.size()) {
        found.add(AlignmentActivity.NAME_DIVERGENCE);
        changes.add(
            "divergence with "
                + d.counterpart()
                + " named ("
                + String.join(", ", d.dimensionCodes())
                + "), "
                + d.statusCode());
        continue;
      }
      Divergence w = was.get(i);
      if (!Objects.equals(w.statusCode(), d.statusCode())) {
        found.add(AlignmentActivity.MOVE_DIVERGENCE);
        changes.add(
            "divergence with " + d.counterpart() + ": " + w.statusCode() + " → " + d.statusCode());
      }
      List<Divergence.StrategyUse> strategies = d.strategies();
      for (int s = w.strategies().size(); s < strategies.size(); s++) {
        found.add(AlignmentActivity.LOG_STRATEGY);
        changes.add(
            "strategy " + strategies.get(s).code() + " on divergence with " + d.counterpart());
      }
      if (d.noteCount() > w.noteCount()) {
        found.add(AlignmentActivity.NOTE_DIVERGENCE);
        changes.add("note on divergence with " + d.counterpart());
      }
    }
    if (before != null) {
      for (Acceptance acceptance : GoalAcceptances.of(after)) {
        String old =
            GoalAcceptances.of(before, String.valueOf(acceptance.individual()))
                .map(Acceptance::status)
                .orElse(null);
        if (!Objects.equals(old, acceptance.status())) {
          found.add(
              GoalAcceptances.DISAGREE.equals(acceptance.status())
                  ? AlignmentActivity.DECLINE
                  : AlignmentActivity.ACCEPT);
          changes.add(acceptance.individual() + " " + acceptance.status());
        }
      }
      if (before.getLifecycleStatus() != after.getLifecycleStatus()) {
        changes.add(
            "lifecycle "
                + before.getLifecycleStatus().toCode()
                + " → "
                + after.getLifecycleStatus().toCode());
      }
    }
    return found.isEmpty() ? null : priority(found);
  }

  /** Domain changes outrank bookkeeping: a divergence named outranks the link it needed. */
  private static AlignmentActivity priority(List<AlignmentActivity> found) {
    for (AlignmentActivity preferred :
        List.of(
            AlignmentActivity.REVISE,
            AlignmentActivity.ALIGN,
            AlignmentActivity.NAME_DIVERGENCE,
            AlignmentActivity.MOVE_DIVERGENCE,
            AlignmentActivity.LOG_STRATEGY,
            AlignmentActivity.ACCEPT,
            AlignmentActivity.DECLINE)) {
      if (found.contains(preferred)) {
        return preferred;
      }
    }
    return found.get(0);
  }
}
