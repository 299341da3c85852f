package health.commonground.divergence;

import health.commonground.conformance.ImplementationGuide;
import java.util.Arrays;
import java.util.Optional;
import org.hl7.fhir.r4.model.Coding;

/** How a divergence is worked through: the seed's six ways of navigating differences. */
public enum AlignmentStrategy {
  OPEN_COMMUNICATION("open-communication", "Open communication"),
  COLLABORATION("collaboration", "Collaboration"),
  REASSESS_REGULARLY("reassess-regularly", "Reassess regularly"),
  EDUCATE_AND_EXPLORE("educate-and-explore", "Educate and explore"),
  FLEXIBILITY("flexibility", "Flexibility"),
  EMPOWER_THE_CLIENT("empower-the-client", "Empower the client");

  public static final String SYSTEM =
      ImplementationGuide.CANONICAL + "/CodeSystem/alignment-strategy";

  private final String code;
  private final String display;

  AlignmentStrategy(String code, String display) {
    this.code = code;
    this.display = display;
  }

  public String code() {
    return code;
  }

  public Coding coding() {
    return new Coding(SYSTEM, code, display);
  }

  public static Optional<AlignmentStrategy> fromCode(String code) {
    return Arrays.stream(values()).filter(s -> s.code.equals(code)).findFirst();
  }
}
