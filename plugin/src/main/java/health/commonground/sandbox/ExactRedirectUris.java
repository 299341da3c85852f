package health.commonground.sandbox;

import java.util.function.Consumer;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationContext;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationException;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationValidator;

/**
 * An authorization request's {@code redirect_uri} must be one the client registered, character for
 * character. Spring Authorization Server otherwise lets a loopback redirect URI have any port (RFC
 * 8252 for native apps); our clients are web apps at a known address, so another port is another
 * program on the machine. A refusal is a 400 page, never a redirect to the URI that was refused.
 */
final class ExactRedirectUris
    implements Consumer<OAuth2AuthorizationCodeRequestAuthenticationContext> {

  /** The scope check as Spring Authorization Server has it, then the exact redirect URI. */
  static Consumer<OAuth2AuthorizationCodeRequestAuthenticationContext> validator() {
    return OAuth2AuthorizationCodeRequestAuthenticationValidator.DEFAULT_SCOPE_VALIDATOR.andThen(
        new ExactRedirectUris());
  }

  @Override
  public void accept(OAuth2AuthorizationCodeRequestAuthenticationContext context) {
    OAuth2AuthorizationCodeRequestAuthenticationToken request = context.getAuthentication();
    String requested = request.getRedirectUri();
    if (requested == null) {
      // Absent: allowed only when the client registered exactly one (checked as usual).
      OAuth2AuthorizationCodeRequestAuthenticationValidator.DEFAULT_REDIRECT_URI_VALIDATOR.accept(
          context);
      return;
    }
    if (!context.getRegisteredClient().getRedirectUris().contains(requested)) {
      OAuth2AuthorizationCodeRequestAuthenticationToken withoutRedirect =
          new OAuth2AuthorizationCodeRequestAuthenticationToken(
              request.getAuthorizationUri(),
              request.getClientId(),
              (org.springframework.security.core.Authentication) request.getPrincipal(),
              null,
              request.getState(),
              request.getScopes(),
              request.getAdditionalParameters());
      throw new OAuth2AuthorizationCodeRequestAuthenticationException(
          new OAuth2Error(
              OAuth2ErrorCodes.INVALID_REQUEST,
              "redirect_uri is not one registered for client " + request.getClientId(),
              null),
          withoutRedirect);
    }
  }
}
