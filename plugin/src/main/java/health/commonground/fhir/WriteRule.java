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

  /**
   * Runs after the new version is stored, in the same database transaction: a rule may keep derived
   * data (e.g. a read model) in step with the resource, or refuse and roll the write back.
   *
   * @param written the stored resource, with its new id and version
   * @param previous the version it replaced, or null on create
   */
  default void afterWrite(Resource written, Resource previous, ActingUser actor) {}
}
