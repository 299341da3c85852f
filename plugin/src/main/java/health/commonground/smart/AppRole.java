package health.commonground.smart;

import java.util.Locale;

/** Who is using the app: a clinician (Practitioner) or a client (Patient or RelatedPerson). */
public enum AppRole {
  CLINICIAN,
  CLIENT;

  static AppRole parse(String value) {
    if (value == null || value.isBlank()) {
      return CLINICIAN;
    }
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "clinician", "practitioner" -> CLINICIAN;
      case "client", "patient" -> CLIENT;
      default ->
          throw new SmartLaunchException("Unknown role '" + value + "': use clinician or client.");
    };
  }

  /** The role of a SMART {@code fhirUser}, from its resource type. */
  static AppRole ofFhirUser(String fhirUser, AppRole fallback) {
    if (fhirUser == null) {
      return fallback;
    }
    if (fhirUser.contains("Patient/") || fhirUser.contains("RelatedPerson/")) {
      return CLIENT;
    }
    if (fhirUser.contains("Practitioner/") || fhirUser.contains("PractitionerRole/")) {
      return CLINICIAN;
    }
    return fallback;
  }
}
