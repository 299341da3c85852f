package health.commonground.provenance;

import ca.uhn.fhir.rest.api.RequestTypeEnum;
import ca.uhn.fhir.rest.server.exceptions.MethodNotAllowedException;
import health.commonground.fhir.OperationOutcomes;
import health.commonground.fhir.WriteRule;
import health.commonground.security.ActingUser;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.stereotype.Component;

/**
 * Provenance is the server's own record of each write; a client-written one would be a write
 * without Provenance of its own, and could claim anything. Clients read and search it only.
 */
@Component
class ProvenanceWriteRule implements WriteRule {

  @Override
  public String resourceType() {
    return "Provenance";
  }

  @Override
  public void beforeWrite(Resource incoming, Resource previous, ActingUser actor) {
    String message =
        "Provenance is recorded by the server with every write; it can be read and searched, not"
            + " written";
    throw new MethodNotAllowedException(
        message,
        OperationOutcomes.error(IssueType.NOTSUPPORTED, message, null),
        RequestTypeEnum.GET);
  }
}
