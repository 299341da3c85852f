package health.commonground.sandbox;

import health.commonground.security.ServerUrls;
import health.commonground.store.LocalReference;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AccessTokenAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.security.oauth2.server.authorization.web.authentication.OAuth2AccessTokenResponseAuthenticationSuccessHandler;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;

/**
 * SMART's additions to the sandbox's tokens. The access token is for the FHIR server ({@code aud} =
 * its base URL) and names the app ({@code client_id}), the user ({@code fhirUser}) and the patient
 * in context; the id token names the user; the token response carries the launch context ({@code
 * patient}, {@code encounter}, {@code need_patient_banner}, {@code smart_style_url}).
 */
class SmartTokens implements OAuth2TokenCustomizer<JwtEncodingContext> {

  private final ServerUrls urls;
  private final LaunchContexts launches;
  private final OAuth2AuthorizationService authorizations;

  SmartTokens(ServerUrls urls, LaunchContexts launches, OAuth2AuthorizationService authorizations) {
    this.urls = urls;
    this.launches = launches;
    this.authorizations = authorizations;
  }

  /** The context a SMART token carries, from the signed-in user and the EHR launch. */
  record SmartContext(
      String fhirUser, String patient, String encounter, LaunchContexts.Launch launch) {}

  @Override
  public void customize(JwtEncodingContext context) {
    Optional<SmartContext> smart =
        smartContext(context.getAuthorization(), context.getAuthorizedScopes());
    // The issuer as configured or bound at start-up, not as the token request's Host named it.
    context.getClaims().issuer(urls.issuer());
    if (OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType())) {
      context.getClaims().audience(List.of(urls.fhirBase()));
      context.getClaims().claim("client_id", context.getRegisteredClient().getClientId());
      smart.ifPresent(
          s -> {
            if (s.fhirUser() != null) {
              context.getClaims().claim("fhirUser", urls.fhirBase() + "/" + s.fhirUser());
            }
            if (s.patient() != null) {
              context.getClaims().claim("patient", s.patient());
            }
            if (s.encounter() != null) {
              context.getClaims().claim("encounter", s.encounter());
            }
          });
    } else if (OidcParameterNames.ID_TOKEN.equals(context.getTokenType().getValue())) {
      smart
          .map(SmartContext::fhirUser)
          .ifPresent(user -> context.getClaims().claim("fhirUser", urls.fhirBase() + "/" + user));
    }
  }

  private Optional<SmartContext> smartContext(
      OAuth2Authorization authorization, Set<String> scopes) {
    if (authorization == null) {
      return Optional.empty();
    }
    OAuth2AuthorizationRequest request =
        authorization.getAttribute(OAuth2AuthorizationRequest.class.getName());
    if (request == null) {
      return Optional.empty();
    }
    String user = authorization.getPrincipalName();
    Optional<LocalReference> userRef = LocalReference.parse(user);
    Object launchId = request.getAdditionalParameters().get("launch");
    // Only a launch this authorization redeemed: the clinician and the app it was minted for.
    Optional<LaunchContexts.Launch> launch =
        (launchId instanceof String id
                ? launches.redeemed(id)
                : Optional.<LaunchContexts.Launch>empty())
            .filter(
                l ->
                    userRef.isPresent()
                        && userRef.get().type().equals("Practitioner")
                        && userRef.get().id().equals(l.practitioner())
                        && l.clientId().equals(authorization.getRegisteredClientId()));
    String patient = launch.map(LaunchContexts.Launch::patient).orElse(null);
    if (patient == null
        && userRef.isPresent()
        && userRef.get().type().equals("Patient")
        && scopes.stream().anyMatch(s -> s.equals("launch/patient") || s.startsWith("patient/"))) {
      patient = userRef.get().id();
    }
    return Optional.of(
        new SmartContext(
            userRef.map(LocalReference::relative).orElse(null),
            patient,
            launch.map(LaunchContexts.Launch::encounter).orElse(null),
            launch.orElse(null)));
  }

  /** Puts the launch context beside the tokens in the token response, where SMART apps read it. */
  AuthenticationSuccessHandler responseHandler() {
    OAuth2AccessTokenResponseAuthenticationSuccessHandler handler =
        new OAuth2AccessTokenResponseAuthenticationSuccessHandler();
    handler.setAccessTokenResponseCustomizer(
        context -> {
          OAuth2AccessTokenAuthenticationToken token = context.getAuthentication();
          OAuth2AccessToken accessToken = token.getAccessToken();
          OAuth2Authorization authorization =
              authorizations.findByToken(accessToken.getTokenValue(), OAuth2TokenType.ACCESS_TOKEN);
          if (authorization == null) {
            return;
          }
          Optional<SmartContext> smart = smartContext(authorization, accessToken.getScopes());
          if (smart.isEmpty()) {
            return;
          }
          Map<String, Object> parameters = new HashMap<>(token.getAdditionalParameters());
          SmartContext s = smart.get();
          if (s.patient() != null) {
            parameters.put("patient", s.patient());
            parameters.put(
                "need_patient_banner", s.launch() == null || s.launch().needPatientBanner());
          }
          if (s.encounter() != null) {
            parameters.put("encounter", s.encounter());
          }
          String style =
              s.launch() != null && s.launch().smartStyleUrl() != null
                  ? s.launch().smartStyleUrl()
                  : urls.ownBase() + SandboxPages.STYLE_PATH;
          parameters.put("smart_style_url", style);
          if (s.fhirUser() != null) {
            parameters.put("fhirUser", urls.fhirBase() + "/" + s.fhirUser());
          }
          context.getAccessTokenResponse().additionalParameters(parameters);
        });
    return handler;
  }
}
