package health.commonground.smart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.CookieHandler;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The realm's own defences, against a real Keycloak with the production realm file (plus the demo
 * users and set-up secrets of {@link KeycloakTestRealm}): brute-force lockout, one-time refresh
 * tokens, PKCE S256 on every authorization request, exact redirect URIs. Plain HTTP, as an attacker
 * would send it; no app needed.
 */
class KeycloakRealmIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final KeycloakTestRealm REALM = new KeycloakTestRealm();
  private static final int KC_PORT = freePort();
  private static final int KC_MANAGEMENT_PORT = freePort();
  // Nothing listens here: Keycloak's redirects are read, never followed.
  private static final String APP = "http://127.0.0.1:" + freePort();
  private static final String FHIR = APP + "/fhir";
  private static final String CALLBACK = APP + "/launch/callback";
  private static final Pattern FORM_ACTION =
      Pattern.compile("<form[^>]*id=\"kc-form-login\"[^>]*action=\"([^\"]+)\"");

  private static KeycloakServer keycloak;
  private static int failureFactor;

  @BeforeAll
  static void startKeycloak() throws Exception {
    failureFactor =
        JSON.readTree(KeycloakTestRealm.productionRealm().toFile()).path("failureFactor").asInt();
    assertThat(failureFactor).isBetween(3, 10);
    keycloak =
        new KeycloakServer(
            Path.of(System.getProperty("keycloak.home", "target/keycloak/keycloak-26.5.6")),
            KC_PORT,
            KC_MANAGEMENT_PORT,
            Path.of("target/keycloak-realm-it/keycloak.log"));
    keycloak.start(
        REALM.write(Path.of("target/keycloak-realm-it/realm-commonground.json")),
        Path.of(System.getProperty("keycloak.extension")),
        REALM.environment(FHIR, APP));
  }

  @AfterAll
  static void stopKeycloak() throws Exception {
    if (keycloak != null) {
      keycloak.stop();
    }
    REALM.close();
  }

  // --- brute force ---

  @Test
  void fewerFailuresThanTheLimitStillLetTheRightPasswordIn() throws Exception {
    Browser browser = new Browser();
    for (int i = 0; i < failureFactor - 1; i++) {
      assertThat(browser.signIn("another-therapist", "wrong-" + i).code()).isNull();
      pauseBetweenAttempts();
    }
    assertThat(browser.signIn("another-therapist", REALM.demoPassword()).code()).isNotBlank();
  }

  @Test
  void theRightPasswordIsRefusedOnceTheLimitIsReached() throws Exception {
    Browser browser = new Browser();
    for (int i = 0; i < failureFactor; i++) {
      assertThat(browser.signIn("client-lucia", "wrong-" + i).code()).isNull();
      pauseBetweenAttempts();
    }
    SignIn locked = browser.signIn("client-lucia", REALM.demoPassword());
    assertThat(locked.code()).as("the account is locked").isNull();
    assertThat(locked.response().statusCode()).isEqualTo(200);
    assertThat(new Browser().signIn("client-lucia", REALM.demoPassword()).code())
        .as("from a fresh browser too")
        .isNull();
  }

  // --- refresh tokens ---

  @Test
  void aRefreshTokenWorksOnceAndItsSuccessorWorks() throws Exception {
    JsonNode tokens = signedInTokens("therapist-okafor");
    HttpResponse<String> first = refresh(tokens.path("refresh_token").asText());
    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    String next = JSON.readTree(first.body()).path("refresh_token").asText();
    assertThat(next).isNotBlank().isNotEqualTo(tokens.path("refresh_token").asText());
    HttpResponse<String> second = refresh(next);
    assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
  }

  @Test
  void aRefreshTokenUsedTwiceIsRefusedTheSecondTime() throws Exception {
    String refreshToken = signedInTokens("client-sam").path("refresh_token").asText();
    assertThat(refresh(refreshToken).statusCode()).isEqualTo(200);
    HttpResponse<String> again = refresh(refreshToken);
    assertThat(again.statusCode()).isEqualTo(400);
    assertThat(again.body()).contains("invalid_grant").doesNotContain("access_token");
  }

  // --- PKCE ---

  @Test
  void anS256AuthorizationRequestGetsTheSignInPage() throws Exception {
    for (String[] client : clients()) {
      HttpResponse<String> page = new Browser().get(authorize(client[0], client[1], "S256"));
      assertThat(page.statusCode()).as(client[0]).isEqualTo(200);
      assertThat(page.body()).as(client[0]).contains("kc-form-login");
    }
  }

  @Test
  void anAuthorizationRequestWithoutPkceOrWithPlainIsRefused() throws Exception {
    for (String[] client : clients()) {
      for (String method : new String[] {null, "plain"}) {
        HttpResponse<String> refused = new Browser().get(authorize(client[0], client[1], method));
        String where = client[0] + " with " + method;
        assertThat(refused.statusCode()).as(where).isEqualTo(302);
        String location = refused.headers().firstValue("Location").orElseThrow();
        assertThat(location).as(where).startsWith(client[1]).contains("error=invalid_request");
        assertThat(location).as(where).doesNotContain("code=");
      }
    }
  }

  // --- redirect URIs ---

  @Test
  void theRegisteredRedirectUriIsAccepted() throws Exception {
    HttpResponse<String> page = new Browser().get(authorize("common-ground", CALLBACK, "S256"));
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("kc-form-login");
  }

  @Test
  void aRedirectUriThatDiffersFromTheRegisteredOneIsRefused() throws Exception {
    for (String other :
        new String[] {
          CALLBACK + "/more",
          CALLBACK + "x",
          APP + "/launch/callbac",
          APP + "/launch/",
          "http://127.0.0.1:1/launch/callback",
          CALLBACK.replace("http://", "https://")
        }) {
      HttpResponse<String> refused = new Browser().get(authorize("common-ground", other, "S256"));
      assertThat(refused.statusCode()).as(other).isEqualTo(400);
      assertThat(refused.headers().firstValue("Location")).as(other).isEmpty();
      assertThat(refused.body()).as(other).doesNotContain("kc-form-login");
    }
  }

  // --- helpers ---

  /** The browser-facing clients and their registered redirect URIs. */
  private static String[][] clients() {
    return new String[][] {
      {"common-ground", CALLBACK},
      {"common-ground-public", KeycloakTestRealm.publicClientRedirectUri(APP)}
    };
  }

  private static String authorize(String clientId, String redirectUri, String pkceMethod) {
    UriComponentsBuilder uri =
        UriComponentsBuilder.fromUriString(keycloak.realmUrl() + "/protocol/openid-connect/auth")
            .queryParam("response_type", "code")
            .queryParam("client_id", clientId)
            .queryParam("redirect_uri", redirectUri)
            .queryParam("scope", "openid")
            .queryParam("state", UUID.randomUUID().toString());
    if (pkceMethod != null) {
      uri.queryParam("code_challenge_method", pkceMethod)
          .queryParam(
              "code_challenge",
              pkceMethod.equals("S256") ? Pkce.s256(Pkce.newVerifier()) : "a".repeat(50));
    }
    return uri.encode().toUriString();
  }

  /** Signs in through the app's client with PKCE and redeems the code. */
  private static JsonNode signedInTokens(String username) throws Exception {
    String verifier = Pkce.newVerifier();
    String url =
        UriComponentsBuilder.fromUriString(keycloak.realmUrl() + "/protocol/openid-connect/auth")
            .queryParam("response_type", "code")
            .queryParam("client_id", "common-ground")
            .queryParam("redirect_uri", CALLBACK)
            .queryParam("scope", "openid")
            .queryParam("state", UUID.randomUUID().toString())
            .queryParam("code_challenge", Pkce.s256(verifier))
            .queryParam("code_challenge_method", "S256")
            .encode()
            .toUriString();
    Browser browser = new Browser();
    SignIn signIn = browser.signIn(url, username, REALM.demoPassword());
    assertThat(signIn.code()).as("signed in as " + username).isNotBlank();
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "authorization_code");
    form.put("code", signIn.code());
    form.put("redirect_uri", CALLBACK);
    form.put("code_verifier", verifier);
    HttpResponse<String> tokens = tokenRequest(form);
    assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
    return JSON.readTree(tokens.body());
  }

  private static HttpResponse<String> refresh(String refreshToken) throws Exception {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "refresh_token");
    form.put("refresh_token", refreshToken);
    return tokenRequest(form);
  }

  private static HttpResponse<String> tokenRequest(Map<String, String> form) throws Exception {
    String basic = "common-ground:" + REALM.clientSecret();
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(
                    URI.create(keycloak.realmUrl() + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header(
                    "Authorization",
                    "Basic "
                        + Base64.getEncoder()
                            .encodeToString(basic.getBytes(StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.ofString(formBody(form)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  /** Keycloak counts a failure as a quick repeat within a second; these tests count the limit. */
  private static void pauseBetweenAttempts() throws InterruptedException {
    Thread.sleep(1200);
  }

  private static String formBody(Map<String, String> form) {
    StringBuilder body = new StringBuilder();
    form.forEach(
        (k, v) ->
            body.append(body.isEmpty() ? "" : "&")
                .append(URLEncoder.encode(k, StandardCharsets.UTF_8))
                .append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
    return body.toString();
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The answer to a sign-in form, and the code if Keycloak sent the browser back with one. */
  private record SignIn(HttpResponse<String> response, String code) {}

  /** Cookies kept, redirects read and not followed: enough of a browser for Keycloak's forms. */
  private static final class Browser {

    private final HttpClient http =
        HttpClient.newBuilder()
            .cookieHandler(new LoopbackCookies())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    HttpResponse<String> get(String url) throws Exception {
      return http.send(
          HttpRequest.newBuilder(URI.create(url)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
    }

    /** Opens a fresh authorization request of the app and signs in on its form. */
    SignIn signIn(String username, String password) throws Exception {
      return signIn(authorize("common-ground", CALLBACK, "S256"), username, password);
    }

    SignIn signIn(String authorizeUrl, String username, String password) throws Exception {
      HttpResponse<String> page = get(authorizeUrl);
      assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
      Matcher action = FORM_ACTION.matcher(page.body());
      assertThat(action.find()).as("a sign-in form").isTrue();
      Map<String, String> form = new LinkedHashMap<>();
      form.put("username", username);
      form.put("password", password);
      form.put("credentialId", "");
      HttpResponse<String> answer =
          http.send(
              HttpRequest.newBuilder(URI.create(action.group(1).replace("&amp;", "&")))
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .POST(HttpRequest.BodyPublishers.ofString(formBody(form)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      String location = answer.headers().firstValue("Location").orElse("");
      String code =
          location.startsWith(CALLBACK)
              ? UriComponentsBuilder.fromUriString(location)
                  .build()
                  .getQueryParams()
                  .getFirst("code")
              : null;
      return new SignIn(answer, code);
    }
  }

  /**
   * Keycloak marks its cookies Secure, which a browser still sends to a loopback address over plain
   * http but Java's {@code CookieManager} does not. One host, one path: a name-value jar.
   */
  private static final class LoopbackCookies extends CookieHandler {

    private final Map<String, String> cookies = new ConcurrentHashMap<>();

    @Override
    public Map<String, List<String>> get(URI uri, Map<String, List<String>> headers) {
      if (cookies.isEmpty()) {
        return Map.of();
      }
      return Map.of(
          "Cookie",
          List.of(
              cookies.entrySet().stream()
                  .map(cookie -> cookie.getKey() + "=" + cookie.getValue())
                  .collect(Collectors.joining("; "))));
    }

    @Override
    public void put(URI uri, Map<String, List<String>> headers) {
      headers.forEach(
          (name, values) -> {
            if (name != null && name.equalsIgnoreCase("Set-Cookie")) {
              for (String value : values) {
                String pair = value.split(";", 2)[0];
                int equals = pair.indexOf('=');
                String cookie = pair.substring(0, equals).trim();
                String content = pair.substring(equals + 1).trim();
                if (content.isEmpty() || value.toLowerCase().contains("max-age=0")) {
                  cookies.remove(cookie);
                } else {
                  cookies.put(cookie, content);
                }
              }
            }
          });
    }
  }
}
