package health.commonground.testing;

import ca.uhn.fhir.rest.client.api.IClientInterceptor;
import ca.uhn.fhir.rest.client.api.IHttpRequest;
import ca.uhn.fhir.rest.client.api.IHttpResponse;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Real tokens from the built-in SMART sandbox, for tests that call the FHIR API: a backend
 * service's (client_credentials with a private_key_jwt assertion) or a person's (authorization code
 * with PKCE, signing in on the sandbox's page as a demo clinician or client).
 *
 * <pre>{@code
 * SandboxTokens tokens = SandboxTokens.at("http://127.0.0.1:" + port);
 * client.registerInterceptor(tokens.backendInterceptor());          // HAPI generic client
 * request.header("Authorization", "Bearer " + tokens.backendBearer()); // plain HTTP
 * }</pre>
 */
public final class SandboxTokens {

  public static final String BACKEND_CLIENT = "common-ground-backend";
  public static final String APP_CLIENT = "common-ground";
  public static final String APP_SECRET = "common-ground-sandbox-secret";
  public static final String PUBLIC_CLIENT = "common-ground-public";

  /** Everything a test needs to read and write: all types, all interactions. */
  public static final String ALL_SYSTEM_SCOPES = "system/*.cruds";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String baseUrl;
  private final HttpClient http;
  private String cachedToken;
  private Instant cachedUntil = Instant.MIN;

  private SandboxTokens(String baseUrl) {
    this.baseUrl = baseUrl.replaceAll("/+$", "");
    this.http =
        HttpClient.newBuilder()
            .cookieHandler(new CookieManager())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /** The sandbox of the server at {@code baseUrl}, e.g. {@code http://127.0.0.1:8080}. */
  public static SandboxTokens at(String baseUrl) {
    return new SandboxTokens(baseUrl);
  }

  public String fhirBase() {
    return baseUrl + "/fhir";
  }

  /**
   * A HAPI client interceptor sending a backend token with {@code system/*.cruds}, fetched again
   * shortly before it expires (sandbox tokens live minutes; test suites may run longer).
   */
  public IClientInterceptor backendInterceptor() {
    return new IClientInterceptor() {
      @Override
      public void interceptRequest(IHttpRequest request) {
        request.addHeader("Authorization", "Bearer " + backendBearer());
      }

      @Override
      public void interceptResponse(IHttpResponse response) {}
    };
  }

  /** A current backend token with {@code system/*.cruds}, cached until a minute before expiry. */
  public synchronized String backendBearer() {
    if (cachedToken == null || Instant.now().isAfter(cachedUntil)) {
      Map<String, Object> response = backendTokenResponse(ALL_SYSTEM_SCOPES);
      if (!response.containsKey("access_token")) {
        throw new IllegalStateException("No backend token: " + response);
      }
      cachedToken = (String) response.get("access_token");
      long lifetime = ((Number) response.getOrDefault("expires_in", 300)).longValue();
      cachedUntil = Instant.now().plusSeconds(Math.max(0, lifetime - 60));
    }
    return cachedToken;
  }

  /** An access token for the backend test client (client_credentials, private_key_jwt). */
  public String backendToken(String scope) {
    Map<String, Object> response = backendTokenResponse(scope);
    if (!response.containsKey("access_token")) {
      throw new IllegalStateException("No backend token: " + response);
    }
    return (String) response.get("access_token");
  }

  public Map<String, Object> backendTokenResponse(String scope) {
    return backendTokenResponse(scope, clientAssertion());
  }

  /** The token response to a client_credentials request authenticated by the given assertion. */
  public Map<String, Object> backendTokenResponse(String scope, String assertion) {
    return post(
            "/oauth2/token",
            Map.of(
                "grant_type",
                "client_credentials",
                "scope",
                scope,
                "client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                "client_assertion",
                assertion),
            null)
        .body();
  }

  /** The signed JWT with which the backend test client authenticates (SMART asymmetric auth). */
  public String clientAssertion() {
    return clientAssertion(java.time.Duration.ofMinutes(5));
  }

  /** A backend client assertion with a fresh jti that expires {@code lifetime} from now. */
  public String clientAssertion(java.time.Duration lifetime) {
    try (InputStream in =
        SandboxTokens.class.getResourceAsStream("/sandbox/backend-client-key.json")) {
      RSAKey key = RSAKey.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      Date now = new Date();
      SignedJWT jwt =
          new SignedJWT(
              new JWSHeader.Builder(JWSAlgorithm.RS384)
                  .keyID(key.getKeyID())
                  .type(JOSEObjectType.JWT)
                  .build(),
              new JWTClaimsSet.Builder()
                  .issuer(BACKEND_CLIENT)
                  .subject(BACKEND_CLIENT)
                  .audience(baseUrl + "/oauth2/token")
                  .jwtID(UUID.randomUUID().toString())
                  .issueTime(now)
                  .expirationTime(new Date(now.getTime() + lifetime.toMillis()))
                  .build());
      jwt.sign(new RSASSASigner(key));
      return jwt.serialize();
    } catch (Exception e) {
      throw new IllegalStateException("Cannot sign the backend client's assertion", e);
    }
  }

  /**
   * The token response of an authorization-code flow with PKCE S256 by the app's confidential
   * client, signing in as {@code user} (e.g. {@code Patient/123}); {@code launch} may be null.
   */
  public Map<String, Object> signInAndAuthorize(String user, String scope, String launch) {
    Flow flow = startAuthorization(APP_CLIENT, scope, launch, "S256");
    String code = flow.signInAs(user);
    return flow.exchange(code, flow.verifier);
  }

  /** A person's access token (see {@link #signInAndAuthorize}). */
  public String userToken(String user, String scope) {
    Map<String, Object> response = signInAndAuthorize(user, scope, null);
    if (!response.containsKey("access_token")) {
      throw new IllegalStateException("No token for " + user + ": " + response);
    }
    return (String) response.get("access_token");
  }

  /**
   * Mints an EHR launch at the sandbox's launcher as the clinician {@code context.practitioner}
   * (signed in, with the session's CSRF token) for {@code context.client_id} (default: the app's
   * client); returns the opaque launch id.
   */
  public String mintLaunch(Map<String, Object> context) {
    Response response =
        signedInAs("Practitioner/" + context.get("practitioner")).postLaunch(context, true);
    if (!(response.body().get("launch") instanceof String launch)) {
      throw new IllegalStateException("No launch: " + response);
    }
    return launch;
  }

  /**
   * A browser session of its own at the sandbox, signed in as {@code user} (e.g. {@code
   * Practitioner/1}) on the sign-in page, or not signed in when null.
   */
  public SandboxTokens signedInAs(String user) {
    SandboxTokens session = new SandboxTokens(baseUrl);
    if (user != null) {
      Response signedIn =
          session.post(
              "/sandbox/login",
              Map.of("user", user, "_csrf", csrfIn(session.get("/sandbox/login").body())),
              null);
      if (signedIn.status() != 302) {
        throw new IllegalStateException("Sign-in as " + user + " failed: " + signedIn);
      }
    }
    return session;
  }

  /**
   * {@code POST /sandbox/launches} in this session, with the session's CSRF token (header {@code
   * X-CSRF-TOKEN}) or without; {@code client_id} defaults to the app's client.
   */
  @SuppressWarnings("unchecked")
  public Response postLaunch(Map<String, Object> context, boolean withCsrf) {
    Map<String, Object> body = new LinkedHashMap<>(context);
    body.putIfAbsent("client_id", APP_CLIENT);
    try {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create(baseUrl + "/sandbox/launches"))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
      if (withCsrf) {
        request.header("X-CSRF-TOKEN", csrfIn(get("/sandbox/launch").body()));
      }
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      Map<String, Object> answer =
          response.body().startsWith("{") ? JSON.readValue(response.body(), Map.class) : Map.of();
      return new Response(response.statusCode(), answer, null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Submits the EHR launcher's form ({@code POST /sandbox/launch}) with this session's CSRF token.
   */
  public Response submitLauncher(Map<String, String> form) {
    Map<String, String> withCsrf = new LinkedHashMap<>(form);
    withCsrf.put("_csrf", csrfIn(get("/sandbox/launch").body()));
    return post("/sandbox/launch", withCsrf, null);
  }

  /** A refresh at the token endpoint by the app's confidential client. */
  public Map<String, Object> refresh(String refreshToken) {
    return post(
            "/oauth2/token",
            Map.of("grant_type", "refresh_token", "refresh_token", refreshToken),
            appClientBasic())
        .body();
  }

  /** Revokes a token at the sandbox's revocation endpoint as the app's confidential client. */
  public int revoke(String token, String hint) {
    return post("/oauth2/revoke", Map.of("token", token, "token_type_hint", hint), appClientBasic())
        .status();
  }

  /** The status of {@code GET /fhir/<path>} with the token. */
  public int fhirStatus(String path, String accessToken) {
    try {
      return http.send(
              HttpRequest.newBuilder(URI.create(fhirBase() + "/" + path))
                  .header("Authorization", "Bearer " + accessToken)
                  .header("Accept", "application/fhir+json")
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String appClientBasic() {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((APP_CLIENT + ":" + APP_SECRET).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * An authorization request in progress, for tests that take the flow apart. Each flow has its own
   * browser session, so no earlier sign-in carries over.
   */
  public Flow startAuthorization(String clientId, String scope, String launch, String method) {
    return new SandboxTokens(baseUrl).authorizeInThisSession(clientId, scope, launch, method);
  }

  private Flow authorizeInThisSession(String clientId, String scope, String launch, String method) {
    String verifier = random();
    String challenge = "S256".equals(method) ? s256(verifier) : verifier;
    Map<String, String> params = new LinkedHashMap<>();
    params.put("response_type", "code");
    params.put("client_id", clientId);
    params.put("redirect_uri", baseUrl + "/launch/callback");
    params.put("scope", scope);
    params.put("state", random());
    params.put("aud", fhirBase());
    if (method != null) {
      params.put("code_challenge", challenge);
      params.put("code_challenge_method", method);
    }
    if (launch != null) {
      params.put("launch", launch);
    }
    HttpResponse<String> response = get("/oauth2/authorize?" + form(params));
    return new Flow(clientId, verifier, response);
  }

  /** One authorization-code flow: its PKCE verifier and the answer to the authorization request. */
  public final class Flow {
    private final String clientId;
    private final String verifier;
    private final HttpResponse<String> authorizeResponse;

    Flow(String clientId, String verifier, HttpResponse<String> authorizeResponse) {
      this.clientId = clientId;
      this.verifier = verifier;
      this.authorizeResponse = authorizeResponse;
    }

    public HttpResponse<String> authorizeResponse() {
      return authorizeResponse;
    }

    /** Signs in on the sandbox's page and follows the redirects; returns the code. */
    public String signInAs(String user) {
      String location = location(authorizeResponse);
      if (location.contains("/launch/callback")) {
        return codeFrom(location);
      }
      HttpResponse<String> authorized = get(path(signIn(location, user).location()));
      return codeFrom(location(authorized));
    }

    /**
     * For a clinician's standalone launch asking for a patient: signs in, picks the patient on the
     * sandbox's picker and follows the redirects; returns the code.
     */
    public String signInAndPickPatient(String user, String patient) {
      HttpResponse<String> toPicker =
          get(path(signIn(location(authorizeResponse), user).location()));
      String picker = location(toPicker);
      if (!picker.contains("/sandbox/pick-patient")) {
        throw new IllegalStateException("Expected the patient picker, went to " + picker);
      }
      HttpResponse<String> page = get(path(picker));
      if (!page.body().contains(patient)) {
        throw new IllegalStateException(patient + " is not offered: " + page.body());
      }
      Response picked = pickPatient(patient, csrfIn(page.body()));
      return codeFrom(location(get(path(picked.location()))));
    }

    /** Posts a pick to the sandbox's patient picker in this flow's browser session. */
    public Response pickPatient(String patient, String csrf) {
      return post("/sandbox/pick-patient", Map.of("patient", patient, "_csrf", csrf), null);
    }

    /** This flow's browser session's CSRF token, from the sign-in page. */
    public String csrf() {
      return csrfIn(get("/sandbox/login").body());
    }

    private Response signIn(String loginLocation, String user) {
      HttpResponse<String> loginPage = get(path(loginLocation));
      return post("/sandbox/login", Map.of("user", user, "_csrf", csrfIn(loginPage.body())), null);
    }

    public Map<String, Object> exchange(String code, String codeVerifier) {
      Map<String, String> params = new LinkedHashMap<>();
      params.put("grant_type", "authorization_code");
      params.put("code", code);
      params.put("redirect_uri", baseUrl + "/launch/callback");
      params.put("code_verifier", codeVerifier);
      if (!APP_CLIENT.equals(clientId)) {
        params.put("client_id", clientId);
      }
      return post(
              "/oauth2/token",
              params,
              APP_CLIENT.equals(clientId)
                  ? "Basic "
                      + Base64.getEncoder()
                          .encodeToString(
                              (APP_CLIENT + ":" + APP_SECRET).getBytes(StandardCharsets.UTF_8))
                  : null)
          .body();
    }

    public String verifier() {
      return verifier;
    }
  }

  private static String csrfIn(String page) {
    Matcher csrf = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(page);
    if (!csrf.find()) {
      throw new IllegalStateException("No form with a CSRF token: " + page);
    }
    return csrf.group(1);
  }

  private static String codeFrom(String location) {
    Matcher code = Pattern.compile("[?&]code=([^&]+)").matcher(location);
    if (!code.find()) {
      throw new IllegalStateException("No code in " + location);
    }
    return URLDecoder.decode(code.group(1));
  }

  private static final class URLDecoder {
    static String decode(String value) {
      return java.net.URLDecoder.decode(value, StandardCharsets.UTF_8);
    }
  }

  private String path(String location) {
    return location.startsWith(baseUrl) ? location.substring(baseUrl.length()) : location;
  }

  private static String location(HttpResponse<String> response) {
    return response
        .headers()
        .firstValue("Location")
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "Expected a redirect, got " + response.statusCode() + ": " + response.body()));
  }

  private HttpResponse<String> get(String path) {
    try {
      return http.send(
          HttpRequest.newBuilder(URI.create(baseUrl + path))
              .header("Accept", "text/html")
              .GET()
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A response's status, body (as JSON when it is) and Location. */
  public record Response(int status, Map<String, Object> body, String location) {}

  @SuppressWarnings("unchecked")
  private Response post(String path, Map<String, String> form, String authorization) {
    try {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create(baseUrl + path))
              .header("Content-Type", "application/x-www-form-urlencoded")
              .POST(HttpRequest.BodyPublishers.ofString(form(form)));
      if (authorization != null) {
        request.header("Authorization", authorization);
      }
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      Map<String, Object> body =
          response.body().startsWith("{") ? JSON.readValue(response.body(), Map.class) : Map.of();
      Map<String, Object> withStatus = new LinkedHashMap<>(body);
      withStatus.put("http_status", response.statusCode());
      return new Response(
          response.statusCode(),
          withStatus,
          response.headers().firstValue("Location").orElse(null));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String form(Map<String, String> params) {
    return params.entrySet().stream()
        .map(
            e ->
                URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                    + "="
                    + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }

  private static String random() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static String s256(String verifier) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
