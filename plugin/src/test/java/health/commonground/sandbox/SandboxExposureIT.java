package health.commonground.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import health.commonground.CommonGroundApplication;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The real application, started three ways: the embedded default on loopback runs the sandbox; the
 * sandbox with the {@code postgres} profile, or on an address others can reach, does not start at
 * all and says once what to set.
 */
@ExtendWith(OutputCaptureExtension.class)
class SandboxExposureIT {

  @TempDir Path data;

  @Test
  void embeddedDefaultOnLoopbackStartsWithTheSandbox() throws Exception {
    try (ConfigurableApplicationContext app =
        application()
            .run(
                "--server.port=0",
                "--commonground.data-dir=" + data,
                "--commonground.demo.enabled=false")) {
      assertThat(app.getEnvironment().getProperty("server.address")).isEqualTo("127.0.0.1");
      int port = ((WebServerApplicationContext) app).getWebServer().getPort();
      HttpResponse<String> login =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/sandbox/login"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(login.statusCode()).isEqualTo(200);
    }
  }

  @Test
  void sandboxWithThePostgresProfileDoesNotStart(CapturedOutput output) throws Exception {
    int port = freePort();
    assertThatThrownBy(
            () ->
                application()
                    .profiles("postgres")
                    .run(
                        "--server.port=" + port,
                        "--commonground.sandbox.enabled=true",
                        // Never reached: the check runs before any bean is made.
                        "--spring.datasource.url=jdbc:postgresql://127.0.0.1:1/none"))
        .isInstanceOf(UnsafeDeploymentException.class);
    assertThat(listening(port)).isFalse();
    assertThat(output.getOut() + output.getErr())
        .contains("APPLICATION FAILED TO START")
        .contains("the 'postgres' profile is active")
        .contains("COMMONGROUND_SANDBOX_ENABLED=false")
        .contains("commonground.sandbox.allow-non-local-demo=true");
  }

  @Test
  void sandboxOnANonLoopbackAddressDoesNotStart(CapturedOutput output) throws Exception {
    int port = freePort();
    assertThatThrownBy(
            () ->
                application()
                    .run(
                        "--server.address=192.0.2.10",
                        "--server.port=" + port,
                        "--commonground.data-dir=" + data,
                        "--commonground.demo.enabled=false"))
        .isInstanceOf(UnsafeDeploymentException.class);
    assertThat(listening(port)).isFalse();
    assertThat(output.getOut() + output.getErr())
        .contains("APPLICATION FAILED TO START")
        .contains("server.address is 192.0.2.10, not a loopback address")
        .contains("commonground.sandbox.allow-non-local-demo=true");
  }

  @Test
  void postgresProfileWithoutAnIssuerDoesNotStart(CapturedOutput output) {
    assertThatThrownBy(
            () ->
                application()
                    .profiles("postgres")
                    .run(
                        "--server.port=0",
                        "--spring.datasource.url=jdbc:postgresql://127.0.0.1:1/none"))
        .isInstanceOf(UnsafeDeploymentException.class);
    assertThat(output.getOut() + output.getErr())
        .contains("APPLICATION FAILED TO START")
        .contains("COMMONGROUND_SECURITY_ISSUER_URI");
  }

  private static SpringApplicationBuilder application() {
    return new SpringApplicationBuilder(CommonGroundApplication.class);
  }

  private static boolean listening(int port) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      return true;
    } catch (IOException refused) {
      return false;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
