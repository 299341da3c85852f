package health.commonground.people;

import health.commonground.security.AccessBoundary;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * The clients a clinician treats: those whose {@code Patient.generalPractitioner} is the
 * clinician's Practitioner or one of its PractitionerRoles (for a PractitionerRole: that role). The
 * relation is defined once, by the access boundary that confines {@code user/} scopes to it.
 */
@Component
public class TreatedClients {

  private final AccessBoundary boundary;

  TreatedClients(AccessBoundary boundary) {
    this.boundary = boundary;
  }

  /** The Patient ids a clinician treats; empty for any other type of user. */
  public Set<String> of(String userType, String userId) {
    return boundary.treatedClients(userType, userId);
  }
}
