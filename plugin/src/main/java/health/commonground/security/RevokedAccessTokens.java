package health.commonground.security;

/**
 * Access tokens withdrawn before they expire (revoked at the authorization server, or issued from
 * an authorization code that was presented twice): the FHIR API refuses them like expired ones. The
 * built-in sandbox knows its own; with an external issuer none is known here and its tokens are
 * trusted until they expire.
 */
public interface RevokedAccessTokens {

  boolean isRevoked(String tokenValue);
}
