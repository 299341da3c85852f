package health.commonground.provenance;

import health.commonground.fhir.FhirProperties;
import health.commonground.fhir.ResourceWriter;
import health.commonground.fhir.StoredResourceProvider;
import health.commonground.store.ResourceStore;
import health.commonground.store.SearchParamRegistry;
import org.hl7.fhir.r4.model.Provenance;
import org.springframework.stereotype.Component;

/** Provenance is written by the server with every change; clients read and search it. */
@Component
class ProvenanceProvider extends StoredResourceProvider<Provenance> {

  ProvenanceProvider(
      ResourceStore store, ResourceWriter writer, SearchParamRegistry registry, FhirProperties p) {
    super(Provenance.class, store, writer, registry, p);
  }
}
