package health.commonground.provenance;

import health.commonground.security.ActingUser;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Builds the Provenance that accompanies every write: who, when, what was done to which version.
 */
@Component
public class ProvenanceRecorder {

  static final String DATA_OPERATION = "http://terminology.hl7.org/CodeSystem/v3-DataOperation";
  static final String PARTICIPANT_TYPE =
      "http://terminology.hl7.org/CodeSystem/provenance-participant-type";

  /** The write that happened, as FHIR's data operations name it. */
  public enum Activity {
    CREATE("create"),
    UPDATE("revise"),
    DELETE("delete");

    private final String display;

    Activity(String display) {
      this.display = display;
    }
  }

  private final List<ProvenanceContributor> contributors;
  private final ProvenanceLog log;

  ProvenanceRecorder(ObjectProvider<ProvenanceContributor> contributors, ProvenanceLog log) {
    this.contributors = contributors.orderedStream().toList();
    this.log = log;
  }

  /**
   * Records the Provenance of a write, in the caller's transaction (see {@link #provenanceFor}).
   *
   * @param recorded when the write was stored: the Provenance's recorded and stored time
   */
  public void record(
      Resource written, Resource previous, Activity activity, ActingUser actor, Instant recorded) {
    log.insert(provenanceFor(written, previous, activity, actor, Date.from(recorded)), recorded);
  }

  /**
   * @param previous the version the write replaced, or null on create; contributors compare it with
   *     the written one to say what the write meant in the domain
   */
  Provenance provenanceFor(
      Resource written, Resource previous, Activity activity, ActingUser actor, Date recorded) {
    Provenance provenance = new Provenance();
    provenance.addTarget(
        new Reference(
            written.fhirType()
                + "/"
                + written.getIdElement().getIdPart()
                + "/_history/"
                + written.getMeta().getVersionId()));
    provenance.setRecorded(recorded);
    provenance.getOccurredDateTimeType().setValue(recorded);
    provenance
        .getActivity()
        .addCoding(new Coding(DATA_OPERATION, activity.name(), activity.display));
    Provenance.ProvenanceAgentComponent agent = provenance.addAgent();
    agent.getType().addCoding(new Coding(PARTICIPANT_TYPE, "author", "Author"));
    agent.setWho(actor.reference());
    for (ProvenanceContributor contributor : contributors) {
      if (contributor.resourceType().equals(written.fhirType())) {
        contributor.contribute(provenance, written, previous, actor);
      }
    }
    return provenance;
  }
}
