package health.commonground.fhir;

import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/** Small builders for the OperationOutcomes our errors carry. */
public final class OperationOutcomes {

  private OperationOutcomes() {}

  public static OperationOutcome error(IssueType type, String message, String expression) {
    OperationOutcome outcome = new OperationOutcome();
    OperationOutcome.OperationOutcomeIssueComponent issue =
        outcome.addIssue().setSeverity(IssueSeverity.ERROR).setCode(type).setDiagnostics(message);
    if (expression != null) {
      issue.addExpression(expression);
    }
    return outcome;
  }

  public static OperationOutcome information(String message) {
    OperationOutcome outcome = new OperationOutcome();
    outcome
        .addIssue()
        .setSeverity(IssueSeverity.INFORMATION)
        .setCode(IssueType.INFORMATIONAL)
        .setDiagnostics(message);
    return outcome;
  }
}
