package health.commonground.smart;

import java.io.Serializable;

/**
 * The SMART launch context of a token response: the patient and encounter in context, whether the
 * EHR wants a patient banner, its style hint, and any {@code fhirContext} as JSON.
 */
public record LaunchContext(
    String patient,
    String patientDisplay,
    String encounter,
    boolean needPatientBanner,
    String smartStyleUrl,
    String fhirContextJson,
    String intent)
    implements Serializable {

  LaunchContext withPatientDisplay(String display) {
    return new LaunchContext(
        patient, display, encounter, needPatientBanner, smartStyleUrl, fhirContextJson, intent);
  }
}
