package health.commonground.divergence;

import health.commonground.conformance.ImplementationGuide;
import java.time.Instant;
import java.util.List;
import org.hl7.fhir.r4.model.Coding;

/**
 * One way the system notices a divergence nobody has named. Each rule is a bean; {@code
 * $divergences} and the alignment summaries run all of them over one client's goals.
 *
 * <p>Extension point: once reviews exist, a rule comparing the client's and the clinician's Goal
 * Attainment Scaling ratings of the same goal implements this interface (code {@link
 * Code#PROGRESS_RATED_APART}); nothing else needs to change.
 */
public interface DetectionRule {

  String SYSTEM = ImplementationGuide.CANONICAL + "/CodeSystem/divergence-rule";

  /** The rules, as CodeSystem divergence-rule publishes them. */
  enum Code {
    THERAPIST_GOAL_DECLINED("therapist-goal-declined", "Therapist goal declined by the client"),
    THERAPIST_GOAL_PENDING("therapist-goal-pending", "Therapist goal not accepted in time"),
    CLIENT_GOAL_UNLINKED("client-goal-unlinked", "Client goal with no therapist counterpart"),
    THERAPIST_GOAL_UNLINKED("therapist-goal-unlinked", "Therapist goal with no client counterpart"),
    SHARED_GOAL_DECLINED("shared-goal-declined", "Shared goal declined by one party"),
    PROGRESS_RATED_APART("progress-rated-apart", "Progress rated far apart");

    private final String code;
    private final String display;

    Code(String code, String display) {
      this.code = code;
      this.display = display;
    }

    public String code() {
      return code;
    }

    public Coding coding() {
      return new Coding(SYSTEM, code, display);
    }
  }

  List<DetectedDivergence> detect(ClientGoals goals, Instant now);
}
