package health.commonground.smart;

import java.io.Serializable;
import java.security.Principal;

/** The signed-in person of the app: their FHIR resource, role and name. */
public record SmartUser(String fhirUser, AppRole role, String displayName, String subject)
    implements Principal, Serializable {

  @Override
  public String getName() {
    return fhirUser != null ? fhirUser : subject;
  }
}
