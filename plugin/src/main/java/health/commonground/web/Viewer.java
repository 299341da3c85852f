package health.commonground.web;

import health.commonground.security.ActingUser;
import health.commonground.security.ResourceAccess;
import health.commonground.smart.AppRole;
import health.commonground.smart.SmartSession;

/**
 * Who is looking at a screen, from their launched session: a clinician or a client, the FHIR
 * resource they are ({@code Practitioner/…}, {@code Patient/…}), the patient in context, and the
 * access boundary every read and write of theirs goes through.
 */
public record Viewer(
    SmartSession session,
    AppRole role,
    String userType,
    String userId,
    String contextPatient,
    ResourceAccess access) {

  public boolean isClinician() {
    return role == AppRole.CLINICIAN;
  }

  public boolean isClient() {
    return role == AppRole.CLIENT;
  }

  /** The patient whose goals a client sees: always their own. */
  public String ownPatient() {
    return "Patient".equals(userType) && userId != null ? userId : contextPatient;
  }

  public String reference() {
    return userType == null ? null : userType + "/" + userId;
  }

  ActingUser actor() {
    return access.actor();
  }
}
