package health.commonground.divergence;

import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import health.commonground.fhir.WriteRule;
import health.commonground.goal.GoalAcceptances;
import health.commonground.goal.GoalAcceptances.Acceptance;
import health.commonground.goal.GoalRole;
import health.commonground.security.ActingUser;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.hl7.fhir.r4.model.Goal;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.stereotype.Component;

/**
 * Each voice is changed only by its owner. The client's words (a client goal's description and
 * language) are written only by the client; a clinician may record them on the client's behalf when
 * the goal is new, and later add translations or notes, never rewrite them. A therapist goal's
 * wording is written only by a clinician. Each party sets only their own acceptance (anyone may ask
 * a party for theirs by adding it as pending).
 *
 * <p>Requests with no person behind them (the system: trusted integrations, imports) are not held
 * to these rules; the SMART security decides who may act as the system.
 */
@Component
class OwnVoiceRule implements WriteRule {

  @Override
  public String resourceType() {
    return "Goal";
  }

  @Override
  public void beforeWrite(Resource incoming, Resource previous, ActingUser actor) {
    if (actor.isSystem()) {
      return;
    }
    Goal goal = (Goal) incoming;
    Goal before = (Goal) previous;
    String me = actor.reference().getReference();
    if ("Patient".equals(actor.type()) && !me.equals(goal.getSubject().getReference())) {
      throw forbidden(
          "A client writes only their own goals (subject must be " + me + ")", "Goal.subject");
    }
    GoalRole role = GoalRole.of(goal).orElse(null);
    if (role == GoalRole.CLIENT) {
      boolean wordingChanged =
          before == null
              || !Objects.equals(text(before), text(goal))
              || !Objects.equals(before.getLanguage(), goal.getLanguage());
      if (wordingChanged && actor.isClinician() && before != null) {
        throw forbidden(
            "The client's words are changed only by the client. A clinician may add a"
                + " translation (the translation extension on Goal.description.text) or a note,"
                + " never rewrite the text or its language",
            "Goal.description.text");
      }
    }
    if (role == GoalRole.THERAPIST && actor.isClient()) {
      boolean wordingChanged = before == null || !Objects.equals(text(before), text(goal));
      if (wordingChanged) {
        throw forbidden(
            "A therapist goal is worded only by a clinician; a client may accept or decline it,"
                + " or state their own goal",
            "Goal.description.text");
      }
    }
    checkAcceptances(before, goal, me);
  }

  private static void checkAcceptances(Goal before, Goal after, String me) {
    Map<String, String> was = new HashMap<>();
    if (before != null) {
      for (Acceptance a : GoalAcceptances.of(before)) {
        was.put(a.individual(), a.status());
      }
    }
    Map<String, String> now = new HashMap<>();
    for (Acceptance a : GoalAcceptances.of(after)) {
      now.put(a.individual(), a.status());
    }
    Set<String> individuals = new HashSet<>(was.keySet());
    individuals.addAll(now.keySet());
    for (String individual : individuals) {
      if (individual == null || individual.equals(me)) {
        continue;
      }
      String from = was.get(individual);
      String to = now.get(individual);
      if (Objects.equals(from, to)) {
        continue;
      }
      boolean askingForTheirs = from == null && GoalAcceptances.PENDING.equals(to);
      if (!askingForTheirs) {
        throw forbidden(
            "Each party sets only their own acceptance: "
                + me
                + " cannot set the acceptance of "
                + individual
                + " ("
                + (from == null ? "none" : from)
                + " to "
                + (to == null ? "removed" : to)
                + ")",
            "Goal.extension('" + health.commonground.goal.GoalExtensions.ACCEPTANCE + "')");
      }
    }
  }

  private static String text(Goal goal) {
    return goal.getDescription().getText();
  }

  static ForbiddenOperationException forbidden(String message, String expression) {
    OperationOutcome outcome = new OperationOutcome();
    outcome
        .addIssue()
        .setSeverity(IssueSeverity.ERROR)
        .setCode(IssueType.FORBIDDEN)
        .setDiagnostics(message)
        .addExpression(expression);
    return new ForbiddenOperationException(message, outcome);
  }
}
