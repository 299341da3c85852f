package health.commonground.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import health.commonground.CommonGroundApplication;
import health.commonground.testing.SharedPostgres;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * The application started the way {@code deploy/} starts it: the image's ENV and the manifest's
 * environment, as environment variables, on a real PostgreSQL. Only what a test must change is
 * changed: loopback instead of every interface, a free port, the database and client secret a
 * Secret would give, and a stand-in for Keycloak on loopback at the issuer's place. There is no
 * sandbox: no sign-in page, no token endpoint, and no token but the issuer's is accepted.
 */
class DeploymentIT {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  private static HttpServer issuerServer;
  private static RSAKey issuerKey;
  private static String issuer;
  private static String fhirBase;
  private static ConfigurableApplicationContext application;
  private static String app;

  @BeforeAll
  static void startAsDeployed() throws Exception {
    issuerKey = new RSAKeyGenerator(2048).keyID("issuer-" + UUID.randomUUID()).generate();
    issuerServer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    issuer = "http://127.0.0.1:" + issuerServer.getAddress().getPort() + "/realms/commonground";
    serve(
        "/realms/commonground/.well-known/openid-configuration",
        "{\"issuer\":\""
            + issuer
            + "\",\"authorization_endpoint\":\""
            + issuer
            + "/protocol/openid-connect/auth\",\"token_endpoint\":\""
            + issuer
            + "/protocol/openid-connect/token\",\"jwks_uri\":\""
            + issuer
            + "/protocol/openid-connect/certs\",\"response_types_supported\":[\"code\"],"
            + "\"subject_types_supported\":[\"public\"],"
            + "\"id_token_signing_alg_values_supported\":[\"RS256\"]}");
    serve(
        "/realms/commonground/protocol/openid-connect/certs",
        new JWKSet(issuerKey.toPublicJWK()).toString());
    issuerServer.start();

    Map<String, Object> env = new LinkedHashMap<>(DeployFiles.dockerfileEnv());
    env.putAll(DeployFiles.manifestValues());
    assertThat(env)
        .containsKeys("COMMONGROUND_SECURITY_ISSUER_URI", "COMMONGROUND_FHIR_BASE_URL")
        .containsEntry("SPRING_PROFILES_ACTIVE", "postgres");
    fhirBase = (String) env.get("COMMONGROUND_FHIR_BASE_URL");
    env.put("COMMONGROUND_SECURITY_ISSUER_URI", issuer);
    env.put("SERVER_ADDRESS", "127.0.0.1");
    env.put("SERVER_PORT", "0");
    env.put("SPRING_DATASOURCE_URL", SharedPostgres.jdbcUrl("deployment"));
    env.put("SPRING_DATASOURCE_USERNAME", SharedPostgres.USER);
    env.put("SPRING_DATASOURCE_PASSWORD", SharedPostgres.USER);
    env.put("COMMONGROUND_SMART_EHRS_0_CLIENT_SECRET", UUID.randomUUID().toString());

    StandardEnvironment environment = new StandardEnvironment();
    environment
        .getPropertySources()
        .addFirst(new SystemEnvironmentPropertySource("deployment-systemEnvironment", env));
    SpringApplication spring = new SpringApplication(CommonGroundApplication.class);
    spring.setEnvironment(environment);
    application = spring.run();
    int port = ((WebServerApplicationContext) application).getWebServer().getPort();
    app = "http://127.0.0.1:" + port;
  }

  @AfterAll
  static void stop() {
    if (application != null) {
      application.close();
    }
    if (issuerServer != null) {
      issuerServer.stop(0);
    }
  }

  @Test
  void startsOnPostgresWithoutTheSandbox() {
    assertThat(application.getEnvironment().getActiveProfiles()).containsExactly("postgres");
    assertThat(application.getEnvironment().getProperty("commonground.sandbox.enabled"))
        .isEqualTo("false");
    assertThat(application.containsBean("sandboxSecurity")).isFalse();
    assertThat(application.containsBean("sandboxPages")).isFalse();
  }

  @Test
  void noSandboxSignInPageAndNoPatientListed() throws Exception {
    for (String path :
        new String[] {"/sandbox/login", "/sandbox/launch", "/sandbox/pick-patient"}) {
      HttpResponse<String> page = get(path, null);
      assertThat(page.statusCode()).as(path).isEqualTo(404);
      assertThat(page.headers().firstValue("Location")).as(path).isEmpty();
      assertThat(page.body()).as(path).doesNotContain("client-sam", "Sam Rivera", "MRN");
    }
  }

  @Test
  void noAuthorizationServerHere() throws Exception {
    HttpResponse<String> authorize =
        get(
            "/oauth2/authorize?response_type=code&client_id=common-ground"
                + "&redirect_uri=http%3A%2F%2F127.0.0.1%2Flaunch%2Fcallback"
                + "&code_challenge=abcdefghijklmnopqrstuvwxyzabcdefghijklmnopq"
                + "&code_challenge_method=S256",
            null);
    assertThat(authorize.statusCode()).isEqualTo(404);
    assertThat(authorize.headers().firstValue("Location")).isEmpty();

    HttpResponse<String> token =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(app + "/oauth2/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header(
                    "Authorization",
                    "Basic "
                        + java.util.Base64.getEncoder()
                            .encodeToString(
                                "common-ground:common-ground-sandbox-secret"
                                    .getBytes(StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(token.statusCode()).isIn(401, 403, 404);
    assertThat(token.body()).doesNotContain("access_token");
    assertThat(get("/oauth2/jwks", null).statusCode()).isIn(401, 404);
    assertThat(get("/.well-known/openid-configuration", null).body()).doesNotContain("issuer");
  }

  @Test
  void discoveryNamesKeycloakNotThisServer() throws Exception {
    HttpResponse<String> smart = get("/fhir/.well-known/smart-configuration", null);
    assertThat(smart.statusCode()).isEqualTo(200);
    assertThat(smart.body())
        .contains(issuer + "/protocol/openid-connect/auth")
        .doesNotContain("/oauth2/authorize");
  }

  @Test
  void theIssuersTokenIsAccepted() throws Exception {
    HttpResponse<String> read = get("/fhir/Patient", token(issuerKey, issuer));
    assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
  }

  @Test
  void aTokenFromNowhereIsRefused() throws Exception {
    RSAKey stranger = new RSAKeyGenerator(2048).keyID(issuerKey.getKeyID()).generate();
    assertThat(get("/fhir/Patient", token(stranger, issuer)).statusCode())
        .as("same issuer and key id, another key")
        .isEqualTo(401);
    assertThat(get("/fhir/Patient", token(issuerKey, app)).statusCode())
        .as("this server as issuer, as the sandbox would sign")
        .isEqualTo(401);
    assertThat(get("/fhir/Patient", null).statusCode()).isEqualTo(401);
  }

  private static String token(RSAKey key, String iss) throws JOSEException {
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
            new JWTClaimsSet.Builder()
                .issuer(iss)
                .subject("backend")
                .audience(fhirBase)
                .claim("azp", "common-ground-backend")
                .claim("client_id", "common-ground-backend")
                .claim("scope", "system/*.rs")
                .issueTime(new Date())
                .expirationTime(Date.from(Instant.now().plusSeconds(300)))
                .jwtID(UUID.randomUUID().toString())
                .build());
    jwt.sign(new RSASSASigner(key));
    return jwt.serialize();
  }

  private static HttpResponse<String> get(String path, String bearer) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(app + path)).GET();
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void serve(String path, String json) {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    issuerServer.createContext(
        path,
        exchange -> {
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
  }
}
