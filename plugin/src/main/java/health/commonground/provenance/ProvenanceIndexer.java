package health.commonground.provenance;

import health.commonground.store.ResourceIndexer;
import health.commonground.store.SearchParam;
import health.commonground.store.SearchParam.Column;
import java.util.List;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.springframework.stereotype.Component;

/**
 * Search parameters of Provenance, kept in the columns of its own table ({@link ProvenanceLog}):
 * the extractors say what each parameter means, the columns where the log keeps the values.
 */
@Component
class ProvenanceIndexer implements ResourceIndexer {

  /** The target when it is a Patient: the write was of the client's own record. */
  private static final String PATIENT_TARGET =
      "(case when r.target_type = 'Patient' then r.target_id end)";

  @Override
  public String resourceType() {
    return "Provenance";
  }

  @Override
  public String table() {
    return ProvenanceLog.TABLE;
  }

  @Override
  public List<SearchParam> searchParams() {
    return List.of(
        SearchParam.reference(
                "target",
                "The resource version this Provenance is about",
                (r, idx) -> ((Provenance) r).getTarget().forEach(idx::reference))
            .keptIn(Column.of("r.target_id", "r.target_type")),
        SearchParam.reference(
                "agent",
                "Who took part in the write",
                (r, idx) -> ((Provenance) r).getAgent().forEach(a -> idx.reference(a.getWho())))
            .keptIn(Column.of("r.agent_id", "r.agent_type")),
        SearchParam.reference(
                "patient",
                "The client the written resource belongs to",
                (r, idx) ->
                    ((Provenance) r)
                        .getTarget().stream()
                            .map(Reference::getReference)
                            .filter(ref -> ref != null && ref.startsWith("Patient/"))
                            .forEach(ref -> idx.reference(new Reference(ref))))
            .keptIn(Column.fixed(PATIENT_TARGET, "Patient")));
  }
}
