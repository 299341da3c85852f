package health.commonground.keycloak;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.keycloak.OAuthErrorException;
import org.keycloak.models.KeycloakSession;
import org.keycloak.protocol.oidc.endpoints.request.AuthorizationEndpointRequest;
import org.keycloak.representations.idm.ClientPolicyExecutorConfigurationRepresentation;
import org.keycloak.services.clientpolicy.ClientPolicyContext;
import org.keycloak.services.clientpolicy.ClientPolicyEvent;
import org.keycloak.services.clientpolicy.ClientPolicyException;
import org.keycloak.services.clientpolicy.context.AuthorizationRequestContext;
import org.keycloak.services.clientpolicy.executor.ClientPolicyExecutorProvider;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * Client-policy executor for SMART authorization requests. It refuses, with an OAuth error
 * redirected to the app, a request whose {@code aud} is not a FHIR server this realm protects
 * (realm attribute {@value #AUDIENCES_ATTRIBUTE}, space-separated) or whose {@code launch} is
 * unknown, used or expired; and it moves the launch's context into the authentication session, from
 * where {@link SmartLaunchContextMapper} puts it into the tokens.
 */
public class SmartLaunchExecutor
    implements ClientPolicyExecutorProvider<ClientPolicyExecutorConfigurationRepresentation> {

  static final String AUDIENCES_ATTRIBUTE = "smartAudiences";
  private static final Logger log = Logger.getLogger(SmartLaunchExecutor.class);

  private final KeycloakSession session;

  SmartLaunchExecutor(KeycloakSession session) {
    this.session = session;
  }

  @Override
  public String getProviderId() {
    return SmartLaunchExecutorFactory.ID;
  }

  @Override
  public void executeOnEvent(ClientPolicyContext context) throws ClientPolicyException {
    if (context.getEvent() != ClientPolicyEvent.AUTHORIZATION_REQUEST) {
      return;
    }
    AuthorizationRequestContext authorization = (AuthorizationRequestContext) context;
    AuthorizationEndpointRequest request = authorization.getAuthorizationEndpointRequest();
    Set<String> scopes = scopes(request.getScope());
    boolean smartRequest =
        scopes.stream()
            .anyMatch(
                s ->
                    s.equals("launch")
                        || s.startsWith("launch/")
                        || s.startsWith("patient/")
                        || s.startsWith("user/"));
    Map<String, String> params = request.getAdditionalReqParams();
    String aud = params == null ? null : params.get("aud");
    checkAudience(aud, smartRequest);

    if (!scopes.contains("launch")) {
      return;
    }
    String launch = params == null ? null : params.get("launch");
    if (launch == null || launch.isBlank()) {
      throw new ClientPolicyException(
          OAuthErrorException.INVALID_REQUEST,
          "The launch scope needs the EHR's launch parameter.");
    }
    Map<String, String> launchContext = LaunchContexts.consume(session, launch);
    if (launchContext == null) {
      throw new ClientPolicyException(
          OAuthErrorException.INVALID_REQUEST, "The launch is unknown, already used or expired.");
    }
    AuthenticationSessionModel authSession = authorization.getAuthenticationSession();
    if (authSession == null) {
      throw new ClientPolicyException(
          OAuthErrorException.SERVER_ERROR, "No authentication session for the launch.");
    }
    launchContext.forEach(
        (name, value) -> authSession.setClientNote(LaunchContexts.NOTE_PREFIX + name, value));
    log.debugf("SMART launch context attached for client %s", request.getClientId());
  }

  private void checkAudience(String aud, boolean smartRequest) throws ClientPolicyException {
    String configured = session.getContext().getRealm().getAttribute(AUDIENCES_ATTRIBUTE);
    if (configured == null || configured.isBlank()) {
      return;
    }
    Set<String> allowed =
        Arrays.stream(configured.trim().split("\\s+"))
            .map(SmartLaunchExecutor::normalize)
            .collect(Collectors.toSet());
    if (aud == null || aud.isBlank()) {
      if (smartRequest) {
        throw new ClientPolicyException(
            OAuthErrorException.INVALID_REQUEST,
            "A SMART request needs aud, the FHIR server's base URL.");
      }
      return;
    }
    if (!allowed.contains(normalize(aud))) {
      throw new ClientPolicyException(
          OAuthErrorException.INVALID_REQUEST,
          "aud does not name a FHIR server this realm protects.");
    }
  }

  private static Set<String> scopes(String scope) {
    return scope == null || scope.isBlank()
        ? Set.of()
        : Arrays.stream(scope.trim().split("\\s+")).collect(Collectors.toSet());
  }

  private static String normalize(String url) {
    String result = url.trim();
    while (result.endsWith("/")) {
      result = result.substring(0, result.length() - 1);
    }
    return result;
  }
}
