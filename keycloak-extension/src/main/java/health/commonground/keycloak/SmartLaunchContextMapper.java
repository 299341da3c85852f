package health.commonground.keycloak;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.keycloak.models.AuthenticatedClientSessionModel;
import org.keycloak.models.ClientSessionContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ProtocolMapperModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.protocol.oidc.mappers.AbstractOIDCProtocolMapper;
import org.keycloak.protocol.oidc.mappers.OIDCAccessTokenMapper;
import org.keycloak.protocol.oidc.mappers.OIDCAccessTokenResponseMapper;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.representations.AccessToken;
import org.keycloak.representations.AccessTokenResponse;

/**
 * Puts the SMART launch context into the token response ({@code patient}, {@code encounter}, {@code
 * need_patient_banner}, {@code smart_style_url}, {@code fhirContext}, {@code intent}) and the
 * patient into the access token. The context comes from the EHR launch (notes left by {@link
 * SmartLaunchExecutor}); for a standalone launch with {@code launch/patient} the patient is the
 * signed-in user's own, from the user attribute {@value #FHIR_USER_ATTRIBUTE} when it names a
 * Patient. Refreshed tokens keep the context because the notes live in the client session.
 */
public class SmartLaunchContextMapper extends AbstractOIDCProtocolMapper
    implements OIDCAccessTokenMapper, OIDCAccessTokenResponseMapper {

  static final String ID = "smart-launch-context-mapper";
  static final String FHIR_USER_ATTRIBUTE = "fhirUser";
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public String getId() {
    return ID;
  }

  @Override
  public String getDisplayCategory() {
    return TOKEN_MAPPER_CATEGORY;
  }

  @Override
  public String getDisplayType() {
    return "SMART launch context";
  }

  @Override
  public String getHelpText() {
    return "Adds the SMART launch context (patient, encounter, banner, style, fhirContext) to the token"
        + " response and the patient to the access token.";
  }

  @Override
  public List<ProviderConfigProperty> getConfigProperties() {
    return List.of();
  }

  @Override
  public AccessToken transformAccessToken(
      AccessToken token,
      ProtocolMapperModel model,
      KeycloakSession session,
      UserSessionModel userSession,
      ClientSessionContext clientSessionCtx) {
    String patient = patient(userSession, clientSessionCtx);
    if (patient != null) {
      token.getOtherClaims().put(LaunchContexts.PATIENT, patient);
    }
    String encounter = note(clientSessionCtx, LaunchContexts.ENCOUNTER);
    if (encounter != null) {
      token.getOtherClaims().put(LaunchContexts.ENCOUNTER, encounter);
    }
    return token;
  }

  @Override
  public AccessTokenResponse transformAccessTokenResponse(
      AccessTokenResponse response,
      ProtocolMapperModel model,
      KeycloakSession session,
      UserSessionModel userSession,
      ClientSessionContext clientSessionCtx) {
    String patient = patient(userSession, clientSessionCtx);
    if (patient != null) {
      response.setOtherClaims(LaunchContexts.PATIENT, patient);
    }
    putText(response, clientSessionCtx, LaunchContexts.ENCOUNTER);
    putText(response, clientSessionCtx, LaunchContexts.SMART_STYLE_URL);
    putText(response, clientSessionCtx, LaunchContexts.INTENT);
    String banner = note(clientSessionCtx, LaunchContexts.NEED_PATIENT_BANNER);
    if (banner != null) {
      response.setOtherClaims(LaunchContexts.NEED_PATIENT_BANNER, Boolean.parseBoolean(banner));
    }
    String fhirContext = note(clientSessionCtx, LaunchContexts.FHIR_CONTEXT);
    if (fhirContext != null) {
      try {
        response.setOtherClaims(
            LaunchContexts.FHIR_CONTEXT, JSON.readValue(fhirContext, List.class));
      } catch (IOException e) {
        // Registered contexts are validated JSON arrays; an unreadable one is left out.
      }
    }
    return response;
  }

  private static String patient(
      UserSessionModel userSession, ClientSessionContext clientSessionCtx) {
    String launched = note(clientSessionCtx, LaunchContexts.PATIENT);
    if (launched != null) {
      return launched;
    }
    if (!scopes(clientSessionCtx).contains("launch/patient") || userSession == null) {
      return null;
    }
    UserModel user = userSession.getUser();
    String fhirUser = user == null ? null : user.getFirstAttribute(FHIR_USER_ATTRIBUTE);
    return patientId(fhirUser);
  }

  /** The id of a Patient reference or URL such as {@code https://ehr/fhir/Patient/123}. */
  static String patientId(String fhirUser) {
    if (fhirUser == null) {
      return null;
    }
    int at = fhirUser.lastIndexOf("Patient/");
    if (at < 0 || (at > 0 && fhirUser.charAt(at - 1) != '/')) {
      return null;
    }
    String id = fhirUser.substring(at + "Patient/".length());
    return LaunchContexts.FHIR_ID.matcher(id).matches() ? id : null;
  }

  private static Set<String> scopes(ClientSessionContext clientSessionCtx) {
    String scope = clientSessionCtx.getScopeString();
    return scope == null
        ? Set.of()
        : Arrays.stream(scope.trim().split("\\s+")).collect(Collectors.toSet());
  }

  private static void putText(
      AccessTokenResponse response, ClientSessionContext clientSessionCtx, String name) {
    String value = note(clientSessionCtx, name);
    if (value != null) {
      response.setOtherClaims(name, value);
    }
  }

  private static String note(ClientSessionContext clientSessionCtx, String name) {
    AuthenticatedClientSessionModel clientSession = clientSessionCtx.getClientSession();
    return clientSession == null ? null : clientSession.getNote(LaunchContexts.NOTE_PREFIX + name);
  }
}
