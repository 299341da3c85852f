package health.commonground.smart;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in EHR FHIR server: publishes a SMART configuration that points at Keycloak and answers
 * Patient reads made with a bearer token, remembering every token it was shown.
 */
final class FakeEhr {

  private static final Map<String, String> PATIENTS =
      Map.of("client-sam", "Sam Rivera", "client-lucia", "Lucía Fernández");

  private final HttpServer server;
  private final String realmUrl;
  final List<String> bearerTokens = new CopyOnWriteArrayList<>();

  FakeEhr(int port, String realmUrl) throws IOException {
    this.realmUrl = realmUrl;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    server.createContext("/fhir/.well-known/smart-configuration", this::smartConfiguration);
    server.createContext("/fhir/Patient/", this::patient);
  }

  String iss() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/fhir";
  }

  void start() {
    server.start();
  }

  void stop() {
    server.stop(0);
  }

  private void smartConfiguration(HttpExchange exchange) throws IOException {
    String oidc = realmUrl + "/protocol/openid-connect";
    String body =
        """
        {"issuer": "%s",
         "jwks_uri": "%s/certs",
         "authorization_endpoint": "%s/auth",
         "token_endpoint": "%s/token",
         "revocation_endpoint": "%s/revoke",
         "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
         "code_challenge_methods_supported": ["S256"],
         "token_endpoint_auth_methods_supported": ["client_secret_basic", "private_key_jwt"],
         "scopes_supported": ["openid", "fhirUser", "launch", "launch/patient"],
         "capabilities": ["launch-ehr", "launch-standalone", "client-confidential-symmetric",
           "context-ehr-patient", "context-standalone-patient", "permission-v2", "sso-openid-connect",
           "context-passthrough-banner", "context-passthrough-style"]}
        """
            .formatted(realmUrl, oidc, oidc, oidc, oidc);
    send(exchange, 200, "application/json", body);
  }

  private void patient(HttpExchange exchange) throws IOException {
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    if (authorization == null || !authorization.startsWith("Bearer ")) {
      send(exchange, 401, "application/fhir+json", "{\"resourceType\":\"OperationOutcome\"}");
      return;
    }
    bearerTokens.add(authorization.substring("Bearer ".length()));
    String id = exchange.getRequestURI().getPath().substring("/fhir/Patient/".length());
    String name = PATIENTS.get(id);
    if (name == null) {
      send(exchange, 404, "application/fhir+json", "{\"resourceType\":\"OperationOutcome\"}");
      return;
    }
    send(
        exchange,
        200,
        "application/fhir+json",
        "{\"resourceType\":\"Patient\",\"id\":\""
            + id
            + "\",\"name\":[{\"text\":\""
            + name
            + "\"}]}");
  }

  private static void send(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
