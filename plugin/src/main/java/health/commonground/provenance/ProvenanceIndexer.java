package health.commonground.provenance;

import health.commonground.store.ResourceIndexer;
import health.commonground.store.SearchParam;
import java.util.List;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.springframework.stereotype.Component;

@Component
class ProvenanceIndexer implements ResourceIndexer {

  @Override
  public String resourceType() {
    return "Provenance";
  }

  @Override
  public List<SearchParam> searchParams() {
    return List.of(
        SearchParam.reference(
            "target",
            "The resource version this Provenance is about",
            (r, idx) -> ((Provenance) r).getTarget().forEach(idx::reference)),
        SearchParam.reference(
            "agent",
            "Who took part in the write",
            (r, idx) -> ((Provenance) r).getAgent().forEach(a -> idx.reference(a.getWho()))),
        SearchParam.reference(
            "patient",
            "The client the written resource belongs to",
            (r, idx) ->
                ((Provenance) r)
                    .getTarget().stream()
                        .map(Reference::getReference)
                        .filter(ref -> ref != null && ref.startsWith("Patient/"))
                        .forEach(ref -> idx.reference(new Reference(ref)))));
  }
}
