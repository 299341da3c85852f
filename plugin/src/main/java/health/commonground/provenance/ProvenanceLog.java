package health.commonground.provenance;

import ca.uhn.fhir.context.FhirContext;
import health.commonground.store.LocalReference;
import health.commonground.store.ResourceIds;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * Provenance's own table (migration V24): one row per Provenance, its JSON and the values of its
 * search parameters ({@link ProvenanceIndexer} says which column holds which). Written once, in the
 * transaction of the write it records; read through the resource store like any stored type.
 */
@Repository
class ProvenanceLog {

  static final String TABLE = "provenance";

  private static final String INSERT =
      "insert into "
          + TABLE
          + " (res_id, last_updated, target_type, target_id, agent_type, agent_id, body)"
          + " values (?, ?, ?, ?, ?, ?, ?)";

  private final FhirContext fhirContext;
  private final JdbcTemplate jdbc;

  ProvenanceLog(FhirContext fhirContext, JdbcTemplate jdbc) {
    this.fhirContext = fhirContext;
    this.jdbc = jdbc;
  }

  /**
   * Gives the Provenance its id and stored time and stores it. It has the one target and the one
   * agent {@link ProvenanceRecorder} gives every Provenance.
   */
  void insert(Provenance provenance, Instant stored) {
    if (provenance.getTarget().size() != 1 || provenance.getAgent().size() != 1) {
      throw new IllegalArgumentException("A Provenance has one target and one agent here");
    }
    String id = ResourceIds.next();
    provenance.setIdElement(new IdType("Provenance", id, "1"));
    provenance.getMeta().setVersionId("1").setLastUpdated(Date.from(stored));
    Optional<LocalReference> target = local(provenance.getTargetFirstRep());
    Optional<LocalReference> agent = local(provenance.getAgentFirstRep().getWho());
    jdbc.update(
        INSERT,
        id,
        Timestamp.from(stored),
        target.map(LocalReference::type).orElse(null),
        target.map(LocalReference::id).orElse(null),
        agent.map(LocalReference::type).orElse(null),
        agent.map(LocalReference::id).orElse(null),
        fhirContext
            .newJsonParser()
            // The version written, as the context the server reads it with keeps it (FhirConfig).
            .setDontStripVersionsFromReferencesAtPaths("Provenance.target")
            .encodeResourceToString(provenance));
  }

  private static Optional<LocalReference> local(Reference reference) {
    return reference.hasReference()
        ? LocalReference.parse(reference.getReference())
        : Optional.empty();
  }
}
