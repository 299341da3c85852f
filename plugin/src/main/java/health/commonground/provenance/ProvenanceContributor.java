package health.commonground.provenance;

import health.commonground.security.ActingUser;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Resource;

/**
 * Adds what a feature knows about a write to its Provenance: what the change meant (e.g. a
 * divergence named, an acceptance given) and on whose behalf it was made.
 */
public interface ProvenanceContributor {

  String resourceType();

  /**
   * @param previous the version the write replaced, or null on create
   */
  void contribute(Provenance provenance, Resource written, Resource previous, ActingUser actor);
}
