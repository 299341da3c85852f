package health.commonground.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

/** When the sandbox may run, and when the server must not start at all. */
class SandboxExposureGuardTest {

  @Test
  void embeddedDefaultOnLoopbackMayRunTheSandbox() {
    assertThat(problem(sandboxOn().withProperty("server.address", "127.0.0.1"))).isEmpty();
    assertThat(problem(sandboxOn().withProperty("server.address", "::1"))).isEmpty();
    assertThat(problem(sandboxOn().withProperty("server.address", "localhost"))).isEmpty();
  }

  @Test
  void sandboxWithThePostgresProfileIsRefused() {
    MockEnvironment environment = sandboxOn().withProperty("server.address", "127.0.0.1");
    environment.setActiveProfiles("postgres");
    assertThat(problem(environment))
        .hasValueSatisfying(
            problem ->
                assertThat(problem.getMessage())
                    .contains("'postgres' profile")
                    .contains("commonground.sandbox.enabled=false")
                    .contains("commonground.security.issuer-uri")
                    .contains("commonground.sandbox.allow-non-local-demo=true"));
  }

  @Test
  void sandboxOnAnAddressOthersCanReachIsRefused() {
    assertThat(problem(sandboxOn().withProperty("server.address", "0.0.0.0")))
        .hasValueSatisfying(
            problem -> assertThat(problem.description()).contains("0.0.0.0, not a loopback"));
    assertThat(problem(sandboxOn().withProperty("server.address", "::"))).isPresent();
    assertThat(problem(sandboxOn().withProperty("server.address", "192.0.2.10"))).isPresent();
    assertThat(problem(sandboxOn()))
        .hasValueSatisfying(
            problem -> assertThat(problem.description()).contains("every interface"));
  }

  @Test
  void theDemoFlagAllowsTheSandboxAnywhere() {
    MockEnvironment postgres = sandboxOn().withProperty(SandboxExposureGuard.DEMO_FLAG, "true");
    postgres.setActiveProfiles("postgres");
    assertThat(problem(postgres)).isEmpty();
    assertThat(
            problem(
                sandboxOn()
                    .withProperty("server.address", "0.0.0.0")
                    .withProperty(SandboxExposureGuard.DEMO_FLAG, "true")))
        .isEmpty();
  }

  @Test
  void withoutTheSandboxAnIssuerIsNeeded() {
    MockEnvironment noIssuer = new MockEnvironment().withProperty("server.address", "0.0.0.0");
    noIssuer.setActiveProfiles("postgres");
    assertThat(problem(noIssuer))
        .hasValueSatisfying(
            problem ->
                assertThat(problem.getMessage())
                    .contains("no token issuer")
                    .contains("COMMONGROUND_SECURITY_ISSUER_URI"));

    MockEnvironment keycloak =
        new MockEnvironment()
            .withProperty("server.address", "0.0.0.0")
            .withProperty(
                "commonground.security.issuer-uri", "https://auth.example.org/realms/commonground");
    keycloak.setActiveProfiles("postgres");
    assertThat(problem(keycloak)).isEmpty();
  }

  private static MockEnvironment sandboxOn() {
    return new MockEnvironment().withProperty(SandboxExposureGuard.ENABLED, "true");
  }

  private static Optional<UnsafeDeploymentException> problem(MockEnvironment environment) {
    return SandboxExposureGuard.problem(environment);
  }
}
