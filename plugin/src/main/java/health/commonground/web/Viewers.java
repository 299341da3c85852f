package health.commonground.web;

import health.commonground.security.AccessBoundary;
import health.commonground.security.ActingUser;
import health.commonground.smart.AppRole;
import health.commonground.smart.AppSessions;
import health.commonground.smart.SmartSession;
import health.commonground.store.LocalReference;
import jakarta.servlet.http.HttpServletRequest;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * Resolves the viewer of a request and decides which clients' goals they may open: a client only
 * their own; a clinician the client the EHR launched them with, and the clients they treat ({@code
 * Patient.generalPractitioner} is them or one of their PractitionerRoles).
 */
@Component
class Viewers {

  private final AppSessions sessions;
  private final AccessBoundary boundary;

  Viewers(AppSessions sessions, AccessBoundary boundary) {
    this.sessions = sessions;
    this.boundary = boundary;
  }

  Viewer current(HttpServletRequest request) {
    SmartSession session = sessions.current(request).orElseThrow(SessionEnded::new);
    LocalReference user = fhirUser(session.user().fhirUser());
    String context = session.context() == null ? null : session.context().patient();
    AppRole role = session.user().role();
    ActingUser person =
        user == null ? ActingUser.SYSTEM : new ActingUser(user.type(), user.id(), null);
    return new Viewer(
        session,
        role,
        user == null ? null : user.type(),
        user == null ? null : user.id(),
        context,
        boundary
            .forAppUser(person, role == AppRole.CLINICIAN, context)
            .actingAs(actor(session, user)));
  }

  /** The acting user of a screen's writes, named as the session knows them. */
  private static ActingUser actor(SmartSession session, LocalReference user) {
    String name = session.user().displayName();
    return user == null
        ? new ActingUser(null, null, name == null ? "Common Ground app user" : name)
        : new ActingUser(user.type(), user.id(), name);
  }

  /** Refuses (as not found, so nothing leaks) a client the viewer may not see. */
  void requireAccess(Viewer viewer, String patientId) {
    if (!mayOpen(viewer, patientId)) {
      throw new NotYours();
    }
  }

  boolean mayOpen(Viewer viewer, String patientId) {
    if (patientId == null) {
      return false;
    }
    if (viewer.role() == AppRole.CLIENT && !patientId.equals(viewer.ownPatient())) {
      return false;
    }
    return viewer.access().canRead("Patient", patientId);
  }

  /** The ids of the clients a clinician treats. */
  Set<String> caseload(Viewer viewer) {
    if (!viewer.isClinician() || viewer.userId() == null) {
      return new HashSet<>();
    }
    return new HashSet<>(boundary.treatedClients(viewer.userType(), viewer.userId()));
  }

  /** {@code Practitioner/123} or an absolute URL ending in it (the EHR's fhirUser claim). */
  static LocalReference fhirUser(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String[] parts = value.split("/");
    if (parts.length < 2) {
      return null;
    }
    return LocalReference.parse(parts[parts.length - 2] + "/" + parts[parts.length - 1])
        .filter(
            r ->
                List.of("Patient", "Practitioner", "PractitionerRole", "RelatedPerson")
                    .contains(r.type()))
        .orElse(null);
  }

  /** The session is gone (expired or signed out): the person must launch again. */
  static final class SessionEnded extends RuntimeException {
    SessionEnded() {
      super("The app session has ended");
    }
  }

  /** A client the viewer may not open. */
  static final class NotYours extends RuntimeException {
    NotYours() {
      super("Not a client of this viewer");
    }
  }
}
