package health.commonground.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The EHR's style hint is fetched only from the launching EHR's own origin, within 3 s and 64 KB.
 */
class EhrStyleControllerTest {

  private HttpServer ehr;
  private final EhrStyleController styles = new EhrStyleController(null);

  @BeforeEach
  void startEhr() throws IOException {
    ehr = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    ehr.createContext(
        "/style.json",
        exchange ->
            send(exchange, "{\"color_background\":\"#f7f7f2\"}".getBytes(StandardCharsets.UTF_8)));
    ehr.createContext(
        "/huge.json",
        exchange -> {
          byte[] huge = new byte[1024 * 1024];
          java.util.Arrays.fill(huge, (byte) ' ');
          send(exchange, huge);
        });
    ehr.createContext(
        "/drip.json",
        exchange -> {
          exchange.sendResponseHeaders(200, 0);
          try (OutputStream out = exchange.getResponseBody()) {
            for (int i = 0; i < 40; i++) {
              out.write(' ');
              out.flush();
              Thread.sleep(250);
            }
          } catch (IOException | InterruptedException stopped) {
            // The reader hung up, as it should.
          }
        });
    ehr.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    ehr.start();
  }

  @AfterEach
  void stopEhr() {
    ehr.stop(0);
  }

  private URI at(String path) {
    return URI.create("http://127.0.0.1:" + ehr.getAddress().getPort() + path);
  }

  private static void send(com.sun.net.httpserver.HttpExchange exchange, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    } catch (IOException hungUp) {
      // The reader stopped early.
    }
  }

  @Test
  void aSmallStyleIsRead() throws Exception {
    assertThat(EhrStyleController.toCss(styles.fetch(at("/style.json"))))
        .contains("--cg-ehr-bg: #f7f7f2");
  }

  @Test
  void aLargeOrSlowAnswerIsCutOff() {
    Instant start = Instant.now();
    assertThatThrownBy(() -> styles.fetch(at("/huge.json"))).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> styles.fetch(at("/drip.json"))).isInstanceOf(IOException.class);
    // Two answers refused, each within the read timeout (not the drip's 10 s).
    assertThat(Duration.between(start, Instant.now()))
        .isLessThan(EhrStyleController.READ_TIMEOUT.multipliedBy(2).plusSeconds(2));
  }

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
