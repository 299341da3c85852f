package health.commonground.security;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtValidationException;

/**
 * Checks a token's signature once and remembers the parsed token until it expires; the claims
 * (expiry, issuer, audience) are checked on every request.
 *
 * <p>Why: a client sends the same access token with every request until it expires, and the RSA
 * signature check was ~9 % of a read's CPU. The cache key is the whole token text, so a token with
 * any other byte (another signature included) is checked afresh. A token whose signing key is
 * withdrawn stays accepted until it expires, as a stateless resource server accepts it anyway.
 */
final class VerifiedTokenCache implements JwtDecoder {

  private final JwtDecoder signatureCheck;
  private final OAuth2TokenValidator<Jwt> claims;
  private final int capacity;
  private final Map<String, Jwt> verified = new ConcurrentHashMap<>();

  /**
   * @param signatureCheck parses the token and checks its signature, not its claims
   * @param claims the claim checks run on every use of a token
   * @param capacity tokens remembered at most (one per signed-in user or backend client)
   */
  VerifiedTokenCache(JwtDecoder signatureCheck, OAuth2TokenValidator<Jwt> claims, int capacity) {
    this.signatureCheck = signatureCheck;
    this.claims = claims;
    this.capacity = capacity;
  }

  @Override
  public Jwt decode(String token) throws JwtException {
    Jwt jwt = verified.get(token);
    if (jwt == null) {
      jwt = signatureCheck.decode(token);
      remember(token, jwt);
    }
    OAuth2TokenValidatorResult result = claims.validate(jwt);
    if (result.hasErrors()) {
      String description = result.getErrors().iterator().next().getDescription();
      throw new JwtValidationException(
          "An error occurred while attempting to decode the Jwt: " + description,
          result.getErrors());
    }
    return jwt;
  }

  private void remember(String token, Jwt jwt) {
    if (jwt.getExpiresAt() == null) {
      return;
    }
    if (verified.size() >= capacity) {
      Instant now = Instant.now();
      verified.values().removeIf(t -> t.getExpiresAt().isBefore(now));
      if (verified.size() >= capacity) {
        // Still full of live tokens: start again rather than keep an unbounded map.
        verified.clear();
      }
    }
    verified.put(token, jwt);
  }

  int size() {
    return verified.size();
  }
}
