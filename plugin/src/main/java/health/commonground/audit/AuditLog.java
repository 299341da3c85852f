package health.commonground.audit;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import health.commonground.store.LocalReference;
import health.commonground.store.ResourceIds;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventEntityComponent;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Reference;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The access log's own table (migration V22): one row per AuditEvent, its JSON and the values of
 * its search parameters ({@link AuditEventIndexer} says which column holds which). Written once;
 * read through the resource store like any stored type.
 */
@Repository
class AuditLog {

  static final String TABLE = "audit_event";

  private static final String INSERT =
      "insert into "
          + TABLE
          + " (res_id, last_updated, entity_type, entity_id, patient_id, agent_type, agent_id,"
          + " client_id, action, subtype, outcome, body) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

  private final FhirContext fhirContext;
  private final JdbcTemplate jdbc;

  AuditLog(FhirContext fhirContext, JdbcTemplate jdbc) {
    this.fhirContext = fhirContext;
    this.jdbc = jdbc;
  }

  /** Gives each event its id and stored time, and stores them in one batch. */
  void insert(List<AuditEvent> events) {
    IParser json = fhirContext.newJsonParser();
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    List<Object[]> rows = new ArrayList<>(events.size());
    for (AuditEvent event : events) {
      String id = ResourceIds.next();
      event.setIdElement(new IdType("AuditEvent", id, "1"));
      event.getMeta().setVersionId("1").setLastUpdated(Date.from(now));
      rows.add(row(id, now, event, json.encodeResourceToString(event)));
    }
    jdbc.batchUpdate(INSERT, rows);
  }

  /**
   * The columns of one event as {@link AuditRecorder} writes it: one entity naming the resource of
   * the request, one with the role Patient naming the client whose record it was, one agent with a
   * reference (the person) and one with the app's client id.
   */
  private static Object[] row(String id, Instant stored, AuditEvent event, String json) {
    Optional<LocalReference> named = Optional.empty();
    Optional<LocalReference> patient = Optional.empty();
    for (AuditEventEntityComponent entity : event.getEntity()) {
      Optional<LocalReference> what = local(entity.getWhat());
      if (what.isEmpty()) {
        continue;
      }
      boolean client =
          AuditRecorder.PATIENT_ROLE.equals(entity.getRole().getCode())
              && what.get().type().equals("Patient");
      if (client ? patient.isPresent() : named.isPresent()) {
        throw new IllegalArgumentException("More entities than the log keeps: " + json);
      }
      if (client) {
        patient = what;
      } else {
        named = what;
      }
    }
    List<LocalReference> agents = new ArrayList<>();
    String clientId = null;
    for (AuditEvent.AuditEventAgentComponent agent : event.getAgent()) {
      local(agent.getWho()).ifPresent(agents::add);
      if (AuditRecorder.CLIENT_ID_SYSTEM.equals(agent.getWho().getIdentifier().getSystem())) {
        clientId = agent.getWho().getIdentifier().getValue();
      }
    }
    if (agents.size() > 1 || event.getSubtype().size() > 1) {
      throw new IllegalArgumentException("More agents or subtypes than the log keeps: " + json);
    }
    return new Object[] {
      id,
      Timestamp.from(stored),
      named.map(LocalReference::type).orElse(null),
      named.map(LocalReference::id).orElse(null),
      patient.map(LocalReference::id).orElse(null),
      agents.isEmpty() ? null : agents.get(0).type(),
      agents.isEmpty() ? null : agents.get(0).id(),
      clientId,
      event.hasAction() ? event.getAction().toCode() : null,
      event.getSubtype().isEmpty() ? null : event.getSubtypeFirstRep().getCode(),
      event.hasOutcome() ? event.getOutcome().toCode() : null,
      json
    };
  }

  private static Optional<LocalReference> local(Reference reference) {
    return reference.hasReference()
        ? LocalReference.parse(reference.getReference())
        : Optional.empty();
  }
}
