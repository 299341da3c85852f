package health.commonground.smart;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * The realm a test Keycloak imports: the production realm file as committed, the demo users of the
 * demo overlay, and what an operator supplies at set-up, made fresh for this run: the client
 * secrets, the demo users' password and the backend service's key pair. Its public key is served on
 * loopback as a JWK Set, the URL reaching the realm through the {@code
 * COMMONGROUND_BACKEND_JWKS_URL} placeholder, as in production. Close it to stop that server.
 */
final class KeycloakTestRealm implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String clientSecret = random();
  private final String ehrLauncherSecret = random();
  private final String demoPassword = random();
  private final RSAKey backendKey;
  private HttpServer jwksServer;

  KeycloakTestRealm() {
    try {
      backendKey =
          new RSAKeyGenerator(2048)
              .keyID("backend-" + random().substring(0, 8))
              .keyUse(KeyUse.SIGNATURE)
              .algorithm(JWSAlgorithm.RS384)
              .generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The production realm file (failsafe's {@code keycloak.realm}). */
  static Path productionRealm() {
    return Path.of(
        System.getProperty("keycloak.realm", "../deploy/keycloak/realm-commonground.json"));
  }

  /** The demo users overlay (failsafe's {@code keycloak.demo-users}). */
  static Path demoUsers() {
    return Path.of(
        System.getProperty("keycloak.demo-users", "../deploy/keycloak/demo/demo-users.json"));
  }

  /** Writes the realm to import into {@code file}. */
  Path write(Path file) throws IOException {
    ObjectNode realm = (ObjectNode) JSON.readTree(productionRealm().toFile());
    for (var client : realm.withArray("clients")) {
      String id = client.path("clientId").asText();
      if (id.equals("common-ground")) {
        ((ObjectNode) client).put("secret", clientSecret);
      } else if (id.equals("ehr-launcher")) {
        ((ObjectNode) client).put("secret", ehrLauncherSecret);
      }
    }
    ArrayNode users = realm.withArray("users");
    for (var user : JSON.readTree(demoUsers().toFile()).path("users")) {
      ObjectNode demoUser = user.deepCopy();
      demoUser
          .putArray("credentials")
          .addObject()
          .put("type", "password")
          .put("value", demoPassword)
          .put("temporary", false);
      users.add(demoUser);
    }
    Files.createDirectories(file.getParent());
    JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), realm);
    return file;
  }

  /**
   * The environment Keycloak resolves the realm's placeholders from: the FHIR base URL (audience),
   * the app's base URL (redirect URIs), the public client's redirect URI and the backend's JWKS.
   */
  Map<String, String> environment(String fhirBase, String appBase) throws IOException {
    Map<String, String> environment = new HashMap<>();
    environment.put("COMMONGROUND_FHIR_BASE_URL", fhirBase);
    environment.put("COMMONGROUND_APP_BASE_URL", appBase);
    environment.put("COMMONGROUND_PUBLIC_CLIENT_REDIRECT_URI", publicClientRedirectUri(appBase));
    environment.put("COMMONGROUND_BACKEND_JWKS_URL", serveBackendJwks());
    return environment;
  }

  @Override
  public void close() {
    if (jwksServer != null) {
      jwksServer.stop(0);
    }
  }

  private synchronized String serveBackendJwks() throws IOException {
    if (jwksServer == null) {
      byte[] jwks =
          new JWKSet(backendKey.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
      jwksServer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      jwksServer.createContext(
          "/jwks",
          exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, jwks.length);
            exchange.getResponseBody().write(jwks);
            exchange.close();
          });
      jwksServer.start();
    }
    return "http://127.0.0.1:" + jwksServer.getAddress().getPort() + "/jwks";
  }

  static String publicClientRedirectUri(String appBase) {
    return appBase + "/public-client/callback";
  }

  String clientSecret() {
    return clientSecret;
  }

  String ehrLauncherSecret() {
    return ehrLauncherSecret;
  }

  String demoPassword() {
    return demoPassword;
  }

  RSAKey backendKey() {
    return backendKey;
  }

  private static String random() {
    byte[] bytes = new byte[24];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
