package health.commonground.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import com.nimbusds.jwt.SignedJWT;
import health.commonground.testing.SandboxTokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The sandbox authorization server: PKCE, aud, launch context and SMART claims. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SandboxAuthorizationIT {

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) throws Exception {
    Path dir = Files.createTempDirectory("cg-sandbox-it");
    registry.add("commonground.data-dir", dir::toString);
    registry.add("commonground.demo.enabled", () -> "false");
  }

  @LocalServerPort int port;

  private SandboxTokens sandbox;
  private String practitioner;
  private String patient;
  private String anotherTherapistsClient;
  private String anotherTherapist;

  @BeforeAll
  void seed() {
    sandbox = SandboxTokens.at("http://127.0.0.1:" + port);
    FhirContext fhir = FhirContext.forR4Cached();
    fhir.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
    fhir.getRestfulClientFactory().setSocketTimeout(180_000);
    IGenericClient system = fhir.newRestfulGenericClient(sandbox.fhirBase());
    system.registerInterceptor(sandbox.backendInterceptor());
    Practitioner clinician = new Practitioner();
    clinician.addName().setFamily("Okafor");
    practitioner = system.create().resource(clinician).execute().getId().getIdPart();
    Patient client = new Patient();
    client.addName().setFamily("Rivera").addGiven("Sam");
    client.addGeneralPractitioner(new Reference("Practitioner/" + practitioner));
    patient = system.create().resource(client).execute().getId().getIdPart();
    Patient notTheirs = new Patient();
    notTheirs.addName().setFamily("Nakamura").addGiven("Ren");
    anotherTherapistsClient = system.create().resource(notTheirs).execute().getId().getIdPart();
    Practitioner other = new Practitioner();
    other.addName().setFamily("Lindqvist");
    anotherTherapist = system.create().resource(other).execute().getId().getIdPart();
  }

  @Test
  void standalonePatientLaunchPutsThePatientInTheTokenResponseAndClaims() throws Exception {
    Map<String, Object> response =
        sandbox.signInAndAuthorize(
            "Patient/" + patient, "openid fhirUser launch/patient patient/Goal.rs", null);
    assertThat(response).containsEntry("patient", patient).containsKey("id_token");
    assertThat(response.get("need_patient_banner")).isEqualTo(true);
    assertThat((String) response.get("smart_style_url")).endsWith("/sandbox/smart-style.json");
    Map<String, Object> claims =
        SignedJWT.parse((String) response.get("access_token")).getJWTClaimsSet().getClaims();
    assertThat(claims.get("aud")).isEqualTo(List.of(sandbox.fhirBase()));
    assertThat(claims)
        .containsEntry("patient", patient)
        .containsEntry("client_id", SandboxTokens.APP_CLIENT);
    assertThat(claims.get("fhirUser")).isEqualTo(sandbox.fhirBase() + "/Patient/" + patient);
    Map<String, Object> idToken =
        SignedJWT.parse((String) response.get("id_token")).getJWTClaimsSet().getClaims();
    assertThat(idToken.get("fhirUser")).isEqualTo(sandbox.fhirBase() + "/Patient/" + patient);
  }

  @Test
  void aClinicianStandaloneLaunchAsksWhichPatientAndCarriesThePick() throws Exception {
    SandboxTokens.Flow flow = standaloneAskingForPatient();
    String code = flow.signInAndPickPatient("Practitioner/" + practitioner, "Patient/" + patient);
    Map<String, Object> response = flow.exchange(code, flow.verifier());
    assertThat(response)
        .containsEntry("patient", patient)
        .containsEntry("need_patient_banner", true);
    assertTheAccessTokenNamesThePatientAndTheClinician(response);
  }

  @Test
  void onlyAClinicianWithAnAppWaitingPicksAPatient() {
    // A client signed in (their own record is their context) cannot pick someone else's.
    SandboxTokens.Flow client = standaloneAskingForPatient();
    client.signInAs("Patient/" + patient);
    assertThat(client.pickPatient("Patient/" + patient, client.csrf()).status()).isEqualTo(403);

    // A clinician with no app waiting for a patient (an EHR launch had one) has nothing to pick.
    String launch = sandbox.mintLaunch(Map.of("patient", patient, "practitioner", practitioner));
    SandboxTokens.Flow clinician =
        sandbox.startAuthorization(
            SandboxTokens.APP_CLIENT, "launch openid fhirUser user/Goal.rs", launch, "S256");
    clinician.signInAs("Practitioner/" + practitioner);
    assertThat(clinician.pickPatient("Patient/" + patient, clinician.csrf()).status())
        .isEqualTo(400);

    // Nor is anyone but a client of the clinic a patient to pick, nor a client the clinician does
    // not treat: the patient context opens the whole record.
    assertThat(statusOfPickingWhatIsNotOffered("Practitioner/" + practitioner)).isEqualTo(400);
    assertThat(statusOfPickingWhatIsNotOffered("Patient/" + anotherTherapistsClient))
        .isEqualTo(403);
  }

  /** A standalone launch of the app asking for a patient context. */
  private SandboxTokens.Flow standaloneAskingForPatient() {
    return sandbox.startAuthorization(
        SandboxTokens.APP_CLIENT, "openid fhirUser launch/patient patient/Goal.rs", null, "S256");
  }

  /** In a clinician's standalone launch: the reference is not offered; the status of posting it. */
  private int statusOfPickingWhatIsNotOffered(String reference) {
    SandboxTokens.Flow flow = standaloneAskingForPatient();
    assertThatThrownBy(() -> flow.signInAndPickPatient("Practitioner/" + practitioner, reference))
        .hasMessageContaining("is not offered");
    return flow.pickPatient(reference, flow.csrf()).status();
  }

  @Test
  void ehrLaunchCarriesTheLaunchContext() throws Exception {
    String launch =
        sandbox.mintLaunch(
            Map.of(
                "patient",
                patient,
                "practitioner",
                practitioner,
                "encounter",
                "enc-1",
                "need_patient_banner",
                false,
                "smart_style_url",
                "https://ehr.example/style.json"));
    Map<String, Object> response =
        sandbox.signInAndAuthorize(
            "Practitioner/" + practitioner, "launch openid fhirUser user/Goal.cruds", launch);
    assertThat(response)
        .containsEntry("patient", patient)
        .containsEntry("encounter", "enc-1")
        .containsEntry("need_patient_banner", false)
        .containsEntry("smart_style_url", "https://ehr.example/style.json");
    assertTheAccessTokenNamesThePatientAndTheClinician(response);
  }

  private void assertTheAccessTokenNamesThePatientAndTheClinician(Map<String, Object> response)
      throws java.text.ParseException {
    Map<String, Object> claims =
        SignedJWT.parse((String) response.get("access_token")).getJWTClaimsSet().getClaims();
    assertThat(claims).containsEntry("patient", patient);
    assertThat(claims.get("fhirUser"))
        .isEqualTo(sandbox.fhirBase() + "/Practitioner/" + practitioner);
  }

  @Test
  void unknownLaunchIsRefused() {
    SandboxTokens.Flow flow =
        sandbox.startAuthorization(
            SandboxTokens.APP_CLIENT, "launch user/Goal.rs", "made-up", "S256");
    assertThat(flow.authorizeResponse().statusCode()).isEqualTo(400);
  }

  @Test
  void plainPkceIsRefused() {
    SandboxTokens.Flow flow =
        sandbox.startAuthorization(SandboxTokens.APP_CLIENT, "patient/Goal.rs", null, "plain");
    String location = flow.authorizeResponse().headers().firstValue("Location").orElse("");
    assertThat(
            flow.authorizeResponse().statusCode() == 400
                || location.contains("error=invalid_request"))
        .as("status %s, location %s", flow.authorizeResponse().statusCode(), location)
        .isTrue();
    assertThat(location).doesNotContain("code=");
  }

  @Test
  void missingPkceIsRefused() {
    SandboxTokens.Flow flow =
        sandbox.startAuthorization(SandboxTokens.APP_CLIENT, "patient/Goal.rs", null, null);
    String location = flow.authorizeResponse().headers().firstValue("Location").orElse("");
    assertThat(location).contains("error=invalid_request").doesNotContain("code=");
  }

  @Test
  void wrongCodeVerifierIsRefusedAndTheRightOneAccepted() {
    SandboxTokens.Flow wrong =
        sandbox.startAuthorization(SandboxTokens.APP_CLIENT, "patient/Goal.rs", null, "S256");
    String code = wrong.signInAs("Patient/" + patient);
    Map<String, Object> refused = wrong.exchange(code, "not-the-verifier-" + "x".repeat(40));
    assertThat(refused).containsEntry("error", "invalid_grant").doesNotContainKey("access_token");

    SandboxTokens.Flow right =
        sandbox.startAuthorization(SandboxTokens.APP_CLIENT, "patient/Goal.rs", null, "S256");
    String code2 = right.signInAs("Patient/" + patient);
    assertThat(right.exchange(code2, right.verifier())).containsKey("access_token");
  }

  @Test
  void wrongAudienceIsRefusedAtAuthorization() throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:"
                                + port
                                + "/oauth2/authorize?response_type=code&client_id=common-ground&scope=patient/Goal.rs"
                                + "&redirect_uri=http://127.0.0.1:"
                                + port
                                + "/launch/callback&state=s"
                                + "&code_challenge=abc&code_challenge_method=S256&aud=https://elsewhere.example/fhir"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("Sandbox").contains("aud");
  }

  @Test
  void unregisteredRedirectUriIsRefused() throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:"
                                + port
                                + "/oauth2/authorize?response_type=code&client_id=common-ground&scope=patient/Goal.rs"
                                + "&redirect_uri=https://attacker.example/cb&state=s"
                                + "&code_challenge=abc&code_challenge_method=S256&aud="
                                + sandbox.fhirBase()))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.headers().firstValue("Location")).isEmpty();
  }

  @Test
  void backendServiceGetsSystemScopesWithItsSignedAssertionOnly() {
    assertThat(sandbox.backendTokenResponse("system/Goal.rs")).containsKey("access_token");
    Map<String, Object> userScope = sandbox.backendTokenResponse("user/Goal.rs");
    assertThat(userScope).containsEntry("error", "invalid_scope");
  }

  @Test
  void everySandboxPageSaysItIsTheSandbox() throws Exception {
    for (String path : List.of("/sandbox/", "/sandbox/login", "/sandbox/launch")) {
      HttpResponse<String> page =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(page.statusCode()).as(path).isEqualTo(200);
      assertThat(page.body()).as(path).contains("Sandbox").contains("embedded default");
    }
  }

  // --- EHR launches (POST /sandbox/launches): signed-in clinician, CSRF, bound, one use ---

  @Test
  void aSignedInClinicianWithTheCsrfTokenMintsALaunchForTheirOwnClient() {
    SandboxTokens.Response minted =
        sandbox.signedInAs("Practitioner/" + practitioner).postLaunch(launchOf(patient), true);
    assertThat(minted.status()).isEqualTo(200);
    assertThat(minted.body()).containsKey("launch").containsEntry("iss", sandbox.fhirBase());
    assertThat(((Number) minted.body().get("expires_in")).intValue()).isBetween(60, 600);
  }

  @Test
  void nobodyButASignedInClinicianWithTheCsrfTokenMintsALaunch() {
    assertThat(sandbox.signedInAs(null).postLaunch(launchOf(patient), true).status())
        .as("not signed in")
        .isEqualTo(403);
    assertThat(
            sandbox.signedInAs("Practitioner/" + practitioner).postLaunch(launchOf(patient), false))
        .as("no CSRF token")
        .extracting(SandboxTokens.Response::status)
        .isEqualTo(403);
    assertThat(
            sandbox.signedInAs("Patient/" + patient).postLaunch(launchOf(patient), true).status())
        .as("a client signed in")
        .isEqualTo(403);
    assertThat(
            sandbox
                .signedInAs("Practitioner/" + anotherTherapist)
                .postLaunch(Map.of("patient", patient, "practitioner", practitioner), true)
                .status())
        .as("for a launch naming another clinician")
        .isEqualTo(403);
  }

  @Test
  void aLaunchIsOnlyForAClientTheClinicianTreats() {
    SandboxTokens session = sandbox.signedInAs("Practitioner/" + practitioner);
    assertThat(session.postLaunch(launchOf(patient), true).status()).isEqualTo(200);
    assertThat(session.postLaunch(launchOf(anotherTherapistsClient), true).status()).isEqualTo(403);
  }

  @Test
  void theEhrLauncherOpensOnlyAChartOfAClientTheClinicianTreats() {
    Map<String, String> form =
        Map.of(
            "practitioner",
            "Practitioner/" + practitioner,
            "patient",
            "Patient/" + patient,
            "app",
            "http://127.0.0.1:" + port + "/launch");
    SandboxTokens.Response launched = sandbox.signedInAs(null).submitLauncher(form);
    assertThat(launched.status()).isEqualTo(302);
    assertThat(launched.location())
        .startsWith("http://127.0.0.1:" + port + "/launch?iss=")
        .contains("&launch=");

    Map<String, String> notTheirs = new java.util.HashMap<>(form);
    notTheirs.put("patient", "Patient/" + anotherTherapistsClient);
    assertThat(sandbox.signedInAs(null).submitLauncher(notTheirs).status()).isEqualTo(403);
  }

  @Test
  void aLaunchIsUsedOnceByTheClinicianAndTheAppItWasMadeFor() {
    String launch = sandbox.mintLaunch(Map.of("patient", patient, "practitioner", practitioner));
    SandboxTokens.Flow first = ehrLaunchFlow(SandboxTokens.APP_CLIENT, launch);
    assertThat(first.exchange(first.signInAs("Practitioner/" + practitioner), first.verifier()))
        .containsEntry("patient", patient);

    SandboxTokens.Flow again = ehrLaunchFlow(SandboxTokens.APP_CLIENT, launch);
    assertThat(again.authorizeResponse().statusCode()).as("used a second time").isEqualTo(400);
  }

  @Test
  void aLaunchMadeForOneAppOrClinicianIsRefusedToAnother() {
    String forTheApp = sandbox.mintLaunch(Map.of("patient", patient, "practitioner", practitioner));
    SandboxTokens.Flow otherApp = ehrLaunchFlow(SandboxTokens.PUBLIC_CLIENT, forTheApp);
    assertThatThrownBy(() -> otherApp.signInAs("Practitioner/" + practitioner))
        .hasMessageContaining("another app");

    String forOkafor = sandbox.mintLaunch(Map.of("patient", patient, "practitioner", practitioner));
    SandboxTokens.Flow otherClinician = ehrLaunchFlow(SandboxTokens.APP_CLIENT, forOkafor);
    assertThatThrownBy(() -> otherClinician.signInAs("Practitioner/" + anotherTherapist))
        .hasMessageContaining("another clinician");
  }

  private static Map<String, Object> launchOf(String patientId) {
    return Map.of("patient", patientId);
  }

  private SandboxTokens.Flow ehrLaunchFlow(String clientId, String launch) {
    return sandbox.startAuthorization(
        clientId, "launch openid fhirUser user/Goal.rs", launch, "S256");
  }

  // --- Backend client assertions: one use, at most five minutes ---

  @Test
  void aClientAssertionIsAcceptedOnceAndNeverAgain() {
    String assertion = sandbox.clientAssertion();
    assertThat(sandbox.backendTokenResponse("system/Goal.rs", assertion))
        .containsKey("access_token");
    assertThat(sandbox.backendTokenResponse("system/Goal.rs", assertion))
        .containsEntry("error", "invalid_client")
        .doesNotContainKey("access_token");
  }

  @Test
  void aClientAssertionMayLiveFiveMinutesAtMost() {
    assertThat(
            sandbox.backendTokenResponse(
                "system/Goal.rs", sandbox.clientAssertion(java.time.Duration.ofMinutes(4))))
        .containsKey("access_token");
    assertThat(
            sandbox.backendTokenResponse(
                "system/Goal.rs", sandbox.clientAssertion(java.time.Duration.ofMinutes(6))))
        .containsEntry("error", "invalid_client");
    assertThat(
            sandbox.backendTokenResponse(
                "system/Goal.rs", sandbox.clientAssertion(java.time.Duration.ofDays(365))))
        .containsEntry("error", "invalid_client");
  }

  // --- Refresh rotation, revocation, authorization code reuse ---

  @Test
  void aRefreshAnswersANewRefreshTokenAndRefusesTheUsedOne() {
    Map<String, Object> first =
        sandbox.signInAndAuthorize("Patient/" + patient, "openid patient/Patient.rs", null);
    String used = (String) first.get("refresh_token");
    assertThat(used).isNotNull();
    Map<String, Object> refreshed = sandbox.refresh(used);
    assertThat(refreshed).containsKey("access_token");
    String next = (String) refreshed.get("refresh_token");
    assertThat(next).isNotNull().isNotEqualTo(used);

    assertThat(sandbox.refresh(next)).containsKey("access_token");
    assertThat(sandbox.refresh(next))
        .as("used once already")
        .containsEntry("error", "invalid_grant");
  }

  @Test
  void aRotatedOutRefreshTokenPresentedAgainWithdrawsTheWholeGrant() {
    Map<String, Object> first =
        sandbox.signInAndAuthorize("Patient/" + patient, "openid patient/Patient.rs", null);
    String used = (String) first.get("refresh_token");
    Map<String, Object> refreshed = sandbox.refresh(used);
    String current = (String) refreshed.get("refresh_token");
    String access = (String) refreshed.get("access_token");
    assertThat(sandbox.fhirStatus("Patient/" + patient, access)).isEqualTo(200);

    // The used one again: someone holds a copy. The grant's current tokens go too.
    assertThat(sandbox.refresh(used)).containsEntry("error", "invalid_grant");
    assertThat(sandbox.refresh(current)).containsEntry("error", "invalid_grant");
    assertThat(sandbox.fhirStatus("Patient/" + patient, access)).isEqualTo(401);
  }

  @Test
  void aRevokedAccessTokenNoLongerOpensTheFhirApi() {
    String token = sandbox.userToken("Patient/" + patient, "openid patient/Patient.rs");
    assertThat(sandbox.fhirStatus("Patient/" + patient, token)).isEqualTo(200);
    assertThat(sandbox.revoke(token, "access_token")).isEqualTo(200);
    assertThat(sandbox.fhirStatus("Patient/" + patient, token)).isEqualTo(401);
  }

  @Test
  void revokingTheRefreshTokenWithdrawsItsAccessTokenToo() {
    Map<String, Object> tokens =
        sandbox.signInAndAuthorize("Patient/" + patient, "openid patient/Patient.rs", null);
    String access = (String) tokens.get("access_token");
    assertThat(sandbox.fhirStatus("Patient/" + patient, access)).isEqualTo(200);
    assertThat(sandbox.revoke((String) tokens.get("refresh_token"), "refresh_token"))
        .isEqualTo(200);
    assertThat(sandbox.refresh((String) tokens.get("refresh_token")))
        .containsEntry("error", "invalid_grant");
    assertThat(sandbox.fhirStatus("Patient/" + patient, access)).isEqualTo(401);
  }

  @Test
  void anAuthorizationCodeUsedTwiceWithdrawsTheTokensIssuedFromIt() {
    SandboxTokens.Flow flow =
        sandbox.startAuthorization(
            SandboxTokens.APP_CLIENT, "openid patient/Patient.rs", null, "S256");
    String code = flow.signInAs("Patient/" + patient);
    Map<String, Object> tokens = flow.exchange(code, flow.verifier());
    String access = (String) tokens.get("access_token");
    assertThat(sandbox.fhirStatus("Patient/" + patient, access)).isEqualTo(200);

    assertThat(flow.exchange(code, flow.verifier())).containsEntry("error", "invalid_grant");
    assertThat(sandbox.fhirStatus("Patient/" + patient, access)).isEqualTo(401);
    assertThat(sandbox.refresh((String) tokens.get("refresh_token")))
        .containsEntry("error", "invalid_grant");
  }

  // --- Redirect URIs: exactly as registered ---

  @Test
  void theRegisteredRedirectUriIsAcceptedAndTheSameOnAnotherLoopbackPortIsNot() throws Exception {
    HttpResponse<String> registered = authorizeWithRedirect("http://127.0.0.1:" + port);
    assertThat(registered.statusCode()).isEqualTo(302);
    assertThat(registered.headers().firstValue("Location").orElse(""))
        .contains("/sandbox/login")
        .doesNotContain("error");

    int otherPort = port == 65535 ? port - 1 : port + 1;
    HttpResponse<String> otherPortAnswer = authorizeWithRedirect("http://127.0.0.1:" + otherPort);
    assertThat(otherPortAnswer.statusCode()).isEqualTo(400);
    assertThat(otherPortAnswer.headers().firstValue("Location")).isEmpty();
    assertThat(authorizeWithRedirect("http://[::1]:" + port).statusCode()).isEqualTo(400);
  }

  private HttpResponse<String> authorizeWithRedirect(String appBase) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:"
                            + port
                            + "/oauth2/authorize?response_type=code&client_id=common-ground"
                            + "&scope=patient/Goal.rs&state=s&code_challenge="
                            + "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256"
                            + "&redirect_uri="
                            + java.net.URLEncoder.encode(
                                appBase + "/launch/callback",
                                java.nio.charset.StandardCharsets.UTF_8)
                            + "&aud="
                            + sandbox.fhirBase()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }
}
