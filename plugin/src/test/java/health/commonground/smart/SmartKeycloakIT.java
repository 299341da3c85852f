package health.commonground.smart;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.slf4j.LoggerFactory;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * SMART launches in headless Chromium against a real Keycloak with our realm and extension: EHR and
 * standalone launch, clinician and client, and the ways a launch must fail.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SmartKeycloakIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final KeycloakTestRealm REALM = new KeycloakTestRealm();
  private static final String PASSWORD = REALM.demoPassword();
  private static final String FRAMING_EHR = "https://ehr.example.org";
  private static final Path APP_LOG = Path.of("target/smart-it/app.log");
  private static final Pattern JWT =
      Pattern.compile("eyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.");

  private static final int APP_PORT = freePort();
  private static final int KC_PORT = freePort();
  private static final int KC_MANAGEMENT_PORT = freePort();
  private static final int EHR_PORT = freePort();
  private static final String APP = "http://127.0.0.1:" + APP_PORT;
  private static final String KC = "http://127.0.0.1:" + KC_PORT;

  private static KeycloakServer keycloak;
  private static FileAppender<ILoggingEvent> logCapture;
  private static FakeEhr ehr;
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final List<String> TOKENS_ISSUED = new ArrayList<>();

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("server.port", () -> APP_PORT);
    registry.add(
        "spring.datasource.url",
        () ->
            "jdbc:h2:mem:smartit;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1");
    registry.add("commonground.demo.enabled", () -> "false");
    registry.add("commonground.smart.app-base-url", () -> APP);
    registry.add("commonground.smart.ehrs[0].name", () -> "Test EHR");
    registry.add("commonground.smart.ehrs[0].iss", () -> "http://127.0.0.1:" + EHR_PORT + "/fhir");
    registry.add("commonground.smart.ehrs[0].client-id", () -> "common-ground");
    registry.add("commonground.smart.ehrs[0].client-secret", REALM::clientSecret);
    registry.add("commonground.smart.ehrs[0].frame-ancestors[0]", () -> FRAMING_EHR);
    // Keycloak's access tokens live 300 s: with this skew every page load after 5 s refreshes.
    registry.add("commonground.smart.refresh-skew", () -> "295s");
    registry.add("spring.session.timeout", () -> "20s");
  }

  @BeforeAll
  static void startKeycloakAndEhr() throws Exception {
    Files.deleteIfExists(APP_LOG);
    keycloak =
        new KeycloakServer(
            Path.of(System.getProperty("keycloak.home", "target/keycloak/keycloak-26.5.6")),
            KC_PORT,
            KC_MANAGEMENT_PORT,
            Path.of("target/smart-it/keycloak.log"));
    ehr = new FakeEhr(EHR_PORT, keycloak.realmUrl());
    ehr.start();
    long started = System.nanoTime();
    keycloak.start(
        REALM.write(Path.of("target/smart-it/realm-commonground.json")),
        Path.of(System.getProperty("keycloak.extension")),
        REALM.environment(ehr.iss(), APP));
    System.out.printf("Keycloak ready in %d s%n", (System.nanoTime() - started) / 1_000_000_000);
  }

  @AfterAll
  static void stopKeycloakAndEhr() throws Exception {
    if (logCapture != null) {
      logCapture.stop();
      ((LoggerContext) LoggerFactory.getILoggerFactory())
          .getLogger(Logger.ROOT_LOGGER_NAME)
          .detachAppender(logCapture);
    }
    if (keycloak != null) {
      keycloak.stop();
    }
    REALM.close();
    if (ehr != null) {
      ehr.stop();
    }
  }

  @Test
  @Order(1)
  void ehrLaunchAsClinicianShowsPatientFromLaunchContext() throws Exception {
    String launch =
        registerLaunch(
            "{\"patient\":\"client-sam\",\"encounter\":\"enc-1\",\"need_patient_banner\":true,"
                + "\"smart_style_url\":\"https://ehr.example.org/style.json\"}");
    try (Browser browser = new Browser()) {
      browser.open(APP + "/launch?iss=" + enc(ehr.iss()) + "&launch=" + enc(launch));
      assertThat(browser.url())
          .startsWith(KC + "/realms/commonground/protocol/openid-connect/auth");
      assertThat(query(browser.url(), "code_challenge_method")).isEqualTo("S256");
      assertThat(query(browser.url(), "aud")).isEqualTo(ehr.iss());
      assertThat(query(browser.url(), "launch")).isEqualTo(launch);
      assertThat(query(browser.url(), "state")).hasSizeGreaterThanOrEqualTo(22);
      browser.keycloakLogin("therapist-okafor", PASSWORD, KC);
      browser.waitFor(By.id("signed-in"));
      browser.record();
      assertThat(browser.url()).isEqualTo(APP + "/app");
      assertThat(browser.text(By.id("user-role"))).isEqualTo("clinician");
      assertThat(browser.text(By.id("user-name"))).isEqualTo("Ada Okafor");
      assertThat(browser.text(By.id("fhir-user")))
          .isEqualTo(ehr.iss() + "/Practitioner/therapist-okafor");
      assertThat(browser.text(By.id("patient-id"))).isEqualTo("client-sam");
      assertThat(browser.text(By.id("patient-name"))).isEqualTo("Sam Rivera");
      assertThat(browser.text(By.id("encounter-id"))).isEqualTo("enc-1");
      assertThat(browser.present(By.id("patient-banner"))).isTrue();
      assertThat(browser.text(By.id("launch-mode"))).isEqualTo("ehr");
      browser.screenshot("keycloak-ehr-launch-clinician");
    }
    JsonNode accessToken = lastAccessTokenClaims();
    assertThat(accessToken.path("aud").toString()).contains(ehr.iss());
    assertThat(accessToken.path("patient").asText()).isEqualTo("client-sam");
    assertThat(accessToken.path("scope").asText()).contains("launch", "user/Goal.cruds");
  }

  @Test
  @Order(2)
  void ehrLaunchAsClientFromPortal() throws Exception {
    String launch = registerLaunch("{\"patient\":\"client-sam\",\"need_patient_banner\":false}");
    try (Browser browser = new Browser()) {
      browser.open(APP + "/launch?iss=" + enc(ehr.iss()) + "&launch=" + enc(launch));
      browser.keycloakLogin("client-sam", PASSWORD, KC);
      browser.waitFor(By.id("signed-in"));
      browser.record();
      assertThat(browser.text(By.id("user-role"))).isEqualTo("client");
      assertThat(browser.text(By.id("patient-id"))).isEqualTo("client-sam");
      assertThat(browser.present(By.id("patient-banner"))).isFalse();
      browser.screenshot("keycloak-ehr-launch-client");
    }
  }

  @Test
  @Order(3)
  void standaloneLaunchAsClinicianHasNoPatientAndRefreshesItsToken() throws Exception {
    try (Browser browser = new Browser()) {
      browser.open(APP + "/launch/standalone?iss=" + enc(ehr.iss()) + "&role=clinician");
      assertThat(query(browser.url(), "launch")).isNull();
      browser.keycloakLogin("another-therapist", PASSWORD, KC);
      browser.waitFor(By.id("signed-in"));
      browser.record();
      assertThat(browser.text(By.id("user-role"))).isEqualTo("clinician");
      assertThat(browser.text(By.id("launch-mode"))).isEqualTo("standalone");
      assertThat(browser.present(By.id("no-patient"))).isTrue();
      assertThat(browser.text(By.id("refresh-count"))).isEqualTo("0");
      Thread.sleep(6000);
      browser.open(APP + "/app");
      assertThat(browser.text(By.id("refresh-count"))).isEqualTo("1");
      browser.screenshot("keycloak-standalone-clinician");
    }
  }

  @Test
  @Order(4)
  void standaloneLaunchAsClientTakesThePatientFromTheUser() throws Exception {
    try (Browser browser = new Browser()) {
      browser.open(APP + "/launch/standalone?iss=" + enc(ehr.iss()) + "&role=client");
      assertThat(query(browser.url(), "scope")).contains("launch/patient");
      browser.keycloakLogin("client-lucia", PASSWORD, KC);
      browser.waitFor(By.id("signed-in"));
      browser.record();
      assertThat(browser.text(By.id("user-role"))).isEqualTo("client");
      assertThat(browser.text(By.id("patient-id"))).isEqualTo("client-lucia");
      assertThat(browser.text(By.id("patient-name"))).isEqualTo("Lucía Fernández");
      browser.screenshot("keycloak-standalone-client");
    }
  }

  @Test
  @Order(10)
  void callbackWithoutStateIsRefused() throws Exception {
    try (Browser browser = new Browser()) {
      browser.open(APP + "/launch/callback?code=abc");
      assertThat(browser.text(By.id("error-message"))).contains("no state");
      browser.open(APP + "/app");
      assertThat(browser.url()).startsWith(APP + "/launch/ended");
    }
  }

  @Test
  @Order(11)
  void callbackWithAnotherStateIsRefused() throws Exception {
    try (Browser browser = new Browser()) {
      browser.open(APP + "/launch/standalone?iss=" + enc(ehr.iss()) + "&role=clinician");
      browser.open(withQuery(browser.url(), "state", "forged-" + UUID.randomUUID()));
      browser.keycloakLogin("therapist-okafor", PASSWORD, KC);
      assertThat(browser.url()).startsWith(APP + "/launch/callback");
      assertThat(browser.text(By.id("error-message"))).contains("state does not match");
      browser.screenshot("keycloak-wrong-state");
      browser.open(APP + "/app");
      assertThat(browser.url()).startsWith(APP + "/launch/ended");
    }
  }

  @Test
  @Order(12)
  void plainPkceAndMissingPkceAreRefusedByKeycloak() throws Exception {
    try (Browser browser = new Browser()) {
      browser.open(APP + "/launch/standalone?iss=" + enc(ehr.iss()) + "&role=clinician");
      String plain = withQuery(browser.url(), "code_challenge_method", "plain");
      browser.open(withQuery(plain, "code_challenge", "a".repeat(50)));
      assertThat(browser.url()).startsWith(APP + "/launch/callback");
      assertThat(query(browser.url(), "error")).isEqualTo("invalid_request");
      assertThat(browser.text(By.id("error-message")))
          .contains("refused the launch: invalid_request");

      browser.open(APP + "/launch/standalone?iss=" + enc(ehr.iss()) + "&role=clinician");
      browser.open(
          withoutQuery(withoutQuery(browser.url(), "code_challenge"), "code_challenge_method"));
      assertThat(query(browser.url(), "error")).isEqualTo("invalid_request");
      assertThat(browser.text(By.id("error-message"))).contains("refused the launch");
    }
  }

  @Test
  @Order(13)
  void wrongCodeVerifierIsRefusedByKeycloak() throws Exception {
    String verifier = Pkce.newVerifier();
    String authorize =
        UriComponentsBuilder.fromUriString(keycloak.realmUrl() + "/protocol/openid-connect/auth")
            .queryParam("response_type", "code")
            .queryParam("client_id", "common-ground")
            .queryParam("redirect_uri", APP + "/launch/callback")
            .queryParam("scope", "openid fhirUser")
            .queryParam("state", "test-" + UUID.randomUUID())
            .queryParam("aud", ehr.iss())
            .queryParam("code_challenge", Pkce.s256(verifier))
            .queryParam("code_challenge_method", "S256")
            .encode()
            .toUriString();
    String code;
    try (Browser browser = new Browser()) {
      browser.open(authorize);
      browser.keycloakLogin("therapist-okafor", PASSWORD, KC);
      code = query(browser.url(), "code");
      // The app never started this launch: it must not accept its answer either.
      assertThat(browser.text(By.id("error-message")))
          .contains("does not belong to an open launch");
    }
    assertThat(code).isNotBlank();
    HttpResponse<String> wrong = tokenRequest(code, Pkce.newVerifier());
    assertThat(wrong.statusCode()).isEqualTo(400);
    assertThat(wrong.body()).contains("invalid_grant");
  }

  @Test
  @Order(14)
  void wrongAudienceUnknownIssAndUnknownLaunchAreRefused() throws Exception {
    try (Browser browser = new Browser()) {
      browser.open(APP + "/launch/standalone?iss=" + enc(ehr.iss()) + "&role=clinician");
      browser.open(withQuery(browser.url(), "aud", "http://127.0.0.1:1/other/fhir"));
      assertThat(browser.url()).startsWith(APP + "/launch/callback");
      assertThat(query(browser.url(), "error")).isEqualTo("invalid_request");
      assertThat(browser.text(By.id("error-message"))).contains("refused the launch");
      browser.screenshot("keycloak-wrong-aud");

      browser.open(APP + "/launch?iss=" + enc("http://127.0.0.1:1/fhir") + "&launch=x");
      assertThat(browser.text(By.id("error-message"))).contains("not registered");

      browser.open(APP + "/launch?iss=" + enc(ehr.iss()) + "&launch=never-registered");
      assertThat(query(browser.url(), "error")).isEqualTo("invalid_request");
      assertThat(browser.text(By.id("error-message"))).contains("refused the launch");
    }
    String used = registerLaunch("{\"patient\":\"client-sam\"}");
    try (Browser browser = new Browser()) {
      browser.open(APP + "/launch?iss=" + enc(ehr.iss()) + "&launch=" + enc(used));
      browser.keycloakLogin("therapist-okafor", PASSWORD, KC);
      browser.waitFor(By.id("signed-in"));
    }
    try (Browser browser = new Browser()) {
      browser.open(APP + "/launch?iss=" + enc(ehr.iss()) + "&launch=" + enc(used));
      assertThat(query(browser.url(), "error"))
          .as("a launch id works once")
          .isEqualTo("invalid_request");
    }
  }

  @Test
  @Order(15)
  void sessionEndsAfterInactivity() throws Exception {
    try (Browser browser = new Browser()) {
      browser.open(APP + "/launch/standalone?iss=" + enc(ehr.iss()) + "&role=client");
      browser.keycloakLogin("client-sam", PASSWORD, KC);
      browser.waitFor(By.id("signed-in"));
      Thread.sleep(22_000);
      browser.open(APP + "/app");
      assertThat(browser.url()).isEqualTo(APP + "/launch/ended?reason=expired");
      assertThat(browser.text(By.tagName("h1"))).isEqualTo("Your session has ended");
      browser.screenshot("session-expired");
    }
  }

  @Test
  @Order(16)
  void postWithoutCsrfTokenIsRefusedAndLogoutWithItWorks() throws Exception {
    try (Browser browser = new Browser()) {
      browser.open(APP + "/launch/standalone?iss=" + enc(ehr.iss()) + "&role=clinician");
      browser.keycloakLogin("therapist-okafor", PASSWORD, KC);
      browser.waitFor(By.id("signed-in"));
      String session = browser.cookie("CGSESSION");
      assertThat(session).isNotBlank();

      HttpResponse<String> forged =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(APP + "/logout"))
                  .header("Cookie", "CGSESSION=" + session)
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .POST(HttpRequest.BodyPublishers.ofString(""))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(forged.statusCode()).isEqualTo(403);
      HttpResponse<String> stillIn = get(APP + "/app", session);
      assertThat(stillIn.statusCode()).isEqualTo(200);
      assertThat(stillIn.body()).contains("signed-in");

      browser.driver().findElement(By.id("logout")).click();
      browser.waitFor(By.id("session-ended"));
      assertThat(browser.text(By.tagName("h1"))).isEqualTo("You are signed out");
      browser.open(APP + "/app");
      assertThat(browser.url()).startsWith(APP + "/launch/ended");
      assertThat(get(APP + "/app", session).statusCode()).isEqualTo(302);
    }
  }

  @Test
  @Order(17)
  void securityHeadersAndCookieAttributes() throws Exception {
    HttpResponse<String> home = get(APP + "/launch/start", null);
    assertThat(home.statusCode()).isEqualTo(200);
    assertThat(home.headers().firstValue("Content-Security-Policy").orElseThrow())
        .contains("frame-ancestors 'self' " + FRAMING_EHR)
        .contains("default-src 'self'");
    assertThat(home.headers().firstValue("Strict-Transport-Security").orElseThrow())
        .contains("max-age=31536000");
    assertThat(home.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(home.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
    assertThat(home.headers().firstValue("X-Frame-Options")).isEmpty();

    HttpResponse<String> launch =
        get(APP + "/launch/standalone?iss=" + enc(ehr.iss()) + "&role=client", null);
    assertThat(launch.statusCode()).isEqualTo(302);
    String cookie =
        launch.headers().allValues("Set-Cookie").stream()
            .filter(c -> c.startsWith("CGSESSION="))
            .findFirst()
            .orElseThrow();
    assertThat(cookie).contains("HttpOnly").contains("SameSite=Lax").doesNotContain("Secure");

    HttpResponse<String> health = get(APP + "/actuator/health", null);
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(get(APP + "/actuator/env", null).statusCode()).isEqualTo(404);
  }

  @Test
  @Order(18)
  void backendServiceGetsSystemScopesWithPrivateKeyJwtAndLaunchRegistrationIsGuarded()
      throws Exception {
    String tokenEndpoint = keycloak.realmUrl() + "/protocol/openid-connect/token";
    RSAKey key = REALM.backendKey();
    SignedJWT assertion =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS384)
                .keyID(key.getKeyID())
                .type(JOSEObjectType.JWT)
                .build(),
            new JWTClaimsSet.Builder()
                .issuer("common-ground-backend")
                .subject("common-ground-backend")
                .audience(tokenEndpoint)
                .jwtID(UUID.randomUUID().toString())
                .issueTime(new Date())
                .expirationTime(Date.from(Instant.now().plusSeconds(120)))
                .build());
    assertion.sign(new RSASSASigner(key.toRSAPrivateKey()));
    HttpResponse<String> response =
        postForm(
            tokenEndpoint,
            Map.of(
                "grant_type", "client_credentials",
                "scope", "system/Goal.rs",
                "client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                "client_assertion", assertion.serialize()),
            null);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode token = claims(JSON.readTree(response.body()).path("access_token").asText());
    assertThat(token.path("scope").asText()).contains("system/Goal.rs");
    assertThat(token.path("aud").toString()).contains(ehr.iss());

    String backendToken = JSON.readTree(response.body()).path("access_token").asText();
    HttpResponse<String> notRegistrar =
        postJson(
            keycloak.realmUrl() + "/smart-launch/launches",
            "{\"patient\":\"client-sam\"}",
            backendToken);
    assertThat(notRegistrar.statusCode()).isEqualTo(403);
    HttpResponse<String> anonymous =
        postJson(
            keycloak.realmUrl() + "/smart-launch/launches", "{\"patient\":\"client-sam\"}", null);
    assertThat(anonymous.statusCode()).isEqualTo(401);
    HttpResponse<String> bad =
        postJson(
            keycloak.realmUrl() + "/smart-launch/launches",
            "{\"patient\":\"../x\"}",
            ehrLauncherToken());
    assertThat(bad.statusCode()).isEqualTo(400);
  }

  @Test
  @Order(99)
  void noTokenInAnyPageUrlOrLogLine() throws Exception {
    assertThat(ehr.bearerTokens).isNotEmpty();
    List<String> tokens = new ArrayList<>(ehr.bearerTokens);
    tokens.addAll(TOKENS_ISSUED);
    String log = Files.readString(APP_LOG);
    assertThat(log).contains("SMART EHR launch completed");
    for (String seen : Browser.SEEN) {
      assertThat(JWT.matcher(seen).find())
          .as("a JWT in a page or URL: %s", abbreviated(seen))
          .isFalse();
      for (String token : tokens) {
        assertThat(seen).doesNotContain(token);
      }
    }
    assertThat(JWT.matcher(log).find()).as("a JWT in the app log").isFalse();
    for (String token : tokens) {
      assertThat(log).doesNotContain(token);
    }
  }

  // --- helpers ---

  /**
   * Everything the app logs during this class, at DEBUG for our own code, into {@link #APP_LOG}.
   * Attached by hand once the application is up: Spring Boot sets logging up once per JVM (and
   * resets it when it does), so neither properties nor an earlier appender would survive.
   */
  @BeforeEach
  void captureAppLog() throws IOException {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    if (logCapture != null && context.getLogger(Logger.ROOT_LOGGER_NAME).isAttached(logCapture)) {
      return;
    }
    Files.createDirectories(APP_LOG.getParent());
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern("%d %-5level [%thread] %logger - %msg%n");
    encoder.start();
    FileAppender<ILoggingEvent> appender = new FileAppender<>();
    appender.setContext(context);
    appender.setName("smart-it-capture");
    appender.setFile(APP_LOG.toString());
    appender.setEncoder(encoder);
    appender.start();
    context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(appender);
    context.getLogger("health.commonground").setLevel(Level.DEBUG);
    logCapture = appender;
  }

  private static String registerLaunch(String context) throws Exception {
    HttpResponse<String> response =
        postJson(keycloak.realmUrl() + "/smart-launch/launches", context, ehrLauncherToken());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body()).path("launch").asText();
  }

  private static String ehrLauncherToken() throws Exception {
    HttpResponse<String> response =
        postForm(
            keycloak.realmUrl() + "/protocol/openid-connect/token",
            Map.of("grant_type", "client_credentials"),
            "ehr-launcher:" + REALM.ehrLauncherSecret());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    String token = JSON.readTree(response.body()).path("access_token").asText();
    TOKENS_ISSUED.add(token);
    return token;
  }

  private static HttpResponse<String> tokenRequest(String code, String verifier) throws Exception {
    return postForm(
        keycloak.realmUrl() + "/protocol/openid-connect/token",
        Map.of(
            "grant_type",
            "authorization_code",
            "code",
            code,
            "redirect_uri",
            APP + "/launch/callback",
            "code_verifier",
            verifier),
        "common-ground:" + REALM.clientSecret());
  }

  private static HttpResponse<String> postForm(String url, Map<String, String> form, String basic)
      throws Exception {
    StringBuilder body = new StringBuilder();
    form.forEach(
        (k, v) -> body.append(body.isEmpty() ? "" : "&").append(enc(k)).append('=').append(enc(v)));
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
    if (basic != null) {
      request.header(
          "Authorization",
          "Basic " + Base64.getEncoder().encodeToString(basic.getBytes(StandardCharsets.UTF_8)));
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> postJson(String url, String json, String bearer)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json));
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(String url, String session) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).GET();
    if (session != null) {
      request.header("Cookie", "CGSESSION=" + session);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode lastAccessTokenClaims() throws IOException {
    assertThat(ehr.bearerTokens).isNotEmpty();
    return claims(ehr.bearerTokens.get(ehr.bearerTokens.size() - 1));
  }

  private static JsonNode claims(String jwt) throws IOException {
    String payload = jwt.split("\\.")[1];
    return JSON.readTree(Base64.getUrlDecoder().decode(payload));
  }

  private static String query(String url, String name) {
    return UriComponentsBuilder.fromUriString(url).build().getQueryParams().getFirst(name) == null
        ? null
        : java.net.URLDecoder.decode(
            UriComponentsBuilder.fromUriString(url).build().getQueryParams().getFirst(name),
            StandardCharsets.UTF_8);
  }

  private static String withQuery(String url, String name, String value) {
    return UriComponentsBuilder.fromUriString(url)
        .replaceQueryParam(name, enc(value))
        .build(true)
        .toUriString();
  }

  private static String withoutQuery(String url, String name) {
    return UriComponentsBuilder.fromUriString(url)
        .replaceQueryParam(name)
        .build(true)
        .toUriString();
  }

  private static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static String abbreviated(String text) {
    return text.length() > 300 ? text.substring(0, 300) + "…" : text;
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
