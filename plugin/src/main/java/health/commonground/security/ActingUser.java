package health.commonground.security;

import org.hl7.fhir.r4.model.Reference;

/**
 * The person on whose behalf a request acts: a Patient, RelatedPerson, Practitioner or
 * PractitionerRole, or the system itself when no person is known.
 */
public record ActingUser(String type, String id, String display) {

  public static final ActingUser SYSTEM = new ActingUser(null, null, "Common Ground API client");

  public boolean isSystem() {
    return type == null;
  }

  public boolean isClient() {
    return "Patient".equals(type) || "RelatedPerson".equals(type);
  }

  public boolean isClinician() {
    return "Practitioner".equals(type) || "PractitionerRole".equals(type);
  }

  public Reference reference() {
    Reference reference = new Reference();
    if (!isSystem()) {
      reference.setReference(type + "/" + id);
    }
    if (display != null) {
      reference.setDisplay(display);
    }
    return reference;
  }
}
