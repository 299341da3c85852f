package health.commonground.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes manifest and the image deploy a server that is safe as written: no sandbox, a real
 * issuer, no secret values, not root, bounded, probed.
 */
class DeployManifestTest {

  /** Names of settings whose value is a secret: they may only come from a Secret. */
  private static final Pattern SECRET_NAME =
      Pattern.compile("(?i).*(PASSWORD|SECRET|TOKEN|CREDENTIAL|PRIVATE|_KEY$|DATASOURCE_URL).*");

  @Test
  void theSandboxIsOffAndTheIssuerIsKeycloak() {
    Map<String, String> env = DeployFiles.manifestValues();
    assertThat(env).containsEntry("COMMONGROUND_SANDBOX_ENABLED", "false");
    assertThat(env).doesNotContainKey("COMMONGROUND_SANDBOX_ALLOW_NON_LOCAL_DEMO");
    assertThat(env.get("COMMONGROUND_SECURITY_ISSUER_URI"))
        .as("the Keycloak realm issues the tokens")
        .startsWith("https://")
        .contains("/realms/");
    assertThat(env).containsEntry("SPRING_PROFILES_ACTIVE", "postgres");
    assertThat(DeployFiles.dockerfileEnv())
        .containsEntry("COMMONGROUND_SANDBOX_ENABLED", "false")
        .containsEntry("SPRING_PROFILES_ACTIVE", "postgres")
        .doesNotContainKey("COMMONGROUND_SANDBOX_ALLOW_NON_LOCAL_DEMO");
  }

  @Test
  void publicUrlsSecureCookiesAndForwardedHeaders() {
    Map<String, String> env = DeployFiles.manifestValues();
    assertThat(env.get("COMMONGROUND_FHIR_BASE_URL")).startsWith("https://").endsWith("/fhir");
    assertThat(env.get("COMMONGROUND_SMART_APP_BASE_URL")).startsWith("https://");
    assertThat(env).containsEntry("COMMONGROUND_SMART_COOKIE_SECURE", "true");
    assertThat(env.get("SERVER_FORWARD_HEADERS_STRATEGY")).isIn("framework", "native");
  }

  @Test
  void secretsOnlyThroughSecretReferences() {
    assertThat(DeployFiles.manifest())
        .as("no Secret with its values is committed")
        .noneMatch(document -> "Secret".equals(document.get("kind")));
    List<Map<String, Object>> env = DeployFiles.containerEnv();
    assertThat(env).isNotEmpty();
    for (Map<String, Object> entry : env) {
      String name = (String) entry.get("name");
      if (SECRET_NAME.matcher(name).matches()) {
        assertThat(entry).as(name).doesNotContainKey("value");
        assertThat(entry.toString()).as(name).contains("secretKeyRef");
      }
    }
    assertThat(env)
        .extracting(entry -> entry.get("name"))
        .contains(
            "SPRING_DATASOURCE_PASSWORD",
            "SPRING_DATASOURCE_USERNAME",
            "COMMONGROUND_SMART_EHRS_0_CLIENT_SECRET");
    assertThat(DeployFiles.container()).doesNotContainKey("envFrom");
    assertThat(DeployFiles.read(DeployFiles.MANIFEST)).doesNotContain("change-me");
    assertThat(DeployFiles.dockerfileEnv().keySet())
        .noneMatch(k -> SECRET_NAME.matcher(k).matches());
  }

  @Test
  @SuppressWarnings("unchecked")
  void runsAsNonRootWithoutPrivileges() {
    Map<String, Object> pod = (Map<String, Object>) DeployFiles.podSpec().get("securityContext");
    assertThat(pod).containsEntry("runAsNonRoot", true);
    assertThat((Integer) pod.get("runAsUser")).isPositive();
    Map<String, Object> container =
        (Map<String, Object>) DeployFiles.container().get("securityContext");
    assertThat(container)
        .containsEntry("runAsNonRoot", true)
        .containsEntry("allowPrivilegeEscalation", false)
        .containsEntry("readOnlyRootFilesystem", true);
    assertThat((Map<String, Object>) container.get("capabilities"))
        .containsEntry("drop", List.of("ALL"));
    assertThat(container).doesNotContainKey("privileged");
    assertThat(DeployFiles.dockerfileUser())
        .as("the image's USER")
        .matches("[1-9][0-9]*(:[0-9]+)?");
  }

  @Test
  @SuppressWarnings("unchecked")
  void cpuAndMemoryAreRequestedAndLimited() {
    Map<String, Object> resources = (Map<String, Object>) DeployFiles.container().get("resources");
    assertThat((Map<String, Object>) resources.get("requests")).containsKeys("cpu", "memory");
    assertThat((Map<String, Object>) resources.get("limits")).containsKeys("cpu", "memory");
  }

  @Test
  @SuppressWarnings("unchecked")
  void readinessAndLivenessAreProbed() {
    Map<String, Object> container = DeployFiles.container();
    Map<String, Object> readiness = (Map<String, Object>) container.get("readinessProbe");
    Map<String, Object> liveness = (Map<String, Object>) container.get("livenessProbe");
    assertThat((Map<String, Object>) readiness.get("httpGet"))
        .containsEntry("path", "/actuator/health/readiness");
    assertThat((Map<String, Object>) liveness.get("httpGet"))
        .containsEntry("path", "/actuator/health/liveness");
  }
}
