package health.commonground.security;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import health.commonground.store.SqlCondition;
import java.util.Optional;

/**
 * Which stored resources the caller of a request may see. The FHIR providers add it to every read,
 * search, include and history, so nothing outside it is returned or even counted.
 */
public interface ResourceAccess {

  /** Internal calls and requests not made on anyone's behalf see everything. */
  ResourceAccess UNRESTRICTED = type -> Optional.empty();

  /**
   * A condition on the current resources of {@code type} (alias {@code r}) that the caller may
   * read; empty when the caller may read all of them.
   */
  Optional<SqlCondition> readable(String type);

  static ResourceAccess of(RequestDetails request) {
    return request != null && request.getUserData().get(KEY) instanceof ResourceAccess access
        ? access
        : UNRESTRICTED;
  }

  static void set(RequestDetails request, ResourceAccess access) {
    request.getUserData().put(KEY, access);
  }

  String KEY = ResourceAccess.class.getName();
}
