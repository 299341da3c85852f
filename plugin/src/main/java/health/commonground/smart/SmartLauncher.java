package health.commonground.smart;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.stereotype.Service;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The server-side SMART client: starts a launch (discovery, state, PKCE), completes it on the
 * callback (state check, code exchange, id_token check, context), and keeps the access token fresh.
 */
@Service
class SmartLauncher {

  private static final Logger log = LoggerFactory.getLogger(SmartLauncher.class);
  private static final String PENDING = SmartLauncher.class.getName() + ".pending";
  private static final int MAX_PENDING = 5;
  private static final java.time.Duration RECENT = java.time.Duration.ofMinutes(1);

  private final RegisteredEhrs ehrs;
  private final SmartDiscovery discovery;
  private final TokenClient tokens;
  private final IdTokenVerifier idTokens;
  private final SmartProperties properties;
  private final RestClient http;
  private final Clock clock;
  private final Object[] refreshLocks = new Object[64];
  private final Map<String, RecentRefresh> recentRefreshes =
      new java.util.concurrent.ConcurrentHashMap<>();

  SmartLauncher(
      RegisteredEhrs ehrs,
      SmartDiscovery discovery,
      TokenClient tokens,
      IdTokenVerifier idTokens,
      SmartProperties properties,
      SmartRuntime runtime) {
    this.ehrs = ehrs;
    this.discovery = discovery;
    this.tokens = tokens;
    this.idTokens = idTokens;
    this.properties = properties;
    this.http = runtime.http();
    this.clock = runtime.clock();
    java.util.Arrays.setAll(refreshLocks, i -> new Object());
  }

  /** Starts a launch and answers the authorization server URL to send the browser to. */
  String begin(
      RegisteredEhrs.ResolvedEhr resolved,
      LaunchMode mode,
      AppRole role,
      String launch,
      HttpServletRequest request) {
    SmartConfiguration configuration = discovery.discover(resolved.iss());
    String state = Pkce.randomToken();
    String verifier = Pkce.newVerifier();
    String redirectUri = ehrs.appBaseUrl() + "/launch/callback";
    SmartProperties.Ehr ehr = resolved.ehr();

    HttpSession session = request.getSession(true);
    Map<String, PendingLaunch> pending = pending(session);
    Instant now = clock.instant();
    pending.values().removeIf(p -> p.startedAt().plus(properties.launchTimeout()).isBefore(now));
    while (pending.size() >= MAX_PENDING) {
      pending.remove(pending.keySet().iterator().next());
    }
    pending.put(
        state,
        new PendingLaunch(
            state, verifier, ehr.name(), resolved.iss(), redirectUri, mode, role, now));
    session.setAttribute(PENDING, pending);

    UriComponentsBuilder authorize =
        UriComponentsBuilder.fromUriString(configuration.authorizationEndpoint())
            .queryParam("response_type", "code")
            .queryParam("client_id", ehr.clientId())
            .queryParam("redirect_uri", redirectUri)
            .queryParam("scope", ehr.scopeFor(mode, role))
            .queryParam("state", state)
            .queryParam("aud", resolved.iss())
            .queryParam("code_challenge", Pkce.s256(verifier))
            .queryParam("code_challenge_method", "S256");
    if (launch != null) {
      authorize.queryParam("launch", launch);
    }
    log.info("SMART {} launch ({}) started for {}", mode, role, ehr.name());
    return authorize.encode().build().toUriString();
  }

  /** Completes a launch from the authorization server's redirect; answers the new app session. */
  SmartSession complete(
      String state,
      String code,
      String error,
      String errorDescription,
      HttpServletRequest request) {
    HttpSession session = request.getSession(false);
    if (state == null || state.isBlank()) {
      throw new SmartLaunchException(
          "The sign-in answer carries no state; the launch was stopped.");
    }
    if (session == null) {
      throw new SmartLaunchException(
          "This sign-in does not belong to an open launch (the session may have ended). Launch the app"
              + " again.");
    }
    Map<String, PendingLaunch> pending = pending(session);
    PendingLaunch launch = pending.remove(state);
    session.setAttribute(PENDING, pending);
    if (launch == null) {
      throw new SmartLaunchException(
          "The sign-in answer's state does not match a launch started here; the launch was stopped.");
    }
    if (launch.startedAt().plus(properties.launchTimeout()).isBefore(clock.instant())) {
      throw new SmartLaunchException("The launch took too long. Launch the app again.");
    }
    if (error != null) {
      log.info(
          "SMART launch for {} refused by the authorization server: {}",
          launch.ehrName(),
          safe(error));
      throw new SmartLaunchException(
          "The authorization server refused the launch: "
              + safe(error)
              + (errorDescription == null ? "" : " (" + errorDescription + ")"),
          403);
    }
    if (code == null || code.isBlank()) {
      throw new SmartLaunchException("The sign-in answer carries no authorization code.");
    }
    SmartProperties.Ehr ehr =
        ehrs.byName(launch.ehrName())
            .orElseThrow(() -> new SmartLaunchException("The EHR is no longer registered."));
    SmartConfiguration configuration = discovery.discover(launch.iss());
    TokenResponse response =
        tokens.exchangeCode(
            ehr, configuration.tokenEndpoint(), code, launch.redirectUri(), launch.codeVerifier());

    SmartUser user = user(response, configuration, ehr, launch.requestedRole());
    LaunchContext context = context(response);
    if (launch.mode() == LaunchMode.EHR
        && context.patient() == null
        && user.role() == AppRole.CLIENT) {
      throw new SmartLaunchException("The EHR launched the app without a patient in context.");
    }
    if (context.patient() != null) {
      context = context.withPatientDisplay(patientName(launch.iss(), context.patient(), response));
    }
    Instant now = clock.instant();
    log.info(
        "SMART {} launch completed for {} as {}{}",
        launch.mode(),
        launch.ehrName(),
        user.role(),
        context.patient() == null ? " without patient" : " with a patient in context");
    return new SmartSession(ehr.name(), launch.iss(), launch.mode(), user, context, response, now);
  }

  /**
   * The app session of this request with a usable access token: refreshed shortly before it
   * expires. Empty when there is none or it can no longer be renewed.
   */
  Optional<SmartSession> current(HttpServletRequest request) {
    HttpSession session = request.getSession(false);
    if (session == null
        || !(session.getAttribute(SmartSession.ATTRIBUTE) instanceof SmartSession smart)) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    if (smart.expiresAt().minus(properties.refreshSkew()).isAfter(now)) {
      return Optional.of(smart);
    }
    if (smart.refreshToken() == null) {
      return smart.expiresAt().isAfter(now) ? Optional.of(smart) : Optional.empty();
    }
    try {
      SmartProperties.Ehr ehr =
          ehrs.byName(smart.ehrName())
              .orElseThrow(() -> new SmartLaunchException("The EHR is no longer registered."));
      SmartConfiguration configuration = discovery.discover(smart.iss());
      smart.refreshed(refreshOnce(ehr, configuration, smart.refreshToken(), now), now);
      session.setAttribute(SmartSession.ATTRIBUTE, smart);
      log.info("Access token refreshed for a session of {}", smart.ehrName());
      return Optional.of(smart);
    } catch (SmartLaunchException e) {
      log.info(
          "Access token refresh failed for a session of {}: {}", smart.ehrName(), e.getMessage());
      return smart.expiresAt().isAfter(now) ? Optional.of(smart) : Optional.empty();
    }
  }

  /**
   * One refresh per refresh token. Refresh tokens rotate, and an authorization server that sees a
   * rotated-out one again withdraws the whole grant (reuse detection); two requests of one session
   * arriving together near expiry would otherwise both present the same token. The second waits for
   * the first and takes its answer (within this instance).
   */
  TokenResponse refreshOnce(
      SmartProperties.Ehr ehr, SmartConfiguration configuration, String refreshToken, Instant now) {
    synchronized (refreshLocks[Math.floorMod(refreshToken.hashCode(), refreshLocks.length)]) {
      recentRefreshes.values().removeIf(r -> r.at().plus(RECENT).isBefore(now));
      RecentRefresh done = recentRefreshes.get(refreshToken);
      if (done != null) {
        return done.response();
      }
      TokenResponse response = tokens.refresh(ehr, configuration.tokenEndpoint(), refreshToken);
      recentRefreshes.put(refreshToken, new RecentRefresh(response, now));
      return response;
    }
  }

  private record RecentRefresh(TokenResponse response, Instant at) {}

  /** Hands the tokens back to the authorization server, where it allows that. */
  void revoke(SmartSession smart) {
    ehrs.byName(smart.ehrName())
        .ifPresent(
            ehr -> {
              try {
                SmartConfiguration configuration = discovery.discover(smart.iss());
                if (configuration.revocationEndpoint() == null) {
                  return;
                }
                // The refresh token first (servers withdraw what was issued with it), then the
                // access token itself, for servers that keep the two apart.
                if (smart.refreshToken() != null) {
                  tokens.revoke(
                      ehr,
                      configuration.revocationEndpoint(),
                      smart.refreshToken(),
                      "refresh_token");
                }
                tokens.revoke(
                    ehr, configuration.revocationEndpoint(), smart.accessToken(), "access_token");
              } catch (SmartLaunchException e) {
                log.info("Revocation skipped for {}: {}", smart.ehrName(), e.getMessage());
              }
            });
  }

  private SmartUser user(
      TokenResponse response,
      SmartConfiguration configuration,
      SmartProperties.Ehr ehr,
      AppRole requested) {
    if (response.idToken() == null) {
      return new SmartUser(null, requested, null, null);
    }
    Jwt idToken = idTokens.verify(response.idToken(), configuration, ehr.clientId());
    String fhirUser = idToken.getClaimAsString("fhirUser");
    String name = idToken.getClaimAsString("name");
    if (name == null) {
      name = idToken.getClaimAsString("preferred_username");
    }
    return new SmartUser(
        fhirUser, AppRole.ofFhirUser(fhirUser, requested), name, idToken.getSubject());
  }

  private static LaunchContext context(TokenResponse response) {
    JsonNode banner = response.body().get("need_patient_banner");
    JsonNode fhirContext = response.body().get("fhirContext");
    return new LaunchContext(
        response.contextText("patient"),
        null,
        response.contextText("encounter"),
        banner != null && (banner.asBoolean() || "true".equalsIgnoreCase(banner.asText())),
        response.contextText("smart_style_url"),
        fhirContext == null || fhirContext.isNull() ? null : fhirContext.toString(),
        response.contextText("intent"));
  }

  /**
   * The patient's name for the banner, read from the EHR with the new token; null if unreadable.
   */
  private String patientName(String iss, String patientId, TokenResponse response) {
    if (!patientId.matches("[A-Za-z0-9\\-.]{1,64}")) {
      return null;
    }
    try {
      JsonNode patient =
          http.get()
              .uri(URI.create(iss + "/Patient/" + patientId))
              .header("Authorization", "Bearer " + response.accessToken())
              .accept(MediaType.valueOf("application/fhir+json"), MediaType.APPLICATION_JSON)
              .retrieve()
              .body(JsonNode.class);
      return PatientNames.display(patient);
    } catch (RestClientException e) {
      log.info(
          "Patient in context could not be read from the EHR: {}", e.getClass().getSimpleName());
      return null;
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, PendingLaunch> pending(HttpSession session) {
    Object value = session.getAttribute(PENDING);
    return value instanceof LinkedHashMap<?, ?> map
        ? (LinkedHashMap<String, PendingLaunch>) map
        : new LinkedHashMap<>();
  }

  private static String safe(String error) {
    return error.matches("[A-Za-z0-9_]{1,40}") ? error : "error";
  }
}
