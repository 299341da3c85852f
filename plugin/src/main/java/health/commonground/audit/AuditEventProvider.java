package health.commonground.audit;

import health.commonground.fhir.FhirProperties;
import health.commonground.fhir.ResourceWriter;
import health.commonground.fhir.StoredResourceProvider;
import health.commonground.store.ResourceStore;
import health.commonground.store.SearchParamRegistry;
import org.hl7.fhir.r4.model.AuditEvent;
import org.springframework.stereotype.Component;

/**
 * The access log over FHIR: administrators read and search it; nobody writes it (the server's
 * access rules refuse writes to AuditEvent).
 */
@Component
class AuditEventProvider extends StoredResourceProvider<AuditEvent> {

  AuditEventProvider(
      ResourceStore store, ResourceWriter writer, SearchParamRegistry registry, FhirProperties p) {
    super(AuditEvent.class, store, writer, registry, p);
  }
}
