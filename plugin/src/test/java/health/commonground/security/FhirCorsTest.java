package health.commonground.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.cors.CorsConfiguration;

/** Which browser origins may call the FHIR API, with the default and with a configured list. */
class FhirCorsTest {

  @Test
  void anyOriginByDefaultWithoutCredentials() {
    CorsConfiguration cors =
        corsFor(new SecurityProperties(null, null, null, null, null, null), "/fhir/Goal");
    assertThat(cors.checkOrigin("https://ehr.example.org")).isEqualTo("https://ehr.example.org");
    assertThat(cors.getAllowCredentials()).isFalse();
    assertThat(cors.checkHttpMethod(org.springframework.http.HttpMethod.PUT)).isNotNull();
    assertThat(cors.checkHttpMethod(org.springframework.http.HttpMethod.TRACE)).isNull();
    assertThat(cors.checkHeaders(List.of("authorization", "if-match", "prefer")))
        .containsExactly("authorization", "if-match", "prefer");
    assertThat(cors.checkHeaders(List.of("x-secret"))).isNull();
    assertThat(cors.getExposedHeaders()).contains("Location", "ETag", "Last-Modified");
  }

  @Test
  void onlyTheConfiguredOriginsWhenListed() {
    SecurityProperties listed =
        new SecurityProperties(null, null, null, null, List.of("https://ehr.example.org"), null);
    CorsConfiguration cors = corsFor(listed, "/fhir/Goal");
    assertThat(cors.checkOrigin("https://ehr.example.org")).isEqualTo("https://ehr.example.org");
    assertThat(cors.checkOrigin("https://elsewhere.example.com")).isNull();
  }

  private static CorsConfiguration corsFor(SecurityProperties properties, String uri) {
    return FhirSecurityConfig.fhirCors(properties)
        .getCorsConfiguration(new MockHttpServletRequest("GET", uri));
  }
}
