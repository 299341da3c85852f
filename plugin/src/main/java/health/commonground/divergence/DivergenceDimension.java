package health.commonground.divergence;

import health.commonground.conformance.ImplementationGuide;
import java.util.Arrays;
import java.util.Optional;
import org.hl7.fhir.r4.model.Coding;

/** Where a client's goal and their therapist's goal differ: the seed's five reasons, and other. */
public enum DivergenceDimension {
  DIFFERENT_PERSPECTIVES("different-perspectives", "Different perspectives"),
  CLIENT_READINESS("client-readiness", "Client readiness"),
  MISCOMMUNICATION("miscommunication", "Miscommunication"),
  EVOLVING_GOALS("evolving-goals", "Evolving goals"),
  CULTURAL_DIFFERENCES("cultural-differences", "Cultural differences"),
  OTHER("other", "Other");

  public static final String SYSTEM =
      ImplementationGuide.CANONICAL + "/CodeSystem/divergence-dimension";

  private final String code;
  private final String display;

  DivergenceDimension(String code, String display) {
    this.code = code;
    this.display = display;
  }

  public String code() {
    return code;
  }

  public Coding coding() {
    return new Coding(SYSTEM, code, display);
  }

  public static Optional<DivergenceDimension> fromCode(String code) {
    return Arrays.stream(values()).filter(d -> d.code.equals(code)).findFirst();
  }
}
