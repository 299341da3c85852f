package health.commonground.security;

import ca.uhn.fhir.rest.api.server.RequestDetails;

/**
 * Where the acting user of a request comes from. Authentication puts it on the request; requests
 * without one act as the system.
 */
public final class ActingUsers {

  private static final String KEY = ActingUser.class.getName();

  private ActingUsers() {}

  public static ActingUser of(RequestDetails request) {
    Object user = request == null ? null : request.getUserData().get(KEY);
    return user instanceof ActingUser actingUser ? actingUser : ActingUser.SYSTEM;
  }

  public static void set(RequestDetails request, ActingUser user) {
    request.getUserData().put(KEY, user);
  }
}
