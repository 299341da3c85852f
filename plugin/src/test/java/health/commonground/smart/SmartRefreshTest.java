package health.commonground.smart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.web.client.RestClient;

/**
 * Refresh tokens rotate and a server withdraws the grant when a rotated-out one comes back, so two
 * requests of one session refreshing at once must spend the refresh token once.
 */
class SmartRefreshTest {

  private final AtomicInteger refreshes = new AtomicInteger();
  private final SmartRuntime runtime = new SmartRuntime(RestClient.builder());
  private final TokenClient server =
      new TokenClient(runtime) {
        @Override
        TokenResponse refresh(SmartProperties.Ehr ehr, String tokenEndpoint, String refreshToken) {
          int n = refreshes.incrementAndGet();
          try {
            Thread.sleep(300);
            return TokenResponse.of(
                new ObjectMapper()
                    .readTree(
                        "{\"access_token\":\"at-"
                            + n
                            + "\",\"refresh_token\":\"rt-"
                            + n
                            + "\",\"token_type\":\"Bearer\",\"expires_in\":300}"));
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }
      };
  private final SmartLauncher launcher =
      new SmartLauncher(
          null,
          null,
          server,
          null,
          new SmartProperties(null, null, null, null, null, null),
          runtime);
  private final SmartProperties.Ehr ehr =
      new SmartProperties.Ehr("EHR", "https://ehr/fhir", "app", null, null, null, null, null);
  private final SmartConfiguration configuration =
      new SmartConfiguration(
          "https://as",
          "https://as/auth",
          "https://as/token",
          null,
          null,
          List.of("S256"),
          List.of());

  @Test
  void twoRequestsRefreshingAtOnceSpendTheRefreshTokenOnce() throws Exception {
    ExecutorService two = Executors.newFixedThreadPool(2);
    try {
      Future<TokenResponse> first =
          two.submit(() -> launcher.refreshOnce(ehr, configuration, "rt-0", Instant.now()));
      Future<TokenResponse> second =
          two.submit(() -> launcher.refreshOnce(ehr, configuration, "rt-0", Instant.now()));
      assertThat(first.get().accessToken()).isEqualTo(second.get().accessToken());
      assertThat(refreshes).hasValue(1);
    } finally {
      two.shutdownNow();
    }
  }

  @Test
  void aNewRefreshTokenIsRefreshedAnew() {
    TokenResponse one = launcher.refreshOnce(ehr, configuration, "rt-0", Instant.now());
    TokenResponse two = launcher.refreshOnce(ehr, configuration, one.refreshToken(), Instant.now());
    assertThat(refreshes).hasValue(2);
    assertThat(two.accessToken()).isNotEqualTo(one.accessToken());
  }
}
