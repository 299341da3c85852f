package health.commonground.divergence;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import health.commonground.fhir.WriteRule;
import health.commonground.goal.GoalExtensions;
import health.commonground.goal.GoalRelationships;
import health.commonground.security.ActingUser;
import health.commonground.store.LocalReference;
import health.commonground.store.ResourceStore;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Goal;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.stereotype.Component;

/**
 * Holds every write of a goal to the story of its divergences, whether it comes through an
 * operation or a plain PUT: a recorded divergence is never removed, its status moves only along the
 * allowed transitions, a new one starts as identified, strategies and notes are only ever added,
 * and superseded is for a divergence whose goal (or counterpart) has been replaced.
 */
@Component
class DivergenceTransitionRule implements WriteRule {

  private final ResourceStore store;
  private final FhirContext fhirContext;

  DivergenceTransitionRule(ResourceStore store, FhirContext fhirContext) {
    this.store = store;
    this.fhirContext = fhirContext;
  }

  @Override
  public String resourceType() {
    return "Goal";
  }

  @Override
  public void beforeWrite(Resource incoming, Resource previous, ActingUser actor) {
    Goal goal = (Goal) incoming;
    List<Divergence> after = Divergence.on(goal);
    List<Divergence> before = previous == null ? List.of() : Divergence.on((Goal) previous);
    if (after.size() < before.size()) {
      throw refuse(
          IssueType.BUSINESSRULE,
          "A recorded divergence is never removed ("
              + before.size()
              + " recorded, "
              + after.size()
              + " in this version); move it to agreed-to-differ or, when its goal"
              + " is replaced, superseded",
          path(after.size()));
    }
    for (int i = 0; i < before.size(); i++) {
      checkUpdated(goal, before.get(i), after.get(i), i);
    }
    Set<String> open = new HashSet<>();
    for (int i = 0; i < after.size(); i++) {
      Divergence divergence = after.get(i);
      if (previous != null && i >= before.size() && !startsWell(divergence, before, after)) {
        throw refuse(
            IssueType.BUSINESSRULE,
            "A newly named divergence starts as identified, not "
                + divergence.statusCode()
                + " (only a divergence carried over from a replaced goal keeps its exploring"
                + " status)",
            path(i) + ".extension('status')");
      }
      if (divergence.isOpen()
          && divergence.counterpart() != null
          && !open.add(divergence.counterpart())) {
        throw refuse(
            IssueType.DUPLICATE,
            "There is already an open divergence with "
                + divergence.counterpart()
                + "; add dimensions, strategies or notes to it instead of naming another",
            path(i));
      }
    }
  }

  /**
   * A new divergence starts as identified; one carried over when a goal is replaced (the same write
   * supersedes an open divergence) may continue as exploring.
   */
  private static boolean startsWell(
      Divergence divergence, List<Divergence> before, List<Divergence> after) {
    DivergenceStatus status = divergence.status().orElse(null);
    if (status == DivergenceStatus.IDENTIFIED) {
      return true;
    }
    if (status != DivergenceStatus.EXPLORING) {
      return false;
    }
    for (int i = 0; i < before.size(); i++) {
      if (before.get(i).isOpen()
          && after.get(i).status().orElse(null) == DivergenceStatus.SUPERSEDED) {
        return true;
      }
    }
    return false;
  }

  private void checkUpdated(Goal goal, Divergence before, Divergence after, int index) {
    if (!Objects.equals(before.counterpart(), after.counterpart())) {
      throw refuse(
          IssueType.BUSINESSRULE,
          "The counterpart of a recorded divergence does not change (was "
              + before.counterpart()
              + "); name a new divergence instead",
          path(index) + ".extension('counterpart')");
    }
    DivergenceStatus from = before.status().orElse(DivergenceStatus.IDENTIFIED);
    String toCode = after.statusCode();
    DivergenceStatus to =
        after
            .status()
            .orElseThrow(
                () ->
                    refuse(
                        IssueType.CODEINVALID,
                        "'"
                            + toCode
                            + "' is not a divergence status; allowed from "
                            + from.code()
                            + ": "
                            + allowed(from),
                        path(index) + ".extension('status')"));
    if (from != to) {
      if (!from.mayMoveTo(to)) {
        throw transitionRefused(from, to, path(index) + ".extension('status')");
      }
      if (to == DivergenceStatus.SUPERSEDED && !replaced(goal, after.counterpart())) {
        throw refuse(
            IssueType.BUSINESSRULE,
            "A divergence becomes superseded only when its goal or its counterpart is replaced"
                + " (goal-relationship 'replacement'); use Goal/[id]/$revise",
            path(index) + ".extension('status')");
      }
    }
    if (!from.isOpen()) {
      boolean strategiesChanged = !after.strategies().equals(before.strategies());
      boolean dimensionsChanged = !after.dimensionCodes().equals(before.dimensionCodes());
      if (strategiesChanged || dimensionsChanged) {
        throw refuse(
            IssueType.BUSINESSRULE,
            "This divergence has ended ("
                + from.code()
                + "); its dimensions and strategies are"
                + " kept as they were. Notes may still be added.",
            path(index));
      }
    }
    List<Divergence.StrategyUse> was = before.strategies();
    List<Divergence.StrategyUse> now = after.strategies();
    if (now.size() < was.size() || !now.subList(0, was.size()).equals(was)) {
      throw refuse(
          IssueType.BUSINESSRULE,
          "Strategies applied to a divergence are a log: new ones are added after the existing"
              + " ones, existing ones are never changed or removed",
          path(index) + ".extension('strategy')");
    }
    if (after.noteCount() < before.noteCount()) {
      throw refuse(
          IssueType.BUSINESSRULE,
          "Notes on a divergence are never removed",
          path(index) + ".extension('note')");
    }
  }

  private boolean replaced(Goal goal, String counterpart) {
    if (goal.getExtensionsByUrl(GoalExtensions.RELATIONSHIP).stream().findAny().isPresent()
        && GoalRelationships.of(goal).stream()
            .anyMatch(r -> GoalRelationships.REPLACEMENT.equals(r.type()))) {
      return true;
    }
    return LocalReference.parse(counterpart)
        .flatMap(ref -> store.read("Goal", ref.id()))
        .map(v -> fhirContext.newJsonParser().parseResource(Goal.class, v.json()))
        .map(
            other ->
                GoalRelationships.of(other).stream()
                    .anyMatch(r -> GoalRelationships.REPLACEMENT.equals(r.type())))
        .orElse(false);
  }

  /** The 422 for a move the status machine does not allow, naming the moves it does allow. */
  static UnprocessableEntityException transitionRefused(
      DivergenceStatus from, DivergenceStatus to, String expression) {
    return refuse(
        IssueType.BUSINESSRULE,
        "A divergence cannot move from "
            + from.code()
            + " to "
            + to.code()
            + ". Allowed from "
            + from.code()
            + ": "
            + allowed(from),
        expression);
  }

  static String allowed(DivergenceStatus from) {
    Set<DivergenceStatus> next = from.allowedNext();
    return next.isEmpty()
        ? "none (" + from.code() + " is where a divergence ends)"
        : next.stream().map(DivergenceStatus::code).collect(Collectors.joining(", "));
  }

  static String path(int index) {
    return "Goal.extension('" + GoalExtensions.DIVERGENCE + "')[" + index + "]";
  }

  static UnprocessableEntityException refuse(IssueType type, String message, String expression) {
    OperationOutcome outcome = new OperationOutcome();
    OperationOutcome.OperationOutcomeIssueComponent issue =
        outcome.addIssue().setSeverity(IssueSeverity.ERROR).setCode(type).setDiagnostics(message);
    if (expression != null) {
      issue.addExpression(expression);
    }
    return new UnprocessableEntityException(FhirContext.forR4Cached(), outcome);
  }
}
