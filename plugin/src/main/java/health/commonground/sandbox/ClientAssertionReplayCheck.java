package health.commonground.sandbox;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * SMART Backend Services' rules for a client's authentication JWT, after the usual checks (iss,
 * sub, aud, expiry): its {@code exp} is at most five minutes ahead, and its {@code jti} is used
 * once: an assertion seen before is refused for as long as it would otherwise be valid.
 */
final class ClientAssertionReplayCheck implements OAuth2TokenValidator<Jwt> {

  /** SMART: "no more than five minutes in the future". */
  static final Duration MAX_LIFETIME = Duration.ofMinutes(5);

  /** Clocks of client and server differ a little. */
  private static final Duration CLOCK_SKEW = Duration.ofSeconds(30);

  /** jti (per client) → when its assertion expires; shared by all clients' decoders. */
  private final Map<String, Instant> seen;

  private final OAuth2TokenValidator<Jwt> usualChecks;
  private final Clock clock;

  ClientAssertionReplayCheck(
      OAuth2TokenValidator<Jwt> usualChecks, Map<String, Instant> seen, Clock clock) {
    this.usualChecks = usualChecks;
    this.seen = seen;
    this.clock = clock;
  }

  static Map<String, Instant> newMemory() {
    return new ConcurrentHashMap<>();
  }

  @Override
  public OAuth2TokenValidatorResult validate(Jwt assertion) {
    OAuth2TokenValidatorResult usual = usualChecks.validate(assertion);
    if (usual.hasErrors()) {
      return usual;
    }
    Instant now = clock.instant();
    Instant expires = assertion.getExpiresAt();
    if (expires == null || expires.isAfter(now.plus(MAX_LIFETIME).plus(CLOCK_SKEW))) {
      return refused("client_assertion's exp must be at most 5 minutes ahead");
    }
    String jti = assertion.getId();
    if (jti == null || jti.isBlank()) {
      return refused("client_assertion has no jti");
    }
    seen.values().removeIf(until -> until.isBefore(now));
    String key = assertion.getSubject() + " " + jti;
    if (seen.putIfAbsent(key, expires.plus(CLOCK_SKEW)) != null) {
      return refused("client_assertion was used before (jti " + jti + ")");
    }
    return OAuth2TokenValidatorResult.success();
  }

  private static OAuth2TokenValidatorResult refused(String description) {
    return OAuth2TokenValidatorResult.failure(
        new OAuth2Error(OAuth2ErrorCodes.INVALID_CLIENT, description, null));
  }
}
