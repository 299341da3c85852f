package health.commonground.fhir;

import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;

/**
 * Answers {@code GET OperationDefinition/[id]}. HAPI routes those reads to the server's
 * CapabilityStatement provider, which by itself knows only the stand-ins HAPI generates from the
 * provider methods; {@link FhirServer} hands them to this bean (the published definitions) instead.
 */
public interface OperationDefinitionReader {

  /** The OperationDefinition with this id; a ResourceNotFoundException when there is none. */
  IBaseResource read(IIdType id);
}
