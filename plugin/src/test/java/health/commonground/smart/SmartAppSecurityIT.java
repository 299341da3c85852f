package health.commonground.smart;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import health.commonground.testing.SandboxTokens;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.session.Session;
import org.springframework.session.SessionRepository;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The app's side of the embedded default, over plain HTTP: its own EHR is never taken from a
 * request's Host header, the EHR's style hint is fetched only from the EHR's origin, signing out
 * revokes the session's tokens, and the home page carries the app's security headers. A stand-in
 * server on another loopback port plays the attacker and records whether it was ever called.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SmartAppSecurityIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) throws Exception {
    Path dir = Files.createTempDirectory("cg-smart-app-security-it");
    registry.add("commonground.data-dir", dir::toString);
    registry.add("commonground.demo.enabled", () -> "false");
  }

  @LocalServerPort int port;

  @Autowired SessionRepository<? extends Session> sessions;

  private String app;
  private SandboxTokens sandbox;
  private String practitioner;
  private String patient;
  private HttpServer attacker;
  private final List<String> attackerHits = new CopyOnWriteArrayList<>();

  @BeforeAll
  void start() throws IOException {
    app = "http://127.0.0.1:" + port;
    sandbox = SandboxTokens.at(app);
    FhirContext fhir = FhirContext.forR4Cached();
    fhir.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
    fhir.getRestfulClientFactory().setSocketTimeout(180_000);
    IGenericClient system = fhir.newRestfulGenericClient(sandbox.fhirBase());
    system.registerInterceptor(sandbox.backendInterceptor());
    Practitioner clinician = new Practitioner();
    clinician.addName().setFamily("Haddad").addGiven("Nadia");
    practitioner = system.create().resource(clinician).execute().getId().getIdPart();
    Patient client = new Patient();
    client.addName().setFamily("Ellis").addGiven("Jordan");
    client.addGeneralPractitioner(new Reference("Practitioner/" + practitioner));
    patient = system.create().resource(client).execute().getId().getIdPart();

    attacker = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    attacker.createContext(
        "/",
        exchange -> {
          attackerHits.add(exchange.getRequestURI().toString());
          String origin = "http://127.0.0.1:" + attacker.getAddress().getPort();
          String body =
              exchange.getRequestURI().getPath().endsWith("smart-configuration")
                  ? "{\"issuer\":\"%s\",\"authorization_endpoint\":\"%s/authorize\",\"token_endpoint\":\"%s/token\",\"code_challenge_methods_supported\":[\"S256\"]}"
                      .formatted(origin, origin, origin)
                  : "{\"color_background\":\"#ff0000\",\"color_text\":\"#00ff00\"}";
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, bytes.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
          }
        });
    attacker.start();
  }

  @AfterAll
  void stop() {
    attacker.stop(0);
  }

  private String attackerOrigin() {
    return "127.0.0.1:" + attacker.getAddress().getPort();
  }

  // --- The app's own EHR is this server as bound, whatever the Host header says ---

  @Test
  void aStandaloneLaunchGoesToThisServersOwnAuthorizationServer() throws IOException {
    String answer = rawGet("127.0.0.1:" + port, "/launch/standalone?role=clinician");
    assertThat(statusOf(answer)).isEqualTo(302);
    assertThat(locationOf(answer))
        .startsWith(app + "/oauth2/authorize?")
        .contains("&aud=" + app + "/fhir&");
  }

  @Test
  void aForgedHostHeaderNeverMakesTheAppTalkToAnotherServer() throws IOException {
    attackerHits.clear();
    String standalone = rawGet(attackerOrigin(), "/launch/standalone?role=clinician");
    // Sent to the app's own address first; nothing was fetched from the named host.
    assertThat(statusOf(standalone)).isEqualTo(302);
    assertThat(locationOf(standalone)).isEqualTo(app + "/launch/standalone?role=clinician");

    String iss = "http://" + attackerOrigin() + "/fhir";
    String ehrLaunch = rawGet(attackerOrigin(), "/launch?iss=" + iss + "&launch=x");
    assertThat(locationOf(ehrLaunch)).startsWith(app + "/launch?");
    // At the app's own address that iss is not a registered EHR.
    assertThat(statusOf(rawGet("127.0.0.1:" + port, "/launch?iss=" + iss + "&launch=x")))
        .isEqualTo(403);
    assertThat(attackerHits).isEmpty();
  }

  @Test
  void anotherNameOfThisServerIsSentToItsOwnAddress() throws IOException {
    String answer = rawGet("localhost:" + port, "/launch/standalone?role=client");
    assertThat(statusOf(answer)).isEqualTo(302);
    assertThat(locationOf(answer)).isEqualTo(app + "/launch/standalone?role=client");
  }

  // --- The EHR's style hint: from the EHR's own origin only ---

  @Test
  void theEhrsStyleFromItsOwnOriginReachesTheScreens() throws Exception {
    AppBrowser browser = ehrLaunch(null);
    String css = browser.get(app + "/app/ehr-style.css").body();
    assertThat(css).contains("--cg-ehr-bg: #f7f7f2");
  }

  @Test
  void aStyleUrlOnAnotherOriginIsNeverFetched() throws Exception {
    attackerHits.clear();
    AppBrowser browser = ehrLaunch("http://" + attackerOrigin() + "/style.json");
    String css = browser.get(app + "/app/ehr-style.css").body();
    assertThat(css).doesNotContain("--cg-ehr").doesNotContain("#ff0000");
    assertThat(attackerHits).isEmpty();
  }

  // --- Signing out revokes ---

  @Test
  void signingOutRevokesTheSessionsTokens() throws Exception {
    AppBrowser browser = ehrLaunch(null);
    String accessToken = browser.smartSession().accessToken();
    assertThat(sandbox.fhirStatus("Patient/" + patient, accessToken)).isEqualTo(200);

    String page = browser.get(app + "/app").body();
    HttpResponse<String> loggedOut =
        browser.postForm(app + "/logout", Map.of("_csrf", csrfIn(page)));
    assertThat(loggedOut.headers().firstValue("Location").orElse(""))
        .endsWith("/launch/ended?reason=logout");
    assertThat(sandbox.fhirStatus("Patient/" + patient, accessToken)).isEqualTo(401);
  }

  // --- The home page has the app's security headers ---

  @Test
  void theHomePageCarriesTheSecurityHeaders() throws Exception {
    HttpResponse<String> home = new AppBrowser().get(app + "/");
    assertThat(home.statusCode()).isEqualTo(200);
    assertThat(home.body()).contains("Common Ground");
    assertThat(home.headers().firstValue("Content-Security-Policy").orElse(""))
        .contains("default-src 'self'")
        .contains("frame-ancestors");
    assertThat(home.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
    assertThat(home.headers().firstValue("Referrer-Policy")).contains("no-referrer");
    assertThat(home.headers().firstValue("Strict-Transport-Security").orElse(""))
        .contains("max-age=");
    assertThat(home.body()).doesNotContain("<style").doesNotContain("style=\"");
  }

  /**
   * The sandbox's EHR launches the app as the clinician with their client's chart open: signed in
   * at the sandbox, a launch minted for the app's client, then the app's launch and sign-in.
   */
  private AppBrowser ehrLaunch(String styleUrl) throws Exception {
    AppBrowser browser = new AppBrowser();
    String login = browser.get(app + "/sandbox/login").body();
    browser.postForm(
        app + "/sandbox/login",
        Map.of("user", "Practitioner/" + practitioner, "_csrf", csrfIn(login)));
    String csrf = csrfIn(browser.get(app + "/sandbox/launch").body());
    Map<String, Object> context =
        styleUrl == null
            ? Map.of("patient", patient, "client_id", SandboxTokens.APP_CLIENT)
            : Map.of(
                "patient",
                patient,
                "client_id",
                SandboxTokens.APP_CLIENT,
                "smart_style_url",
                styleUrl);
    HttpResponse<String> minted =
        browser.http.send(
            HttpRequest.newBuilder(URI.create(app + "/sandbox/launches"))
                .header("Content-Type", "application/json")
                .header("X-CSRF-TOKEN", csrf)
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(context)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(minted.statusCode()).as(minted.body()).isEqualTo(200);
    Map<?, ?> launch = JSON.readValue(minted.body(), Map.class);
    String location =
        app
            + "/launch?iss="
            + URLEncoder.encode((String) launch.get("iss"), StandardCharsets.UTF_8)
            + "&launch="
            + launch.get("launch");
    for (int i = 0; i < 6 && !location.equals(app + "/app"); i++) {
      HttpResponse<String> step = browser.get(location);
      location =
          step.headers()
              .firstValue("Location")
              .orElseThrow(() -> new IllegalStateException(step.statusCode() + ": " + step.body()));
    }
    assertThat(location).isEqualTo(app + "/app");
    return browser;
  }

  /** A browser: cookies kept, redirects not followed. */
  private final class AppBrowser {
    private final CookieManager cookies = new CookieManager();
    private final HttpClient http =
        HttpClient.newBuilder()
            .cookieHandler(cookies)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    HttpResponse<String> get(String url) throws IOException, InterruptedException {
      return http.send(
          HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/html").GET().build(),
          HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> postForm(String url, Map<String, String> form)
        throws IOException, InterruptedException {
      String body =
          form.entrySet().stream()
              .map(
                  e ->
                      URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                          + "="
                          + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
              .collect(Collectors.joining("&"));
      return http.send(
          HttpRequest.newBuilder(URI.create(url))
              .header("Content-Type", "application/x-www-form-urlencoded")
              .POST(HttpRequest.BodyPublishers.ofString(body))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    }

    /** The app session held on the server for this browser (the test looks; the browser can't). */
    SmartSession smartSession() {
      HttpCookie cookie =
          cookies.getCookieStore().getCookies().stream()
              .filter(c -> c.getName().equals("CGSESSION"))
              .findFirst()
              .orElseThrow();
      String id = new String(Base64.getDecoder().decode(cookie.getValue()), StandardCharsets.UTF_8);
      Session session = sessions.findById(id);
      assertThat(session).as("app session").isNotNull();
      return session.getAttribute(SmartSession.ATTRIBUTE);
    }
  }

  private static String csrfIn(String page) {
    Matcher csrf = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(page);
    if (!csrf.find()) {
      throw new IllegalStateException("No CSRF token in " + page);
    }
    return csrf.group(1);
  }

  /** A GET with the Host header as given (a browser cannot forge it; an attacker's script can). */
  private String rawGet(String host, String pathAndQuery) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET " + pathAndQuery + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  private static int statusOf(String response) {
    return Integer.parseInt(response.split(" ", 3)[1]);
  }

  private static String locationOf(String response) {
    for (String line : response.split("\r\n")) {
      if (line.regionMatches(true, 0, "Location:", 0, 9)) {
        return line.substring(9).trim();
      }
    }
    throw new IllegalStateException("No Location in " + response);
  }
}
