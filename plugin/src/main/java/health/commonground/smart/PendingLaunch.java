package health.commonground.smart;

import java.io.Serializable;
import java.time.Instant;

/**
 * A launch between the redirect to the authorization server and its return: what the callback
 * checks the answer against. Kept in the server session only.
 */
record PendingLaunch(
    String state,
    String codeVerifier,
    String ehrName,
    String iss,
    String redirectUri,
    LaunchMode mode,
    AppRole requestedRole,
    Instant startedAt)
    implements Serializable {

  @Override
  public String toString() {
    return "PendingLaunch[" + ehrName + ", " + mode + ", " + requestedRole + "]";
  }
}
