package health.commonground.sandbox;

import ca.uhn.fhir.context.FhirContext;
import health.commonground.people.TreatedClients;
import health.commonground.security.ServerUrls;
import health.commonground.store.LocalReference;
import health.commonground.store.ResourceStore;
import health.commonground.store.SearchParamRegistry;
import health.commonground.store.SearchQuery;
import health.commonground.store.StoredVersion;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.security.web.savedrequest.HttpSessionRequestCache;
import org.springframework.security.web.savedrequest.SavedRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.util.HtmlUtils;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The sandbox's pages: sign in as a demo clinician or client, an EHR launcher that starts the app
 * with a patient in context, and the patient picker of a clinician's standalone launch. Every page
 * says it is the sandbox of the embedded default.
 */
@RestController
@RequestMapping("/sandbox")
@ConditionalOnProperty(name = "commonground.sandbox.enabled", havingValue = "true")
class SandboxPages {

  static final String STYLE_PATH = "/sandbox/smart-style.json";
  static final String PATIENT_PICKER_PATH = "/sandbox/pick-patient";

  /** Session attribute: the authorization request (path and query) waiting for a patient. */
  static final String AUTHORIZATION_AWAITING_PATIENT = "COMMONGROUND_SANDBOX_AWAITING_PATIENT";

  private final ResourceStore store;
  private final SearchParamRegistry registry;
  private final FhirContext fhirContext;
  private final LaunchContexts launches;
  private final ServerUrls urls;
  private final TreatedClients treatedClients;
  private final SandboxClients clients;
  private final HttpSessionSecurityContextRepository signIns =
      new HttpSessionSecurityContextRepository();
  private final HttpSessionRequestCache pendingAuthorizations = new HttpSessionRequestCache();

  SandboxPages(
      ResourceStore store,
      SearchParamRegistry registry,
      FhirContext fhirContext,
      LaunchContexts launches,
      ServerUrls urls,
      TreatedClients treatedClients,
      SandboxClients clients) {
    this.store = store;
    this.registry = registry;
    this.fhirContext = fhirContext;
    this.launches = launches;
    this.urls = urls;
    this.treatedClients = treatedClients;
    this.clients = clients;
    signIns.setSpringSecurityContextKey(SandboxConfig.SESSION_CONTEXT_KEY);
    pendingAuthorizations.setSessionAttrName("COMMONGROUND_SANDBOX_SAVED_REQUEST");
  }

  /** A demo person one can sign in as. */
  record DemoUser(String reference, String name, String identifiers) {}

  @GetMapping(
      value = {"", "/"},
      produces = MediaType.TEXT_HTML_VALUE)
  String index() {
    return page(
        "SMART sandbox",
        "<p><a href=\"launch\">EHR launcher</a>: start the app as a clinician with a client's"
            + " chart open.</p><p><a href=\"login\">Sign in</a> as a demo clinician or client.</p>");
  }

  @GetMapping(value = "/login", produces = MediaType.TEXT_HTML_VALUE)
  String login(CsrfToken csrf) {
    StringBuilder body = new StringBuilder("<p>Sign in as one of the demo clinic's people.</p>");
    body.append("<h2>Clinicians</h2>");
    users("Practitioner").forEach(user -> body.append(personButton("login", "user", user, csrf)));
    body.append("<h2>Clients</h2>");
    users("Patient").forEach(user -> body.append(personButton("login", "user", user, csrf)));
    return page("Sign in", body.toString());
  }

  @PostMapping("/login")
  void signIn(@RequestParam String user, HttpServletRequest request, HttpServletResponse response)
      throws java.io.IOException {
    LocalReference person = demoUser(user);
    signInAs(person, request, response);
    SavedRequest pending = pendingAuthorizations.getRequest(request, response);
    if (pending != null) {
      pendingAuthorizations.removeRequest(request, response);
      response.sendRedirect(pending.getRedirectUrl());
    } else {
      response.sendRedirect(request.getContextPath() + "/sandbox/launch");
    }
  }

  /**
   * The EHR launcher: a clinician opens the chart of one of their clients and launches an app (by
   * its launch URL and OAuth client) from it. The first clinician's first client is preselected.
   */
  @GetMapping(value = "/launch", produces = MediaType.TEXT_HTML_VALUE)
  String launcher(CsrfToken csrf) {
    StringBuilder body = new StringBuilder("<form method=\"post\" action=\"launch\">");
    body.append(csrfField(csrf));
    body.append("<p><label>Clinician <select name=\"practitioner\">");
    List<DemoUser> clinicians = users("Practitioner");
    clinicians.forEach(u -> body.append(option(u, false)));
    Set<String> firstTreated =
        clinicians.isEmpty()
            ? Set.of()
            : treatedClients.of(
                "Practitioner",
                LocalReference.parse(clinicians.get(0).reference()).orElseThrow().id());
    body.append("</select></label></p><p><label>Client's chart <select name=\"patient\">");
    boolean selected = false;
    for (DemoUser patient : users("Patient")) {
      boolean first =
          !selected
              && firstTreated.contains(
                  LocalReference.parse(patient.reference()).orElseThrow().id());
      selected |= first;
      body.append(option(patient, first));
    }
    body.append("</select></label></p><p><label>App (OAuth client) <select name=\"client_id\">");
    clients
        .interactiveClientIds()
        .forEach(
            id -> body.append("<option>").append(HtmlUtils.htmlEscape(id)).append("</option>"));
    body.append("</select></label></p>")
        .append("<p><label>App launch URL <input name=\"app\" size=\"60\" value=\"")
        .append(HtmlUtils.htmlEscape(urls.ownBase() + "/launch"))
        .append("\"></label></p><p><label><input type=\"checkbox\" name=\"banner\" value=\"true\">")
        .append(" App shows the patient banner</label></p>")
        .append("<p><small>Only a client the clinician treats can be opened.</small></p>")
        .append("<p><button type=\"submit\">Launch</button></p></form>");
    return page("EHR launcher", body.toString());
  }

  @PostMapping("/launch")
  void launch(
      @RequestParam String practitioner,
      @RequestParam String patient,
      @RequestParam(name = "client_id", required = false) String clientId,
      @RequestParam String app,
      @RequestParam(defaultValue = "false") boolean banner,
      HttpServletRequest request,
      HttpServletResponse response)
      throws java.io.IOException {
    LocalReference clinician = demoUser(practitioner);
    if (!clinician.type().equals("Practitioner")) {
      throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "Not a clinician: " + practitioner);
    }
    URI appUri = URI.create(app);
    if (!"http".equals(appUri.getScheme()) && !"https".equals(appUri.getScheme())) {
      throw new IllegalArgumentException("The app launch URL must be http(s)");
    }
    LocalReference client = treatedClient(clinician, patient);
    if (clientId == null) {
      clientId = clients.interactiveClientIds().stream().findFirst().orElse(null);
    }
    requireInteractiveClient(clientId);
    // The EHR session is the clinician's: the app's authorization then needs no second sign-in.
    signInAs(clinician, request, response);
    String id =
        launches.mint(
            client.id(), null, clinician.id(), clientId, banner, urls.ownBase() + STYLE_PATH);
    response.sendRedirect(
        app
            + (app.contains("?") ? "&" : "?")
            + "iss="
            + encode(urls.fhirBase())
            + "&launch="
            + encode(id));
  }

  /**
   * The patient picker: a signed-in clinician's standalone launch asked for a patient ({@code
   * launch/patient}); see {@link SmartAuthorizeRequestCheck}.
   */
  @GetMapping(value = "/pick-patient", produces = MediaType.TEXT_HTML_VALUE)
  String patientPicker(CsrfToken csrf, HttpSession session) {
    LocalReference clinician = requireClinician();
    if (session.getAttribute(AUTHORIZATION_AWAITING_PATIENT) == null) {
      throw new ResponseStatusException(
          HttpStatus.BAD_REQUEST, "No app is waiting for a patient; start again from the app");
    }
    Set<String> treated = treatedClients.of(clinician.type(), clinician.id());
    StringBuilder body =
        new StringBuilder("<p>The app asks for a client's record. Whose record do you open?</p>");
    users("Patient").stream()
        .filter(user -> treated.contains(LocalReference.parse(user.reference()).orElseThrow().id()))
        .forEach(user -> body.append(personButton("pick-patient", "patient", user, csrf)));
    if (treated.isEmpty()) {
      body.append("<p>You treat no client of the clinic (none names you as their clinician).</p>");
    }
    return page("Choose a client", body.toString());
  }

  /** The pick goes back to the waiting authorization request as a launch (patient, clinician). */
  @PostMapping("/pick-patient")
  void pickPatient(@RequestParam String patient, HttpServletResponse response, HttpSession session)
      throws java.io.IOException {
    LocalReference clinician = requireClinician();
    LocalReference client = treatedClient(clinician, patient);
    Object awaiting = session.getAttribute(AUTHORIZATION_AWAITING_PATIENT);
    if (!(awaiting instanceof String authorization)) {
      throw new ResponseStatusException(
          HttpStatus.BAD_REQUEST, "No app is waiting for a patient; start again from the app");
    }
    session.removeAttribute(AUTHORIZATION_AWAITING_PATIENT);
    // No EHR around the app, so it shows who the record is about.
    String launch =
        launches.mint(
            client.id(),
            null,
            clinician.id(),
            UriComponentsBuilder.fromUriString(authorization)
                .build()
                .getQueryParams()
                .getFirst("client_id"),
            true,
            urls.ownBase() + STYLE_PATH);
    response.sendRedirect(authorization + "&launch=" + encode(launch));
  }

  /** The signed-in sandbox user (a demo Practitioner or Patient). */
  static Optional<LocalReference> signedInUser() {
    Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
    if (authentication == null
        || !authentication.isAuthenticated()
        || authentication instanceof AnonymousAuthenticationToken) {
      return Optional.empty();
    }
    return LocalReference.parse(authentication.getName());
  }

  /** The signed-in sandbox user when it is a clinician (a Practitioner). */
  static Optional<LocalReference> signedInPractitioner() {
    return signedInUser().filter(r -> r.type().equals("Practitioner"));
  }

  /**
   * A client of the clinic whom the clinician treats: a launch's patient context opens the client's
   * whole record, so only for a client the clinician treats (people/TreatedClients).
   */
  private LocalReference treatedClient(LocalReference clinician, String patient) {
    LocalReference client =
        LocalReference.parse(patient.startsWith("Patient/") ? patient : "Patient/" + patient)
            .filter(r -> r.type().equals("Patient") && store.exists(r.type(), r.id()))
            .orElseThrow(
                () ->
                    new ResponseStatusException(
                        HttpStatus.BAD_REQUEST, "Not a client of the clinic: " + patient));
    if (!treatedClients.of(clinician.type(), clinician.id()).contains(client.id())) {
      throw new ResponseStatusException(
          HttpStatus.FORBIDDEN, "You do not treat " + patient + "; choose one of your clients");
    }
    return client;
  }

  private void requireInteractiveClient(String clientId) {
    if (clientId == null || !clients.interactiveClientIds().contains(clientId)) {
      throw new ResponseStatusException(
          HttpStatus.BAD_REQUEST, "client_id must name an app registered with the sandbox");
    }
  }

  private static LocalReference requireClinician() {
    return signedInPractitioner()
        .orElseThrow(
            () ->
                new ResponseStatusException(
                    HttpStatus.FORBIDDEN, "Only a signed-in clinician chooses a client here"));
  }

  /**
   * For tools and tests: mint an EHR launch without the page. Like the launcher, only for the
   * signed-in clinician (and with the sandbox session's CSRF token, header {@code X-CSRF-TOKEN}),
   * for one of their clients and one app ({@code client_id}).
   */
  @PostMapping(value = "/launches", consumes = MediaType.APPLICATION_JSON_VALUE)
  Map<String, Object> mintLaunch(@RequestBody Map<String, Object> launch) {
    LocalReference clinician =
        signedInPractitioner()
            .orElseThrow(
                () ->
                    new ResponseStatusException(
                        HttpStatus.FORBIDDEN, "Only a signed-in clinician launches an app"));
    if (launch.get("practitioner") instanceof String practitioner
        && !practitioner.equals(clinician.id())
        && !practitioner.equals(clinician.relative())) {
      throw new ResponseStatusException(
          HttpStatus.FORBIDDEN, "A launch is for the signed-in clinician only");
    }
    if (!(launch.get("patient") instanceof String patient)) {
      throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "patient is required");
    }
    LocalReference client = treatedClient(clinician, patient);
    String clientId = launch.get("client_id") instanceof String id ? id : null;
    requireInteractiveClient(clientId);
    String id =
        launches.mint(
            client.id(),
            launch.get("encounter") instanceof String encounter ? encounter : null,
            clinician.id(),
            clientId,
            Boolean.TRUE.equals(launch.get("need_patient_banner")),
            launch.get("smart_style_url") instanceof String style
                ? style
                : urls.ownBase() + STYLE_PATH);
    return Map.of(
        "launch", id, "iss", urls.fhirBase(), "expires_in", LaunchContexts.LIFETIME.toSeconds());
  }

  @GetMapping(value = "/smart-style.json", produces = MediaType.APPLICATION_JSON_VALUE)
  @ResponseBody
  ResponseEntity<Map<String, Object>> style() {
    return ResponseEntity.ok(
        Map.of(
            "color_background", "#f7f7f2",
            "color_error", "#9e2d2d",
            "color_highlight", "#2f6f6a",
            "color_modal_backdrop", "",
            "color_success", "#2e7d32",
            "color_text", "#222222",
            "dim_border_radius", "6px",
            "dim_font_size", "16px",
            "dim_spacing_size", "18px",
            "font_family_body", "system-ui, sans-serif"));
  }

  private void signInAs(
      LocalReference person, HttpServletRequest request, HttpServletResponse response) {
    UsernamePasswordAuthenticationToken authentication =
        UsernamePasswordAuthenticationToken.authenticated(
            person.relative(), null, AuthorityUtils.createAuthorityList("ROLE_SANDBOX_USER"));
    SecurityContext context = SecurityContextHolder.createEmptyContext();
    context.setAuthentication(authentication);
    SecurityContextHolder.setContext(context);
    request.changeSessionId();
    signIns.saveContext(context, request, response);
  }

  private LocalReference demoUser(String reference) {
    LocalReference person =
        LocalReference.parse(reference)
            .filter(r -> r.type().equals("Practitioner") || r.type().equals("Patient"))
            .orElseThrow(() -> new IllegalArgumentException("Not a demo user: " + reference));
    if (!store.exists(person.type(), person.id())) {
      throw new IllegalArgumentException("No such demo user: " + reference);
    }
    return person;
  }

  /** The clinic's people, found at run time (the demo data's ids are the store's to choose). */
  private List<DemoUser> users(String type) {
    List<DemoUser> users = new ArrayList<>();
    for (StoredVersion stored : store.search(SearchQuery.parse(type, Map.of(), registry), 0, 200)) {
      Object resource = fhirContext.newJsonParser().parseResource(stored.json());
      List<HumanName> names =
          resource instanceof Patient p ? p.getName() : ((Practitioner) resource).getName();
      String identifiers =
          (resource instanceof Patient p
                  ? p.getIdentifier()
                  : ((Practitioner) resource).getIdentifier())
              .stream()
                  .map(i -> i.getValue())
                  .filter(v -> v != null)
                  .reduce((a, b) -> a + ", " + b)
                  .orElse("");
      String name =
          names.isEmpty() ? type + "/" + stored.id() : names.get(0).getNameAsSingleString();
      users.add(new DemoUser(type + "/" + stored.id(), name, identifiers));
    }
    users.sort(Comparator.comparing(DemoUser::name));
    return users;
  }

  /** A button that posts the person to the action, as the named field. */
  private static String personButton(String action, String field, DemoUser user, CsrfToken csrf) {
    return "<form method=\"post\" action=\""
        + action
        + "\">"
        + csrfField(csrf)
        + "<input type=\"hidden\" name=\""
        + field
        + "\" value=\""
        + HtmlUtils.htmlEscape(user.reference())
        + "\">"
        + "<button type=\"submit\">"
        + HtmlUtils.htmlEscape(user.name())
        + "</button> <small>"
        + HtmlUtils.htmlEscape(user.identifiers())
        + "</small></form>";
  }

  private static String option(DemoUser user, boolean selected) {
    return "<option value=\""
        + HtmlUtils.htmlEscape(user.reference())
        + (selected ? "\" selected>" : "\">")
        + HtmlUtils.htmlEscape(user.name())
        + "</option>";
  }

  private static String csrfField(CsrfToken csrf) {
    return "<input type=\"hidden\" name=\""
        + HtmlUtils.htmlEscape(csrf.getParameterName())
        + "\" value=\""
        + HtmlUtils.htmlEscape(csrf.getToken())
        + "\">";
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  /** Every sandbox page, with the notice that this is not a real authorization server. */
  static String page(String title, String body) {
    return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>"
        + HtmlUtils.htmlEscape(title)
        + " · Common Ground SMART sandbox</title></head><body>"
        + "<p role=\"note\" style=\"background:#fff3cd;padding:.5em;border:1px solid #c9a227\">"
        + "<strong>Sandbox</strong> — the built-in SMART authorization server of Common Ground's"
        + " embedded default, for demos and development only. Deploy with Keycloak (or your EHR's"
        + " authorization server) for real use.</p><h1>"
        + HtmlUtils.htmlEscape(title)
        + "</h1>"
        + body
        + "</body></html>";
  }
}
