package health.commonground.goal;

import ca.uhn.fhir.rest.annotation.Delete;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import health.commonground.fhir.FhirProperties;
import health.commonground.fhir.IfMatch;
import health.commonground.fhir.OperationOutcomes;
import health.commonground.fhir.ResourceWriter;
import health.commonground.fhir.StoredResourceProvider;
import health.commonground.security.ResourceAccess;
import health.commonground.store.ResourceStore;
import health.commonground.store.SearchParamRegistry;
import org.hl7.fhir.r4.model.Goal;
import org.hl7.fhir.r4.model.IdType;
import org.springframework.stereotype.Component;

/**
 * The Goal endpoint. Goals are part of the clinical record and are never erased: DELETE marks the
 * goal entered-in-error as a new version, so its history and links stay readable.
 */
@Component
class GoalProvider extends StoredResourceProvider<Goal> {

  GoalProvider(
      ResourceStore store, ResourceWriter writer, SearchParamRegistry registry, FhirProperties p) {
    super(Goal.class, store, writer, registry, p);
  }

  @Delete
  public MethodOutcome delete(@IdParam IdType id, RequestDetails request) {
    Long ifMatch = IfMatch.version(request.getHeader("If-Match"), "If-Match");
    Goal goal = read(id.toVersionless());
    if (goal.getLifecycleStatus() != Goal.GoalLifecycleStatus.ENTEREDINERROR) {
      goal.setLifecycleStatus(Goal.GoalLifecycleStatus.ENTEREDINERROR);
      writer.replaceAsDeletion(goal, id.getIdPart(), ifMatch, ResourceAccess.of(request));
    } else if (ifMatch != null && !ifMatch.toString().equals(goal.getMeta().getVersionId())) {
      throw new ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException(
          "If-Match: version "
              + ifMatch
              + " of Goal/"
              + id.getIdPart()
              + " is not current (current is "
              + goal.getMeta().getVersionId()
              + ")");
    }
    MethodOutcome outcome = new MethodOutcome();
    outcome.setOperationOutcome(
        OperationOutcomes.information(
            "Goal/"
                + id.getIdPart()
                + " is now entered-in-error. Goals are never erased: its"
                + " history, links and Provenance stay readable."));
    return outcome;
  }
}
