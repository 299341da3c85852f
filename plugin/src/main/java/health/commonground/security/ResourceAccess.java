package health.commonground.security;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import health.commonground.store.SqlCondition;
import java.util.Optional;
import org.hl7.fhir.r4.model.Resource;

/**
 * The one access boundary: what the caller of a request may read and write, built once per request
 * from the token (FHIR API, see {@link AccessBoundary}) or from the signed-in person (screens).
 * Every read, search, conditional match, transaction entry, operation and screen reaches stored
 * data through it, so a path added later cannot forget the check.
 */
public interface ResourceAccess {

  /** The person (or the system) the request acts for: Provenance and the write rules use it. */
  ActingUser actor();

  /**
   * A condition on the current resources of {@code type} (alias {@code r}) that the caller may
   * read; empty when the caller may read all of them.
   */
  Optional<SqlCondition> readable(String type);

  /** Whether the caller may read the current version of {@code type/id} (false if it is absent). */
  boolean canRead(String type, String id);

  /**
   * Refuses a write the caller may not make: 403 when no scope grants {@code permission} ('c', 'u'
   * or 'd') on the type, or the resource would land outside the caller's compartments, or the
   * caller would speak as someone else; 404 when {@code previous} is not the caller's to see.
   *
   * @param previous the current version being replaced, or null on create
   */
  void checkWrite(char permission, Resource incoming, Resource previous);

  /** Refuses (403) when no scope grants {@code permission} on {@code type} at all. */
  void requireGrant(String type, char permission);

  /**
   * Whether the caller may see a clinician's whole caseload: that clinician, an admin, a system.
   */
  boolean mayReadCaseloadOf(String practitionerId);

  /**
   * The same access acting for someone else (e.g. a client's answer a clinician records in
   * session): the checks stay the caller's, only the acting user changes.
   */
  ResourceAccess actingAs(ActingUser actor);

  /** The server itself (start-up loads, internal jobs): may read and write everything. */
  static ResourceAccess system(ActingUser actor) {
    return new SystemAccess(actor);
  }

  /** The access of a FHIR request; one that nothing authenticated may read or write nothing. */
  static ResourceAccess of(RequestDetails request) {
    return request != null && request.getUserData().get(KEY) instanceof ResourceAccess access
        ? access
        : NoAccess.INSTANCE;
  }

  static void set(RequestDetails request, ResourceAccess access) {
    request.getUserData().put(KEY, access);
  }

  String KEY = ResourceAccess.class.getName();
}
