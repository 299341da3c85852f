package health.commonground.keycloak;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RoleModel;
import org.keycloak.services.managers.AppAuthManager;
import org.keycloak.services.managers.AuthenticationManager;

/**
 * {@code POST /realms/{realm}/smart-launch/launches}: an EHR registers the context of a launch
 * (patient, encounter, banner, style, fhirContext) and gets back the opaque {@code launch} id it
 * passes to the app. The caller authenticates with a bearer token of a user or service account
 * holding the realm role {@value #REGISTRAR_ROLE}.
 */
public class SmartLaunchResource {

  static final String REGISTRAR_ROLE = "smart-launch-registrar";
  private static final Logger log = Logger.getLogger(SmartLaunchResource.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final KeycloakSession session;
  private final long lifespanSeconds;

  SmartLaunchResource(KeycloakSession session, long lifespanSeconds) {
    this.session = session;
    this.lifespanSeconds = lifespanSeconds;
  }

  @POST
  @Path("launches")
  @Consumes(MediaType.APPLICATION_JSON)
  @Produces(MediaType.APPLICATION_JSON)
  public Response register(String body) {
    AuthenticationManager.AuthResult auth =
        new AppAuthManager.BearerTokenAuthenticator(session).authenticate();
    if (auth == null) {
      return error(Response.Status.UNAUTHORIZED, "invalid_token", "A bearer token is required.");
    }
    RoleModel registrar = session.getContext().getRealm().getRole(REGISTRAR_ROLE);
    if (registrar == null || !auth.getUser().hasRole(registrar)) {
      return error(
          Response.Status.FORBIDDEN, "insufficient_scope", "The caller may not register launches.");
    }
    Map<String, String> context;
    try {
      context = parse(body);
    } catch (IllegalArgumentException e) {
      return error(Response.Status.BAD_REQUEST, "invalid_request", e.getMessage());
    }
    String launch = LaunchContexts.register(session, context, lifespanSeconds);
    log.debugf(
        "Launch context registered by %s",
        auth.getClient() == null ? "?" : auth.getClient().getClientId());
    return Response.ok(Map.of("launch", launch, "expires_in", lifespanSeconds)).build();
  }

  static Map<String, String> parse(String body) {
    JsonNode root;
    try {
      root = JSON.readTree(body == null ? "" : body);
    } catch (IOException e) {
      throw new IllegalArgumentException("The body is not JSON.");
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("The body must be a JSON object.");
    }
    Map<String, String> context = new HashMap<>();
    for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!LaunchContexts.FIELDS.contains(name)) {
        throw new IllegalArgumentException("Unknown launch context field: " + name);
      }
      JsonNode value = root.get(name);
      switch (name) {
        case LaunchContexts.PATIENT, LaunchContexts.ENCOUNTER -> {
          if (!value.isTextual() || !LaunchContexts.FHIR_ID.matcher(value.asText()).matches()) {
            throw new IllegalArgumentException(name + " must be a FHIR resource id.");
          }
          context.put(name, value.asText());
        }
        case LaunchContexts.NEED_PATIENT_BANNER -> {
          if (!value.isBoolean()) {
            throw new IllegalArgumentException(name + " must be true or false.");
          }
          context.put(name, Boolean.toString(value.asBoolean()));
        }
        case LaunchContexts.FHIR_CONTEXT -> {
          if (!value.isArray()) {
            throw new IllegalArgumentException(name + " must be an array.");
          }
          context.put(name, value.toString());
        }
        default -> {
          if (!value.isTextual() || value.asText().length() > 2000) {
            throw new IllegalArgumentException(name + " must be a string.");
          }
          context.put(name, value.asText());
        }
      }
    }
    return context;
  }

  private static Response error(Response.Status status, String error, String description) {
    return Response.status(status)
        .type(MediaType.APPLICATION_JSON)
        .entity(Map.of("error", error, "error_description", description))
        .build();
  }
}
