package health.commonground.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;

/** Holds our resolver to Spring's default one, header by header. */
class AuthorizationHeaderTokenTest {

  static List<String> headers() {
    String jwt = "eyJhbGciOiJSUzM4NCJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";
    return Arrays.asList(
        null,
        "",
        "Bearer " + jwt,
        "bearer " + jwt,
        "BEARER " + jwt,
        "Bearer abc-._~+/==",
        "Bearer abc=",
        "Basic dXNlcjpwYXNz",
        "Bearer",
        "Bearer ",
        "Bearer  " + jwt,
        "Bearer " + jwt + " ",
        "Bearer\t" + jwt,
        "Bearer abc=def",
        "Bearer =abc",
        "Bearer abc;drop",
        "Bearer ab\u00e9c",
        "Bearerx " + jwt,
        "Token " + jwt);
  }

  @ParameterizedTest
  @MethodSource("headers")
  void answersAsSpringsResolver(String header) {
    MockHttpServletRequest request = new MockHttpServletRequest("GET", "/fhir/Goal");
    if (header != null) {
      request.addHeader("Authorization", header);
    }
    String expected;
    try {
      expected = new DefaultBearerTokenResolver().resolve(request);
    } catch (OAuth2AuthenticationException e) {
      assertThatThrownBy(() -> new AuthorizationHeaderToken().resolve(request))
          .isInstanceOf(OAuth2AuthenticationException.class)
          .hasMessage(e.getMessage());
      return;
    }
    assertThat(new AuthorizationHeaderToken().resolve(request)).isEqualTo(expected);
  }
}
