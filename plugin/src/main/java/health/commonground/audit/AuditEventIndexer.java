package health.commonground.audit;

import health.commonground.store.ResourceIndexer;
import health.commonground.store.SearchParam;
import health.commonground.store.SearchParam.Column;
import java.util.List;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAction;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventOutcome;
import org.springframework.stereotype.Component;

/**
 * Search parameters of the access log, kept in the columns of its own table ({@link AuditLog}): the
 * extractors say what each parameter means, the columns where {@link AuditLog} keeps the values.
 */
@Component
class AuditEventIndexer implements ResourceIndexer {

  /** A Patient named as the resource of the request is the client whose record it was, too. */
  private static final String NAMED_PATIENT =
      "(case when r.entity_type = 'Patient' then r.entity_id end)";

  @Override
  public String resourceType() {
    return "AuditEvent";
  }

  @Override
  public String table() {
    return AuditLog.TABLE;
  }

  @Override
  public List<SearchParam> searchParams() {
    return List.of(
        SearchParam.reference(
                "patient",
                "The client whose record was accessed",
                (r, idx) ->
                    ((AuditEvent) r)
                        .getEntity().stream()
                            .filter(
                                e ->
                                    e.getWhat().getReference() != null
                                        && e.getWhat().getReference().startsWith("Patient/"))
                            .forEach(e -> idx.reference(e.getWhat())))
            .keptIn(
                Column.fixed("r.patient_id", "Patient"), Column.fixed(NAMED_PATIENT, "Patient")),
        SearchParam.reference(
                "entity",
                "The resource accessed",
                (r, idx) -> ((AuditEvent) r).getEntity().forEach(e -> idx.reference(e.getWhat())))
            .keptIn(
                Column.of("r.entity_id", "r.entity_type"), Column.fixed("r.patient_id", "Patient")),
        SearchParam.reference(
                "agent",
                "The person who made the request (fhirUser)",
                (r, idx) -> ((AuditEvent) r).getAgent().forEach(a -> idx.reference(a.getWho())))
            .keptIn(Column.of("r.agent_id", "r.agent_type")),
        SearchParam.token(
                "altid",
                "The app (OAuth client id) that made the request",
                (r, idx) ->
                    ((AuditEvent) r).getAgent().forEach(a -> idx.token(a.getWho().getIdentifier())))
            .keptIn(Column.fixed("r.client_id", AuditRecorder.CLIENT_ID_SYSTEM)),
        SearchParam.token(
                "action",
                "C | R | U | D | E",
                (r, idx) -> {
                  AuditEvent event = (AuditEvent) r;
                  if (event.hasAction()) {
                    idx.token(event.getAction().getSystem(), event.getAction().toCode());
                  }
                })
            .keptIn(Column.fixed("r.action", AuditEventAction.R.getSystem())),
        SearchParam.token(
                "subtype",
                "The FHIR interaction: read, vread, search-type, history-instance, create, update, ...",
                (r, idx) -> ((AuditEvent) r).getSubtype().forEach(idx::token))
            .keptIn(Column.fixed("r.subtype", AuditRecorder.INTERACTION)),
        SearchParam.token(
                "outcome",
                "0 success | 4 refused or failed on the request | 8 server failure",
                (r, idx) -> {
                  AuditEvent event = (AuditEvent) r;
                  if (event.hasOutcome()) {
                    idx.token(event.getOutcome().getSystem(), event.getOutcome().toCode());
                  }
                })
            .keptIn(Column.fixed("r.outcome", AuditEventOutcome._0.getSystem())));
  }
}
