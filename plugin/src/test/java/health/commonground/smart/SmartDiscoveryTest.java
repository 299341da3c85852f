package health.commonground.smart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class SmartDiscoveryTest {

  private final ObjectMapper json = new ObjectMapper();

  @Test
  void readsEndpointsOfAServerOfferingS256() throws Exception {
    SmartConfiguration configuration =
        SmartDiscovery.parse(
            "https://ehr/fhir",
            json.readTree(
                """
                {"issuer":"https://as","authorization_endpoint":"https://as/auth",
                 "token_endpoint":"https://as/token","jwks_uri":"https://as/certs",
                 "code_challenge_methods_supported":["S256"],"capabilities":["launch-ehr"]}
                """));
    assertThat(configuration.authorizationEndpoint()).isEqualTo("https://as/auth");
    assertThat(configuration.tokenEndpoint()).isEqualTo("https://as/token");
    assertThat(configuration.capabilities()).containsExactly("launch-ehr");
  }

  @Test
  void refusesAServerWithoutS256() throws Exception {
    assertThatThrownBy(
            () ->
                SmartDiscovery.parse(
                    "https://ehr/fhir",
                    json.readTree(
                        """
                        {"authorization_endpoint":"https://as/auth","token_endpoint":"https://as/token",
                         "code_challenge_methods_supported":["plain"]}
                        """)))
        .isInstanceOf(SmartLaunchException.class)
        .hasMessageContaining("S256");
    assertThatThrownBy(
            () ->
                SmartDiscovery.parse(
                    "https://ehr/fhir",
                    json.readTree(
                        "{\"authorization_endpoint\":\"https://as/auth\",\"token_endpoint\":\"t\"}")))
        .isInstanceOf(SmartLaunchException.class);
  }

  @Test
  void stateAndVerifierAreLongRandomAndTheChallengeIsS256() {
    String state = Pkce.randomToken();
    assertThat(state).hasSize(43).isNotEqualTo(Pkce.randomToken());
    // base64url(SHA-256(verifier)) without padding, as computed independently (Python hashlib).
    assertThat(Pkce.s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r0wW1gFWFOEjXk"))
        .isEqualTo("RCtbqyFn6Dv6GL6UC4xrWL6mHZBJowIOtGzu8O97GYg");
    assertThat(Pkce.newVerifier()).matches("[A-Za-z0-9_-]{43}");
  }

  @Test
  void tokenResponseNeverPrintsItsTokens() throws Exception {
    TokenResponse response =
        TokenResponse.of(
            json.readTree(
                "{\"access_token\":\"secret-at\",\"refresh_token\":\"secret-rt\",\"token_type\":\"Bearer\","
                    + "\"expires_in\":300,\"scope\":\"launch\",\"patient\":\"p1\"}"));
    assertThat(response.toString()).doesNotContain("secret-at").doesNotContain("secret-rt");
    assertThat(response.contextText("patient")).isEqualTo("p1");
    assertThatThrownBy(() -> TokenResponse.of(json.readTree("{\"token_type\":\"Bearer\"}")))
        .isInstanceOf(SmartLaunchException.class);
  }
}
