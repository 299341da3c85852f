package health.commonground.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;

/**
 * {@code /fhir/.well-known/smart-configuration} as SMART App Launch 2.x defines it: where to
 * authorize and get tokens, and what this server supports. Served beside the FHIR servlet (an exact
 * mapping wins over its {@code /fhir/*}).
 */
class SmartConfigurationServlet extends HttpServlet {

  static final List<String> CAPABILITIES =
      List.of(
          "launch-ehr",
          "launch-standalone",
          "client-public",
          "client-confidential-symmetric",
          "client-confidential-asymmetric",
          "context-ehr-patient",
          "context-ehr-encounter",
          "context-standalone-patient",
          "context-passthrough-banner",
          "context-passthrough-style",
          "permission-patient",
          "permission-user",
          "permission-v1",
          "permission-v2",
          "permission-offline",
          "sso-openid-connect",
          "authorize-post");

  private final transient ObjectProvider<AuthorizationServerEndpoints> endpoints;
  private final transient ObjectMapper json;

  SmartConfigurationServlet(
      ObjectProvider<AuthorizationServerEndpoints> endpoints, ObjectMapper json) {
    this.endpoints = endpoints;
    this.json = json;
  }

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    AuthorizationServerEndpoints server = endpoints.getIfAvailable();
    if (server == null) {
      response.sendError(
          HttpServletResponse.SC_NOT_FOUND,
          "No authorization server: set commonground.security.issuer-uri or enable the sandbox");
      return;
    }
    Map<String, Object> metadata = server.metadata();
    Map<String, Object> smart = new LinkedHashMap<>();
    smart.put("issuer", metadata.get("issuer"));
    smart.put("jwks_uri", metadata.get("jwks_uri"));
    smart.put("authorization_endpoint", metadata.get("authorization_endpoint"));
    smart.put("token_endpoint", metadata.get("token_endpoint"));
    putIfPresent(smart, metadata, "introspection_endpoint");
    putIfPresent(smart, metadata, "revocation_endpoint");
    putIfPresent(smart, metadata, "userinfo_endpoint");
    putIfPresent(smart, metadata, "end_session_endpoint");
    smart.put(
        "grant_types_supported",
        List.of("authorization_code", "client_credentials", "refresh_token"));
    smart.put(
        "token_endpoint_auth_methods_supported",
        List.of("client_secret_basic", "client_secret_post", "private_key_jwt"));
    smart.put("token_endpoint_auth_signing_alg_values_supported", List.of("RS384", "ES384"));
    smart.put("scopes_supported", SmartScopes.supported());
    smart.put("response_types_supported", List.of("code"));
    smart.put("capabilities", CAPABILITIES);
    smart.put("code_challenge_methods_supported", List.of("S256"));
    response.setStatus(200);
    response.setContentType("application/json");
    response.setCharacterEncoding("UTF-8");
    json.writeValue(response.getOutputStream(), smart);
  }

  private static void putIfPresent(
      Map<String, Object> target, Map<String, Object> source, String key) {
    if (source.get(key) != null) {
      target.put(key, source.get(key));
    }
  }
}
