package health.commonground.sandbox;

import health.commonground.security.RevokedAccessTokens;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
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
 *
 * <p>Refresh tokens rotate; a refresh token presented again after it was rotated out means it was
 * copied, so the grant's current refresh and access tokens are withdrawn too (OAuth 2.0 Security
 * BCP, refresh token reuse detection).
 */
final class SandboxAuthorizations implements OAuth2AuthorizationService, RevokedAccessTokens {

  private final OAuth2AuthorizationService stored = new InMemoryOAuth2AuthorizationService();

  /** Withdrawn access token → when it would have expired (then it needs no remembering). */
  private final Map<String, Instant> revoked = new ConcurrentHashMap<>();

  /** Rotated-out refresh token → the grant it belonged to, until it would have expired. */
  private final Map<String, RotatedOut> rotatedOut = new ConcurrentHashMap<>();

  private final Clock clock = Clock.systemUTC();

  private record RotatedOut(String authorizationId, Instant expires) {}

  @Override
  public void save(OAuth2Authorization authorization) {
    OAuth2Authorization before = stored.findById(authorization.getId());
    stored.save(authorization);
    if (before != null
        && before.getRefreshToken() != null
        && authorization.getRefreshToken() != null) {
      OAuth2RefreshToken old = before.getRefreshToken().getToken();
      if (!old.getTokenValue().equals(authorization.getRefreshToken().getToken().getTokenValue())) {
        Instant now = clock.instant();
        rotatedOut.values().removeIf(r -> r.expires().isBefore(now));
        rotatedOut.put(
            old.getTokenValue(),
            new RotatedOut(
                authorization.getId(),
                old.getExpiresAt() == null ? now.plusSeconds(3600) : old.getExpiresAt()));
      }
    }
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
    OAuth2Authorization found = stored.findByToken(token, tokenType);
    if (found == null
        && token != null
        && (tokenType == null || OAuth2TokenType.REFRESH_TOKEN.equals(tokenType))) {
      RotatedOut reused = rotatedOut.remove(token);
      if (reused != null) {
        withdrawGrant(reused.authorizationId());
      }
    }
    return found;
  }

  private void withdrawGrant(String authorizationId) {
    OAuth2Authorization current = stored.findById(authorizationId);
    if (current == null) {
      return;
    }
    OAuth2Authorization.Builder withdrawn = OAuth2Authorization.from(current);
    if (current.getRefreshToken() != null) {
      withdrawn.invalidate(current.getRefreshToken().getToken());
    }
    if (current.getAccessToken() != null) {
      withdrawn.invalidate(current.getAccessToken().getToken());
    }
    save(withdrawn.build());
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
