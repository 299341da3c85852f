package health.commonground.goal;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.Reference;

/**
 * Whose voice a reference to a person is: the client's side (Patient, RelatedPerson) or a
 * clinician's (Practitioner, PractitionerRole). Partners refer to people as {@code Type/id} here,
 * by absolute URL on their own server, or by {@code Reference.type} with only an identifier: all
 * count.
 */
public enum Voice {
  CLIENT,
  CLINICIAN;

  // The type in a RESTful reference, relative or absolute: .../Type/id or .../Type/id/_history/v.
  private static final Pattern TYPE =
      Pattern.compile(
          "(?:^|/)([A-Z][A-Za-z]+)/[A-Za-z0-9\\-.]{1,64}(?:/_history/[A-Za-z0-9\\-.]{1,64})?$");

  public static Optional<Voice> of(Reference reference) {
    if (reference == null) {
      return Optional.empty();
    }
    Optional<Voice> byReference = of(reference.getReference());
    if (byReference.isPresent() || !reference.hasType()) {
      return byReference;
    }
    String type = reference.getType();
    return ofType(type.substring(type.lastIndexOf('/') + 1));
  }

  /** The voice of a reference string ({@code Patient/1}, {@code https://ehr/fhir/Patient/1}). */
  public static Optional<Voice> of(String reference) {
    if (reference == null || reference.startsWith("#")) {
      return Optional.empty();
    }
    Matcher matcher = TYPE.matcher(reference);
    return matcher.find() ? ofType(matcher.group(1)) : Optional.empty();
  }

  private static Optional<Voice> ofType(String type) {
    return switch (type) {
      case "Patient", "RelatedPerson" -> Optional.of(CLIENT);
      case "Practitioner", "PractitionerRole" -> Optional.of(CLINICIAN);
      default -> Optional.empty();
    };
  }
}
