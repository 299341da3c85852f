package health.commonground.security;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import health.commonground.testing.SandboxTokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Goal;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The FHIR API's protection, each rule allowed and denied, with real tokens from the sandbox (and
 * tokens forged on purpose for the failures a real server would not issue).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FhirAuthorizationIT {

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) throws Exception {
    Path dir = Files.createTempDirectory("cg-auth-it");
    registry.add("commonground.data-dir", dir::toString);
    registry.add("commonground.demo.enabled", () -> "false");
  }

  @LocalServerPort int port;
  @Autowired JWKSource<SecurityContext> sandboxKeys;

  private final FhirContext fhir = FhirContext.forR4Cached();
  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private SandboxTokens sandbox;
  private IGenericClient system;

  private String therapistA;
  private String therapistB;
  private String clientA;
  private String clientB;
  private String clientGoalA;
  private String therapistGoalA;
  private String goalB;

  @BeforeAll
  void seed() {
    sandbox = SandboxTokens.at("http://127.0.0.1:" + port);
    fhir.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
    fhir.getRestfulClientFactory().setSocketTimeout(180_000);
    system = client(sandbox.backendToken("system/*.cruds"));
    therapistA = create(practitioner("Okafor"));
    therapistB = create(practitioner("Lindqvist"));
    clientA = create(patient("Sam", therapistA));
    clientB = create(patient("Lucía", therapistB));
    clientGoalA = create(clientGoal(clientA, "Sleep before midnight on Sundays"));
    therapistGoalA = create(therapistGoal(clientA, therapistA, "Reduce anticipatory anxiety"));
    goalB = create(clientGoal(clientB, "Hablar con mi madre cada semana"));
  }

  // --- tokens ---------------------------------------------------------------------------------

  @Test
  void noTokenIs401WithWwwAuthenticateAndOperationOutcome() throws Exception {
    HttpResponse<String> response = get("/fhir/Goal", null);
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    assertThat(response.body()).contains("\"resourceType\":\"OperationOutcome\"");
    assertThat(get("/fhir/Goal", sandbox.backendToken("system/Goal.rs")).statusCode())
        .isEqualTo(200);
  }

  // --- browser apps on other origins (CORS) ----------------------------------------------------

  @Test
  void aBrowserAppOnAnotherOriginMayAskToWriteAndRead() throws Exception {
    HttpResponse<String> preflight = preflight("/fhir/Goal", "POST", "authorization, content-type");
    assertThat(preflight.statusCode()).isEqualTo(200);
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin"))
        .contains("https://ehr.example.org");
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Methods"))
        .hasValueSatisfying(v -> assertThat(v).contains("POST"));

    HttpResponse<String> read =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/fhir/Goal"))
                .header("Origin", "https://ehr.example.org")
                .header("Authorization", "Bearer " + sandbox.backendToken("system/Goal.rs"))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(read.statusCode()).isEqualTo(200);
    assertThat(read.headers().firstValue("Access-Control-Allow-Origin"))
        .contains("https://ehr.example.org");
    assertThat(read.headers().firstValue("Access-Control-Expose-Headers"))
        .hasValueSatisfying(v -> assertThat(v).contains("ETag").contains("Location"));
  }

  @Test
  void aPreflightForAMethodOrHeaderTheApiDoesNotTakeIsRefused() throws Exception {
    HttpResponse<String> method = preflight("/fhir/Goal", "TRACE", "authorization");
    assertThat(method.statusCode()).isEqualTo(403);
    assertThat(method.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    HttpResponse<String> header = preflight("/fhir/Goal", "GET", "x-forwarded-user");
    assertThat(header.statusCode()).isEqualTo(403);
    assertThat(header.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
  }

  private HttpResponse<String> preflight(String path, String method, String headers)
      throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
            .header("Origin", "https://ehr.example.org")
            .header("Access-Control-Request-Method", method)
            .header("Access-Control-Request-Headers", headers)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void metadataAndSmartConfigurationNeedNoToken() throws Exception {
    assertThat(get("/fhir/metadata", null).statusCode()).isEqualTo(200);
    HttpResponse<String> smart = get("/fhir/.well-known/smart-configuration", null);
    assertThat(smart.statusCode()).isEqualTo(200);
    @SuppressWarnings("unchecked")
    Map<String, Object> config = json.readValue(smart.body(), Map.class);
    String base = "http://127.0.0.1:" + port;
    assertThat(config.get("issuer")).isEqualTo(base);
    assertThat(config.get("authorization_endpoint")).isEqualTo(base + "/oauth2/authorize");
    assertThat(config.get("token_endpoint")).isEqualTo(base + "/oauth2/token");
    assertThat(config.get("jwks_uri")).isEqualTo(base + "/oauth2/jwks");
    assertThat(config.get("code_challenge_methods_supported")).isEqualTo(List.of("S256"));
    assertThat((List<Object>) config.get("token_endpoint_auth_methods_supported"))
        .contains("private_key_jwt");
    assertThat((List<Object>) config.get("grant_types_supported"))
        .contains("authorization_code", "client_credentials");
    assertThat((List<Object>) config.get("scopes_supported"))
        .contains(
            "openid", "fhirUser", "launch", "launch/patient", "patient/Goal.rs", "user/Goal.cruds");
    assertThat((List<Object>) config.get("capabilities"))
        .contains(
            "launch-ehr",
            "launch-standalone",
            "client-confidential-symmetric",
            "client-confidential-asymmetric",
            "context-ehr-patient",
            "context-standalone-patient",
            "permission-patient",
            "permission-user",
            "permission-v2",
            "sso-openid-connect",
            "context-passthrough-banner",
            "context-passthrough-style");
  }

  @Test
  void badSignatureIs401() throws Exception {
    RSAKey stranger = new RSAKeyGenerator(2048).keyID("stranger").generate();
    String forged = sign(stranger, claims("system/*.rs", null, null, sandbox.fhirBase(), 300));
    assertThat(get("/fhir/Goal", forged).statusCode()).isEqualTo(401);
    assertThat(
            get(
                    "/fhir/Goal",
                    sign(sandboxKey(), claims("system/*.rs", null, null, sandbox.fhirBase(), 300)))
                .statusCode())
        .isEqualTo(200);
  }

  @Test
  void expiredTokenIs401() throws Exception {
    HttpResponse<String> response =
        get(
            "/fhir/Goal",
            sign(sandboxKey(), claims("system/*.rs", null, null, sandbox.fhirBase(), -120)));
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("WWW-Authenticate").orElse(""))
        .contains("invalid_token");
  }

  @Test
  void wrongAudienceIs401() throws Exception {
    assertThat(
            get(
                    "/fhir/Goal",
                    sign(
                        sandboxKey(),
                        claims("system/*.rs", null, null, "https://elsewhere.example/fhir", 300)))
                .statusCode())
        .isEqualTo(401);
  }

  // --- scopes ---------------------------------------------------------------------------------

  @Test
  void scopeWithoutTheTypeIs403() throws Exception {
    String token =
        sign(
            sandboxKey(),
            claims("patient/Patient.rs", clientA, "Patient/" + clientA, sandbox.fhirBase(), 300));
    HttpResponse<String> goals = get("/fhir/Goal", token);
    assertThat(goals.statusCode()).isEqualTo(403);
    assertThat(goals.body()).contains("OperationOutcome");
    assertThat(get("/fhir/Patient/" + clientA, token).statusCode()).isEqualTo(200);
  }

  @Test
  void readOnlyScopeCannotWrite() throws Exception {
    IGenericClient reader = client(sandbox.backendToken("system/Goal.rs"));
    assertThat(status(() -> reader.read().resource(Goal.class).withId(goalB).execute()))
        .isEqualTo(200);
    assertThat(status(() -> reader.create().resource(clientGoal(clientB, "x")).execute()))
        .isEqualTo(403);
  }

  @Test
  void v1AndV2ScopesBothWork() throws Exception {
    for (String scope :
        List.of("patient/Goal.read", "patient/Goal.rs", "patient/*.read", "patient/*.*")) {
      String token =
          sign(sandboxKey(), claims(scope, clientA, "Patient/" + clientA, sandbox.fhirBase(), 300));
      assertThat(get("/fhir/Goal/" + clientGoalA, token).statusCode()).as(scope).isEqualTo(200);
    }
    String v1Write =
        sign(
            sandboxKey(),
            claims("patient/Goal.write", clientA, "Patient/" + clientA, sandbox.fhirBase(), 300));
    assertThat(get("/fhir/Goal/" + clientGoalA, v1Write).statusCode()).isEqualTo(403);
    assertThat(
            status(
                () ->
                    client(v1Write).create().resource(clientGoal(clientA, "Walk daily")).execute()))
        .isEqualTo(201);
  }

  @Test
  void granularScopeFiltersByItsSearchParameters() throws Exception {
    String token =
        sign(
            sandboxKey(),
            claims(
                "patient/Goal.rs?lifecycle-status=active", clientA, null, sandbox.fhirBase(), 300));
    Bundle goals =
        client(token).search().forResource(Goal.class).returnBundle(Bundle.class).execute();
    assertThat(ids(goals)).contains(clientGoalA).doesNotContain(goalB);
    String none =
        sign(
            sandboxKey(),
            claims(
                "patient/Goal.rs?lifecycle-status=completed",
                clientA,
                null,
                sandbox.fhirBase(),
                300));
    assertThat(
            client(none)
                .search()
                .forResource(Goal.class)
                .returnBundle(Bundle.class)
                .execute()
                .getTotal())
        .isZero();
  }

  // --- compartments ---------------------------------------------------------------------------

  @Test
  void clientReadsOwnGoalsAndAnotherClientsIs404() throws Exception {
    String token =
        sandbox.userToken("Patient/" + clientA, "openid fhirUser launch/patient patient/*.rs");
    assertThat(get("/fhir/Goal/" + clientGoalA, token).statusCode()).isEqualTo(200);
    assertThat(get("/fhir/Patient/" + clientA, token).statusCode()).isEqualTo(200);
    HttpResponse<String> other = get("/fhir/Goal/" + goalB, token);
    assertThat(other.statusCode()).isEqualTo(404);
    HttpResponse<String> missing = get("/fhir/Goal/does-not-exist", token);
    assertThat(other.body().replace(goalB, "X"))
        .isEqualTo(missing.body().replace("does-not-exist", "X"));
    assertThat(get("/fhir/Patient/" + clientB, token).statusCode()).isEqualTo(404);
    assertThat(get("/fhir/Goal/" + goalB + "/_history", token).statusCode()).isEqualTo(404);
    assertThat(get("/fhir/Goal/" + goalB + "/_history/1", token).statusCode()).isEqualTo(404);
  }

  @Test
  void searchIncludeAndRevincludeNeverLeakAcrossPatients() throws Exception {
    String token =
        sign(sandboxKey(), claims("patient/*.rs", clientA, null, sandbox.fhirBase(), 300));
    IGenericClient client = client(token);
    Bundle all = client.search().forResource(Goal.class).returnBundle(Bundle.class).execute();
    assertThat(all.getTotal()).isEqualTo(ids(all).size());
    assertThat(ids(all)).contains(clientGoalA, therapistGoalA).doesNotContain(goalB);

    Bundle asked =
        client
            .search()
            .byUrl("Goal?patient=Patient/" + clientB)
            .returnBundle(Bundle.class)
            .execute();
    assertThat(asked.getTotal()).isZero();
    assertThat(asked.getEntry()).isEmpty();

    Bundle included =
        client
            .search()
            .byUrl(
                "Goal?_include=Goal:subject&_include=Goal:expressed-by&_revinclude=Provenance:target")
            .returnBundle(Bundle.class)
            .execute();
    assertThat(ids(included))
        .contains(clientA, therapistA)
        .doesNotContain(clientB, therapistB, goalB);

    Bundle patients =
        client
            .search()
            .byUrl("Patient?_revinclude=Goal:patient")
            .returnBundle(Bundle.class)
            .execute();
    assertThat(ids(patients)).contains(clientA, clientGoalA).doesNotContain(clientB, goalB);
    assertThat(patients.getTotal()).isEqualTo(1);

    Bundle provenance = client.search().byUrl("Provenance").returnBundle(Bundle.class).execute();
    assertThat(provenance.getTotal()).isPositive();
    for (Bundle.BundleEntryComponent entry : provenance.getEntry()) {
      String target =
          ((org.hl7.fhir.r4.model.Provenance) entry.getResource())
              .getTargetFirstRep()
              .getReference();
      assertThat(target).doesNotContain(goalB).doesNotContain(clientB);
    }
    Bundle history = client.history().onType(Goal.class).returnBundle(Bundle.class).execute();
    assertThat(ids(history)).doesNotContain(goalB);
  }

  @Test
  void clinicianSeesTheClientsTheyTreatOnly() throws Exception {
    String token = sandbox.userToken("Practitioner/" + therapistA, "openid fhirUser user/*.cruds");
    assertThat(get("/fhir/Patient/" + clientA, token).statusCode()).isEqualTo(200);
    assertThat(get("/fhir/Goal/" + clientGoalA, token).statusCode()).isEqualTo(200);
    assertThat(get("/fhir/Patient/" + clientB, token).statusCode()).isEqualTo(404);
    assertThat(get("/fhir/Goal/" + goalB, token).statusCode()).isEqualTo(404);
    Bundle patients =
        client(token).search().forResource(Patient.class).returnBundle(Bundle.class).execute();
    assertThat(ids(patients)).containsExactly(clientA);
    assertThat(
            status(
                () ->
                    client(token)
                        .create()
                        .resource(therapistGoal(clientB, therapistA, "x"))
                        .execute()))
        .isEqualTo(403);
    String otherTherapist = sandbox.userToken("Practitioner/" + therapistB, "user/*.rs");
    assertThat(get("/fhir/Patient/" + clientB, otherTherapist).statusCode()).isEqualTo(200);
    assertThat(get("/fhir/Patient/" + clientA, otherTherapist).statusCode()).isEqualTo(404);
  }

  @Test
  void clientMayWriteOwnGoalButNotATherapistGoal() throws Exception {
    String token =
        sandbox.userToken(
            "Patient/" + clientA, "openid fhirUser launch/patient patient/Goal.cruds");
    IGenericClient client = client(token);
    assertThat(
            status(() -> client.create().resource(clientGoal(clientA, "Call my sister")).execute()))
        .isEqualTo(201);
    assertThat(
            status(
                () ->
                    client
                        .create()
                        .resource(therapistGoal(clientA, therapistA, "Mine now"))
                        .execute()))
        .isEqualTo(403);
    Goal existing = client.read().resource(Goal.class).withId(therapistGoalA).execute();
    existing.getDescription().setText("Rewritten by the client");
    assertThat(status(() -> client.update().resource(existing).execute())).isEqualTo(403);
    assertThat(
            status(
                () ->
                    client.create().resource(clientGoal(clientB, "Into another record")).execute()))
        .isEqualTo(403);
    Goal provenanceCheck = client.read().resource(Goal.class).withId(clientGoalA).execute();
    assertThat(provenanceCheck).isNotNull();
  }

  @Test
  void writesNameTheActingUserInProvenance() throws Exception {
    String token =
        sandbox.userToken(
            "Patient/" + clientA, "openid fhirUser patient/Goal.cruds patient/Provenance.rs");
    IGenericClient client = client(token);
    IdType created =
        (IdType)
            client.create().resource(clientGoal(clientA, "Read a book a month")).execute().getId();
    Bundle provenance =
        client
            .search()
            .byUrl("Provenance?target=Goal/" + created.getIdPart())
            .returnBundle(Bundle.class)
            .execute();
    assertThat(provenance.getEntry()).hasSize(1);
    assertThat(
            ((org.hl7.fhir.r4.model.Provenance) provenance.getEntryFirstRep().getResource())
                .getAgentFirstRep()
                .getWho()
                .getReference())
        .isEqualTo("Patient/" + clientA);
  }

  // --- the access boundary on every path ------------------------------------------------------

  @Test
  void conditionalCreateMatchesOnlyWhatTheCallerMayRead() throws Exception {
    String token =
        sandbox.userToken("Patient/" + clientA, "openid fhirUser launch/patient patient/*.cruds");
    String mine = json(clientGoal(clientA, "Walk to the park"));
    // Denied: another client's goal is no match, so nothing of it comes back.
    HttpResponse<String> probe = post("/fhir/Goal", token, mine, "If-None-Exist", "_id=" + goalB);
    assertThat(probe.statusCode()).isEqualTo(201);
    assertThat(probe.body()).doesNotContain(goalB).doesNotContain("Hablar con mi madre");
    // Allowed: the caller's own goal matches.
    HttpResponse<String> own =
        post("/fhir/Goal", token, mine, "If-None-Exist", "_id=" + clientGoalA);
    assertThat(own.statusCode()).isEqualTo(200);
    assertThat(own.body()).contains(clientGoalA);
    // Counting matches across records is not possible either: only the caller's own count.
    HttpResponse<String> range =
        post("/fhir/Goal", token, mine, "If-None-Exist", "_id=" + goalB + "," + clientGoalA);
    assertThat(range.statusCode()).isEqualTo(200);
    assertThat(range.body()).contains(clientGoalA).doesNotContain(goalB);

    // A clinician's conditional create of a Patient finds only the clients they treat.
    String clinician =
        sandbox.userToken("Practitioner/" + therapistA, "openid fhirUser user/*.cruds");
    // Not treated by this clinician, so no match, and a new client of someone else is refused.
    String lucia = json(patient("Lucía", therapistB));
    HttpResponse<String> byName =
        post("/fhir/Patient", clinician, lucia, "If-None-Exist", "_id=" + clientB);
    assertThat(byName.statusCode()).isEqualTo(403);
    assertThat(byName.body()).doesNotContain(clientB);
    HttpResponse<String> treated =
        post("/fhir/Patient", clinician, lucia, "If-None-Exist", "_id=" + clientA);
    assertThat(treated.statusCode()).isEqualTo(200);

    // The log says what the conditional create searched for.
    IGenericClient auditor = client(sandbox.backendToken("system/AuditEvent.rs"));
    assertThat(audit(auditor, "subtype=create&agent=Patient/" + clientA))
        .anySatisfy(
            e ->
                assertThat(e.getEntity())
                    .filteredOn(entity -> entity.getQuery() != null)
                    .anySatisfy(
                        entity ->
                            assertThat(
                                    new String(
                                        entity.getQuery(), java.nio.charset.StandardCharsets.UTF_8))
                                .isEqualTo("_id=" + goalB)));
  }

  @Test
  void conditionalCreateInATransactionMatchesOnlyWhatTheCallerMayRead() throws Exception {
    String token =
        sandbox.userToken("Patient/" + clientA, "openid fhirUser launch/patient patient/*.cruds");
    Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    transaction
        .addEntry()
        .setResource(clientGoal(clientA, "Cook dinner twice a week"))
        .getRequest()
        .setMethod(Bundle.HTTPVerb.POST)
        .setUrl("Goal")
        .setIfNoneExist("_id=" + goalB);
    HttpResponse<String> response = post("/fhir", token, json(transaction));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("201 Created").doesNotContain(goalB);
  }

  @Test
  void transactionPlaceholdersAreCheckedWhereTheyResolve() throws Exception {
    String clinician =
        sandbox.userToken("Practitioner/" + therapistA, "openid fhirUser user/*.cruds");
    int goalsOfB = goalsOf(clientB);
    // Denied: a conditional Patient resolving to a client the clinician does not treat.
    HttpResponse<String> denied =
        post("/fhir", clinician, json(placeholderTransaction("_id=" + clientB, null)));
    assertThat(denied.statusCode()).isEqualTo(403);
    assertThat(goalsOf(clientB)).isEqualTo(goalsOfB);
    // Denied: a PUT of that client's record, to point a placeholder at it.
    HttpResponse<String> put =
        post("/fhir", clinician, json(placeholderTransaction(null, clientB)));
    assertThat(put.statusCode()).isIn(403, 404);
    assertThat(put.body()).doesNotContain("Lucía");
    assertThat(goalsOf(clientB)).isEqualTo(goalsOfB);
    // Allowed: the same transaction for a client the clinician treats.
    int goalsOfA = goalsOf(clientA);
    HttpResponse<String> allowed =
        post("/fhir", clinician, json(placeholderTransaction("_id=" + clientA, null)));
    assertThat(allowed.statusCode()).isEqualTo(200);
    assertThat(goalsOf(clientA)).isEqualTo(goalsOfA + 1);
  }

  @Test
  void goalOperationsAnswer404ForGoalsTheCallerMayNotSee() throws Exception {
    String other = sandbox.userToken("Practitioner/" + therapistB, "openid fhirUser user/*.cruds");
    String own = sandbox.userToken("Practitioner/" + therapistA, "openid fhirUser user/*.cruds");
    String clientGoal = create(clientGoal(clientA, "Phone my brother"));
    String therapistGoal = create(therapistGoal(clientA, therapistA, "Practise grounding"));
    String align =
        parameters(
            "clientGoal", ref("Goal/" + clientGoal),
            "therapistGoal", ref("Goal/" + therapistGoal),
            "description", "{\"valueString\":\"Call family weekly\"}");
    String link = parameters("counterpart", ref("Goal/" + therapistGoal));
    String name =
        parameters(
            "counterpart",
            ref("Goal/" + therapistGoal),
            "dimension",
            "{\"valueCode\":\"different-perspectives\"}");
    String strategy =
        parameters(
            "counterpart",
            ref("Goal/" + therapistGoal),
            "strategy",
            "{\"valueCode\":\"collaboration\"}");
    String move =
        parameters(
            "counterpart", ref("Goal/" + therapistGoal), "status", "{\"valueCode\":\"exploring\"}");
    String accept = parameters("status", "{\"valueCode\":\"agree\"}");
    String revise =
        parameters(
            "goal",
            "{\"resource\":" + json(clientGoal(clientA, "Phone my brother and sister")) + "}",
            "divergences",
            "{\"valueCode\":\"supersede\"}");
    // Denied: a clinician who does not treat the client, for every operation.
    for (String[] call :
        List.of(
            new String[] {"/fhir/Goal/$align", align},
            new String[] {"/fhir/Goal/" + clientGoal + "/$link", link},
            new String[] {
              "/fhir/Goal/" + therapistGoal + "/$link",
              parameters("counterpart", ref("Goal/" + clientGoal))
            },
            new String[] {"/fhir/Goal/" + clientGoal + "/$name-divergence", name},
            new String[] {"/fhir/Goal/" + clientGoal + "/$log-strategy", strategy},
            new String[] {"/fhir/Goal/" + clientGoal + "/$move-divergence", move},
            new String[] {"/fhir/Goal/" + therapistGoal + "/$accept", accept},
            new String[] {"/fhir/Goal/" + clientGoal + "/$revise", revise})) {
      HttpResponse<String> response = post(call[0], other, call[1]);
      assertThat(response.statusCode()).as(call[0]).isEqualTo(404);
      assertThat(response.body()).as(call[0]).doesNotContain("Patient/" + clientA);
    }
    // A goal of another client as the counterpart is not known either.
    HttpResponse<String> across =
        post(
            "/fhir/Goal/" + therapistGoal + "/$link",
            own,
            parameters("counterpart", ref("Goal/" + goalB)));
    assertThat(across.statusCode()).isEqualTo(404);
    assertThat(across.body()).doesNotContain("Patient/" + clientB);
    // Allowed: the clinician who treats the client.
    assertThat(post("/fhir/Goal/" + clientGoal + "/$link", own, link).statusCode()).isEqualTo(200);
    assertThat(post("/fhir/Goal/" + clientGoal + "/$name-divergence", own, name).statusCode())
        .isEqualTo(200);
    assertThat(post("/fhir/Goal/$align", own, align).statusCode()).isEqualTo(200);
  }

  @Test
  void aCaseloadIsReadOnlyByItsClinicianAnAdministratorOrASystem() throws Exception {
    String own = sandbox.userToken("Practitioner/" + therapistA, "openid fhirUser user/*.cruds");
    String other = sandbox.userToken("Practitioner/" + therapistB, "openid fhirUser user/*.cruds");
    String client =
        sandbox.userToken("Patient/" + clientA, "openid fhirUser launch/patient patient/*.rs");
    String caseload = "/fhir/Practitioner/" + therapistA + "/$alignment";
    assertThat(get(caseload, own).statusCode()).isEqualTo(200);
    assertThat(get(caseload, sandbox.backendToken("system/*.rs")).statusCode()).isEqualTo(200);
    HttpResponse<String> otherClinician = get(caseload, other);
    assertThat(otherClinician.statusCode()).isEqualTo(403);
    assertThat(otherClinician.body()).doesNotContain(clientA);
    HttpResponse<String> ownClient = get(caseload, client);
    assertThat(ownClient.statusCode()).isIn(403, 404);
    assertThat(ownClient.body()).doesNotContain("Sleep before midnight");
  }

  @Test
  void operationsHonourTheResourceTypeOfTheScopes() throws Exception {
    String patientOnly =
        sandbox.userToken(
            "Patient/" + clientA, "openid fhirUser launch/patient patient/Patient.rs");
    HttpResponse<String> denied = get("/fhir/Patient/" + clientA + "/$alignment", patientOnly);
    assertThat(denied.statusCode()).isEqualTo(403);
    assertThat(denied.body()).doesNotContain("Sleep before midnight");
    assertThat(get("/fhir/Patient/" + clientA + "/$divergences", patientOnly).statusCode())
        .isEqualTo(403);
    String withGoals =
        sandbox.userToken(
            "Patient/" + clientA,
            "openid fhirUser launch/patient patient/Patient.rs patient/Goal.rs");
    assertThat(get("/fhir/Patient/" + clientA + "/$alignment", withGoals).statusCode())
        .isEqualTo(200);
    assertThat(get("/fhir/Patient/" + clientB + "/$alignment", withGoals).statusCode())
        .isEqualTo(404);
  }

  @Test
  void aClientCannotChangeWhoTreatsThemNorSpeakAsSomeoneElse() throws Exception {
    String token =
        sandbox.userToken("Patient/" + clientA, "openid fhirUser launch/patient patient/*.cruds");
    IGenericClient client = client(token);
    Patient self = client.read().resource(Patient.class).withId(clientA).execute();
    self.addTelecom()
        .setSystem(org.hl7.fhir.r4.model.ContactPoint.ContactPointSystem.PHONE)
        .setValue("555-0101");
    assertThat(status(() -> client.update().resource(self).execute())).isEqualTo(200);
    Patient again = client.read().resource(Patient.class).withId(clientA).execute();
    again.getGeneralPractitioner().clear();
    again.addGeneralPractitioner(new Reference("Practitioner/" + therapistB));
    assertThat(status(() -> client.update().resource(again).execute())).isEqualTo(403);
    assertThat(
            system
                .read()
                .resource(Patient.class)
                .withId(clientA)
                .execute()
                .getGeneralPractitionerFirstRep()
                .getReference())
        .isEqualTo("Practitioner/" + therapistA);

    Goal asAnother = clientGoal(clientA, "Words put in someone else's mouth");
    asAnother.setExpressedBy(new Reference("Patient/" + clientB));
    assertThat(status(() -> client.create().resource(asAnother).execute())).isEqualTo(403);
    Goal asFamily = clientGoal(clientA, "My mother wants me home by ten");
    String mother = create(relatedPerson(clientA));
    asFamily.setExpressedBy(new Reference("RelatedPerson/" + mother));
    assertThat(status(() -> client.create().resource(asFamily).execute())).isEqualTo(403);
    // A clinician may record what the family member said; the family member's own goal stands.
    IGenericClient clinician =
        client(sandbox.userToken("Practitioner/" + therapistA, "openid fhirUser user/*.cruds"));
    assertThat(status(() -> clinician.create().resource(asFamily).execute())).isEqualTo(201);
    Goal asColleague = therapistGoal(clientA, therapistB, "A colleague's words");
    assertThat(status(() -> clinician.create().resource(asColleague).execute())).isEqualTo(403);
  }

  @Test
  void aUserTokenWithoutFhirUserMayNotWrite() throws Exception {
    String noUser = sign(sandboxKey(), claims("user/*.cruds", null, null, sandbox.fhirBase(), 300));
    HttpResponse<String> write = post("/fhir/Goal", noUser, json(clientGoal(clientA, "Anyone's")));
    assertThat(write.statusCode()).isEqualTo(403);
    String withUser =
        sign(
            sandboxKey(),
            claims("user/*.cruds", null, "Practitioner/" + therapistA, sandbox.fhirBase(), 300));
    assertThat(
            post("/fhir/Goal", withUser, json(therapistGoal(clientA, therapistA, "Mine")))
                .statusCode())
        .isEqualTo(201);
  }

  @Test
  void aLaunchPatientIsReachedByTheLaunchedClinician() throws Exception {
    String launched =
        sign(
            sandboxKey(),
            claims(
                "launch user/*.cruds",
                clientB,
                "Practitioner/" + therapistA,
                sandbox.fhirBase(),
                300));
    assertThat(get("/fhir/Goal/" + goalB, launched).statusCode()).isEqualTo(200);
    String notLaunched =
        sign(
            sandboxKey(),
            claims("user/*.cruds", null, "Practitioner/" + therapistA, sandbox.fhirBase(), 300));
    assertThat(get("/fhir/Goal/" + goalB, notLaunched).statusCode()).isEqualTo(404);
  }

  // --- audit ----------------------------------------------------------------------------------

  @Test
  void everyAccessIsAuditedAndOnlyAdministratorsReadTheLog() throws Exception {
    String token =
        sandbox.userToken("Patient/" + clientA, "openid fhirUser launch/patient patient/*.rs");
    get("/fhir/Goal/" + clientGoalA, token);
    get("/fhir/Goal/" + goalB, token);
    get("/fhir/Goal?patient=" + clientA, token);
    get("/fhir/AuditEvent", token);
    get("/fhir/Patient/" + clientB, null);
    // A backend service has no patient context: the log names the client whose goal was read.
    String backend = sandbox.backendToken("system/*.cruds");
    assertThat(get("/fhir/Goal/" + goalB, backend).statusCode()).isEqualTo(200);

    assertThat(get("/fhir/AuditEvent", token).statusCode()).isEqualTo(403);
    assertThat(get("/fhir/AuditEvent", sandbox.backendToken("system/*.cruds")).statusCode())
        .isEqualTo(403);
    String admin = sandbox.backendToken("system/AuditEvent.rs");
    IGenericClient auditor = client(admin);

    List<AuditEvent> reads = audit(auditor, "entity=Goal/" + clientGoalA + "&subtype=read");
    assertThat(reads)
        .anySatisfy(
            e -> {
              assertThat(e.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._0);
              assertThat(e.getAgentFirstRep().getWho().getReference())
                  .isEqualTo("Patient/" + clientA);
              assertThat(e.getAgent())
                  .anySatisfy(
                      a ->
                          assertThat(a.getWho().getIdentifier().getValue())
                              .isEqualTo(SandboxTokens.APP_CLIENT));
              assertThat(e.getEntity())
                  .anySatisfy(
                      en ->
                          assertThat(en.getWhat().getReference()).isEqualTo("Patient/" + clientA));
            });
    assertThat(audit(auditor, "entity=Goal/" + goalB + "&outcome=0&subtype=read"))
        .anySatisfy(
            e ->
                assertThat(e.getEntity())
                    .extracting(en -> en.getWhat().getReference())
                    .contains("Goal/" + goalB, "Patient/" + clientB));
    assertThat(audit(auditor, "entity=Goal/" + goalB + "&outcome=4"))
        .anySatisfy(e -> assertThat(e.getOutcomeDesc()).startsWith("404"));
    assertThat(audit(auditor, "subtype=search-type&agent=Patient/" + clientA)).isNotEmpty();
    assertThat(audit(auditor, "entity=Patient/" + clientB + "&outcome=4"))
        .anySatisfy(e -> assertThat(e.getOutcomeDesc()).startsWith("401"));
    assertThat(audit(auditor, "outcome=4&agent=Patient/" + clientA))
        .anySatisfy(e -> assertThat(e.getOutcomeDesc()).startsWith("403"));
    assertThat(status(() -> auditor.create().resource(new AuditEvent()).execute())).isEqualTo(403);
  }

  @Test
  void invalidWritesAreAuditedToo() throws Exception {
    Goal invalid = clientGoal(clientA, "No language");
    invalid.setLanguage(null);
    // Declaring ClientGoal holds it to the profile, which asks for the language.
    invalid.getMeta().addProfile(health.commonground.goal.GoalRole.CLIENT.profile());
    assertThat(status(() -> system.create().resource(invalid).execute())).isEqualTo(422);
    IGenericClient auditor = client(sandbox.backendToken("system/AuditEvent.rs"));
    assertThat(audit(auditor, "subtype=create&outcome=4"))
        .anySatisfy(e -> assertThat(e.getOutcomeDesc()).startsWith("422"));
  }

  private List<AuditEvent> audit(IGenericClient auditor, String query) {
    Bundle bundle =
        auditor
            .search()
            .byUrl("AuditEvent?_count=200&" + query)
            .returnBundle(Bundle.class)
            .execute();
    return bundle.getEntry().stream().map(e -> (AuditEvent) e.getResource()).toList();
  }

  // --- helpers --------------------------------------------------------------------------------

  private IGenericClient client(String token) {
    IGenericClient client = fhir.newRestfulGenericClient(sandbox.fhirBase());
    client.registerInterceptor(new BearerTokenAuthInterceptor(token));
    return client;
  }

  private String create(Resource resource) {
    return system.create().resource(resource).execute().getId().getIdPart();
  }

  private static Practitioner practitioner(String family) {
    Practitioner practitioner = new Practitioner();
    practitioner.addName().setFamily(family);
    return practitioner;
  }

  private static Patient patient(String given, String practitionerId) {
    Patient patient = new Patient();
    patient.addName().addGiven(given).setFamily("Test");
    patient.addGeneralPractitioner(new Reference("Practitioner/" + practitionerId));
    return patient;
  }

  static Goal clientGoal(String patientId, String words) {
    Goal goal = new Goal();
    goal.setLanguage("en");
    goal.setLifecycleStatus(Goal.GoalLifecycleStatus.ACTIVE);
    goal.getDescription().setText(words);
    goal.setSubject(new Reference("Patient/" + patientId));
    goal.setExpressedBy(new Reference("Patient/" + patientId));
    return goal;
  }

  static Goal therapistGoal(String patientId, String practitionerId, String words) {
    Goal goal = new Goal();
    goal.setLifecycleStatus(Goal.GoalLifecycleStatus.ACTIVE);
    goal.getDescription().setText(words);
    goal.setSubject(new Reference("Patient/" + patientId));
    goal.setExpressedBy(new Reference("Practitioner/" + practitionerId));
    return goal;
  }

  private static List<String> ids(Bundle bundle) {
    return bundle.getEntry().stream().map(e -> e.getResource().getIdElement().getIdPart()).toList();
  }

  private int status(java.util.concurrent.Callable<?> call) {
    try {
      Object result = call.call();
      if (result instanceof ca.uhn.fhir.rest.api.MethodOutcome outcome) {
        return Boolean.TRUE.equals(outcome.getCreated()) ? 201 : 200;
      }
      return 200;
    } catch (ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException e) {
      return e.getStatusCode();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private Bundle placeholderTransaction(String conditionalPatient, String putPatient) {
    Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    Patient patient = new Patient();
    patient.addName().setFamily("Placeholder");
    Bundle.BundleEntryComponent entry =
        bundle.addEntry().setFullUrl("urn:uuid:6a0c3a9e-6f2b-4a3e-9f3e-3c1d2b4a5e6f");
    if (putPatient != null) {
      patient.setId(putPatient);
      entry
          .setResource(patient)
          .getRequest()
          .setMethod(Bundle.HTTPVerb.PUT)
          .setUrl("Patient/" + putPatient);
    } else {
      entry
          .setResource(patient)
          .getRequest()
          .setMethod(Bundle.HTTPVerb.POST)
          .setUrl("Patient")
          .setIfNoneExist(conditionalPatient);
    }
    Goal goal = clientGoal("x", "Written through a placeholder");
    goal.setSubject(new Reference("urn:uuid:6a0c3a9e-6f2b-4a3e-9f3e-3c1d2b4a5e6f"));
    goal.setExpressedBy(new Reference("urn:uuid:6a0c3a9e-6f2b-4a3e-9f3e-3c1d2b4a5e6f"));
    bundle.addEntry().setResource(goal).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Goal");
    return bundle;
  }

  private int goalsOf(String patientId) {
    return system
        .search()
        .byUrl("Goal?patient=" + patientId + "&_count=500")
        .returnBundle(Bundle.class)
        .execute()
        .getEntry()
        .size();
  }

  private static org.hl7.fhir.r4.model.RelatedPerson relatedPerson(String patientId) {
    org.hl7.fhir.r4.model.RelatedPerson person = new org.hl7.fhir.r4.model.RelatedPerson();
    person.setPatient(new Reference("Patient/" + patientId));
    person.addName().setFamily("Test").addGiven("Mother");
    return person;
  }

  private String json(org.hl7.fhir.instance.model.api.IBaseResource resource) {
    return fhir.newJsonParser().encodeResourceToString(resource);
  }

  private static String ref(String reference) {
    return "{\"valueReference\":{\"reference\":\"" + reference + "\"}}";
  }

  /** A Parameters resource from name, value-JSON pairs (e.g. "status", {"valueCode":"agree"}). */
  private static String parameters(String... nameAndValue) {
    StringBuilder parameters =
        new StringBuilder("{\"resourceType\":\"Parameters\",\"parameter\":[");
    for (int i = 0; i < nameAndValue.length; i += 2) {
      String value = nameAndValue[i + 1];
      parameters
          .append(i == 0 ? "" : ",")
          .append("{\"name\":\"")
          .append(nameAndValue[i])
          .append("\",")
          .append(value, 1, value.length() - 1)
          .append("}");
    }
    return parameters.append("]}").toString();
  }

  private HttpResponse<String> post(String path, String token, String body, String... headers)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Accept", "application/fhir+json")
            .header("Content-Type", "application/fhir+json")
            .header("Authorization", "Bearer " + token);
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return http.send(
        request.POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path, String token) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Accept", "application/fhir+json");
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private RSAKey sandboxKey() throws Exception {
    return (RSAKey) sandboxKeys.get(new JWKSelector(new JWKMatcher.Builder().build()), null).get(0);
  }

  private JWTClaimsSet claims(
      String scope, String patient, String fhirUser, String audience, int expiresIn) {
    Date now = new Date();
    JWTClaimsSet.Builder claims =
        new JWTClaimsSet.Builder()
            .issuer("http://127.0.0.1:" + port)
            .subject("test")
            .audience(audience)
            .claim("client_id", "forged-in-test")
            .claim("scope", scope)
            .issueTime(new Date(now.getTime() - 600_000))
            .expirationTime(new Date(now.getTime() + expiresIn * 1000L));
    if (patient != null) {
      claims.claim("patient", patient);
    }
    if (fhirUser != null) {
      claims.claim("fhirUser", sandbox.fhirBase() + "/" + fhirUser);
    }
    return claims.build();
  }

  private static String sign(RSAKey key, JWTClaimsSet claims) throws Exception {
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
    jwt.sign(new RSASSASigner(key));
    return jwt.serialize();
  }
}
