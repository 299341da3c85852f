package health.commonground.sandbox;

import health.commonground.security.RevokedAccessTokens;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.server.authorization.InMemoryOAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;

/**
 * The sandbox's authorizations (in memory), remembering every access token Spring Authorization
 * Server invalidates before it expires: on revocation ({@code /oauth2/revoke}; revoking a refresh
 * token withdraws its access token too) and when an authorization code is presented a second time
 * (the tokens issued from it are withdrawn, OAuth 2.0 Security BCP). The FHIR API asks it about
 * each token it is shown, as the tokens are JWTs it otherwise trusts until they expire.
 */
final class SandboxAuthorizations implements OAuth2AuthorizationService, RevokedAccessTokens {

  private final OAuth2AuthorizationService stored = new InMemoryOAuth2AuthorizationService();

  /** Withdrawn access token → when it would have expired (then it needs no remembering). */
  private final Map<String, Instant> revoked = new ConcurrentHashMap<>();

  private final Clock clock = Clock.systemUTC();

  @Override
  public void save(OAuth2Authorization authorization) {
    stored.save(authorization);
    OAuth2Authorization.Token<OAuth2AccessToken> access = authorization.getAccessToken();
    if (access != null && access.isInvalidated()) {
      withdraw(access.getToken());
    }
  }

  @Override
  public void remove(OAuth2Authorization authorization) {
    stored.remove(authorization);
    if (authorization.getAccessToken() != null) {
      withdraw(authorization.getAccessToken().getToken());
    }
  }

  @Override
  public OAuth2Authorization findById(String id) {
    return stored.findById(id);
  }

  @Override
  public OAuth2Authorization findByToken(String token, OAuth2TokenType tokenType) {
    return stored.findByToken(token, tokenType);
  }

  @Override
  public boolean isRevoked(String tokenValue) {
    return revoked.containsKey(tokenValue);
  }

  private void withdraw(OAuth2AccessToken token) {
    Instant now = clock.instant();
    revoked.values().removeIf(expires -> expires.isBefore(now));
    Instant expires = token.getExpiresAt() == null ? now.plusSeconds(3600) : token.getExpiresAt();
    if (expires.isAfter(now)) {
      revoked.put(token.getTokenValue(), expires);
    }
  }
}
