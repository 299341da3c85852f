package health.commonground.audit;

import health.commonground.store.ResourceIndexer;
import health.commonground.store.SearchParam;
import java.util.List;
import org.hl7.fhir.r4.model.AuditEvent;
import org.springframework.stereotype.Component;

/** Search parameters of the access log. */
@Component
class AuditEventIndexer implements ResourceIndexer {

  @Override
  public String resourceType() {
    return "AuditEvent";
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
                        .forEach(e -> idx.reference(e.getWhat()))),
        SearchParam.reference(
            "entity",
            "The resource accessed",
            (r, idx) -> ((AuditEvent) r).getEntity().forEach(e -> idx.reference(e.getWhat()))),
        SearchParam.reference(
            "agent",
            "The person who made the request (fhirUser)",
            (r, idx) -> ((AuditEvent) r).getAgent().forEach(a -> idx.reference(a.getWho()))),
        SearchParam.token(
            "altid",
            "The app (OAuth client id) that made the request",
            (r, idx) ->
                ((AuditEvent) r).getAgent().forEach(a -> idx.token(a.getWho().getIdentifier()))),
        SearchParam.token(
            "action",
            "C | R | U | D | E",
            (r, idx) -> {
              AuditEvent event = (AuditEvent) r;
              if (event.hasAction()) {
                idx.token(event.getAction().getSystem(), event.getAction().toCode());
              }
            }),
        SearchParam.token(
            "subtype",
            "The FHIR interaction: read, vread, search-type, history-instance, create, update, ...",
            (r, idx) -> ((AuditEvent) r).getSubtype().forEach(idx::token)),
        SearchParam.token(
            "outcome",
            "0 success | 4 refused or failed on the request | 8 server failure",
            (r, idx) -> {
              AuditEvent event = (AuditEvent) r;
              if (event.hasOutcome()) {
                idx.token(event.getOutcome().getSystem(), event.getOutcome().toCode());
              }
            }));
  }
}
