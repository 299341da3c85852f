package health.commonground.smart;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The embedded default end to end in headless Chromium: the built-in SMART sandbox (EHR launcher,
 * sign-in, authorization server) launches the app through the same client code as Keycloak does.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT)
class SmartSandboxIT {

  private static final int PORT = freePort();
  private static final String APP = "http://127.0.0.1:" + PORT;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) throws Exception {
    Path dir = Files.createTempDirectory("cg-smart-sandbox-it");
    registry.add("server.port", () -> PORT);
    registry.add("commonground.data-dir", dir::toString);
    registry.add("commonground.demo.enabled", () -> "true");
  }

  @Test
  void ehrLaunchFromTheSandboxLauncherAsAClinician() throws Exception {
    try (Browser browser = new Browser()) {
      browser.open(APP + "/sandbox/launch");
      browser.driver().findElement(By.name("banner")).click();
      browser.driver().findElement(By.cssSelector("button[type=submit]")).click();
      signInIfAsked(browser, "Clinicians");
      browser.waitFor(By.id("signed-in"));
      browser.record();
      assertThat(browser.url()).isEqualTo(APP + "/app");
      assertThat(browser.text(By.id("user-role"))).isEqualTo("clinician");
      assertThat(browser.text(By.id("launch-mode"))).isEqualTo("ehr");
      assertThat(browser.text(By.id("patient-id"))).isNotBlank();
      assertThat(browser.present(By.id("patient-banner"))).isTrue();
      browser.screenshot("sandbox-ehr-launch-clinician");
    }
  }

  @Test
  void standaloneLaunchAsAClientAgainstTheSandbox() throws Exception {
    try (Browser browser = new Browser()) {
      browser.open(APP + "/launch/start");
      browser.driver().findElement(By.linkText("sign in as a client")).click();
      signInIfAsked(browser, "Clients");
      browser.waitFor(By.id("signed-in"));
      browser.record();
      assertThat(browser.text(By.id("user-role"))).isEqualTo("client");
      assertThat(browser.text(By.id("launch-mode"))).isEqualTo("standalone");
      assertThat(browser.text(By.id("fhir-user"))).contains("Patient/");
      assertThat(browser.text(By.id("fhir-user")))
          .endsWith("Patient/" + browser.text(By.id("patient-id")));
      assertThat(browser.text(By.id("patient-name"))).isNotEqualTo("(name not available)");
      browser.screenshot("sandbox-standalone-client");
    }
  }

  @Test
  void standaloneLaunchAsAClinicianAgainstTheSandbox() throws Exception {
    try (Browser browser = new Browser()) {
      browser.open(APP + "/launch/standalone?role=clinician");
      signInIfAsked(browser, "Clinicians");
      browser.waitFor(By.id("signed-in"));
      browser.record();
      assertThat(browser.text(By.id("user-role"))).isEqualTo("clinician");
      assertThat(browser.text(By.id("fhir-user"))).contains("Practitioner/");
      browser.screenshot("sandbox-standalone-clinician");
    }
  }

  /** On the sandbox's sign-in page, picks the first person of the given section. */
  private static void signInIfAsked(Browser browser, String section) {
    new WebDriverWait(browser.driver(), java.time.Duration.ofSeconds(60))
        .until(
            d ->
                d.getCurrentUrl().contains("/sandbox/login")
                    || d.getCurrentUrl().startsWith(APP + "/app")
                    || d.getCurrentUrl().startsWith(APP + "/launch/callback"));
    if (browser.url().contains("/sandbox/login")) {
      browser.record();
      browser
          .driver()
          .findElement(By.xpath("//h2[normalize-space()='" + section + "']/following::button[1]"))
          .click();
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
