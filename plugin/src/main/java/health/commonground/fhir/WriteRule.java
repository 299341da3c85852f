package health.commonground.fhir;

import health.commonground.security.ActingUser;
import org.hl7.fhir.r4.model.Resource;

/**
 * A rule of one resource type that runs before a write is validated and stored: it may refuse the
 * write (throwing a HAPI exception with an OperationOutcome) or complete the resource (e.g. declare
 * the profile it must conform to).
 */
public interface WriteRule {

  String resourceType();

  /**
   * @param incoming the resource about to be written
   * @param previous the current version, or null on create
   */
  void beforeWrite(Resource incoming, Resource previous, ActingUser actor);
}
