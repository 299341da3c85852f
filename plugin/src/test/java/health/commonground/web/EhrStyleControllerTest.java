package health.commonground.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The EHR's style hint is fetched only from the launching EHR's own origin. */
class EhrStyleControllerTest {

  private static final String ISS = "https://ehr.example:8443/fhir/r4";

  @Test
  void aStyleOnTheEhrsOwnOriginIsFetched() {
    assertThat(EhrStyleController.sameOrigin("https://ehr.example:8443/styles/smart.json", ISS))
        .isTrue();
    assertThat(EhrStyleController.sameOrigin("https://EHR.example:8443/s.json", ISS)).isTrue();
    assertThat(
            EhrStyleController.sameOrigin(
                "https://ehr.example/style.json", "https://ehr.example:443/fhir"))
        .isTrue();
  }

  @Test
  void aStyleAnywhereElseIsNot() {
    assertThat(EhrStyleController.sameOrigin("https://ehr.example/style.json", ISS))
        .as("other port")
        .isFalse();
    assertThat(EhrStyleController.sameOrigin("http://ehr.example:8443/style.json", ISS))
        .as("other scheme")
        .isFalse();
    assertThat(EhrStyleController.sameOrigin("https://169.254.169.254:8443/latest", ISS))
        .as("other host")
        .isFalse();
    assertThat(EhrStyleController.sameOrigin("https://ehr.example.evil:8443/s.json", ISS))
        .as("host with a suffix")
        .isFalse();
    assertThat(EhrStyleController.sameOrigin("https://x@ehr.example:8443/s.json", ISS))
        .as("user info")
        .isFalse();
    assertThat(EhrStyleController.sameOrigin("file:///etc/passwd", ISS)).isFalse();
    assertThat(EhrStyleController.sameOrigin("not a url", ISS)).isFalse();
  }
}
