package health.commonground.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** An EHR launch: for one clinician and one app, used once, within minutes. */
class LaunchContextsTest {

  private final MovableClock clock = new MovableClock();
  private final LaunchContexts launches = new LaunchContexts(clock);

  @Test
  void theClinicianAndAppItWasMadeForRedeemItOnceWithinItsLifetime() {
    String id = launches.mint("p1", "e1", "doc", "app", true, "http://127.0.0.1/style.json");
    clock.advance(LaunchContexts.LIFETIME.minusSeconds(1));
    assertThat(launches.isPending(id)).isTrue();
    LaunchContexts.Launch launch = launches.redeem(id, "doc", "app");
    assertThat(launch.patient()).isEqualTo("p1");
    assertThat(launches.redeemed(id))
        .get()
        .extracting(LaunchContexts.Launch::patient)
        .isEqualTo("p1");

    assertThat(launches.isPending(id)).isFalse();
    assertThatThrownBy(() -> launches.redeem(id, "doc", "app"))
        .isInstanceOf(LaunchContexts.RefusedLaunch.class)
        .hasMessageContaining("already used");
  }

  @Test
  void aLaunchLivesMinutesNotAnHour() {
    assertThat(LaunchContexts.LIFETIME).isLessThanOrEqualTo(Duration.ofMinutes(10));
    String id = launches.mint("p1", null, "doc", "app", false, null);
    clock.advance(LaunchContexts.LIFETIME.plusSeconds(1));
    assertThat(launches.isPending(id)).isFalse();
    assertThatThrownBy(() -> launches.redeem(id, "doc", "app")).hasMessageContaining("expired");
    assertThat(launches.redeemed(id)).isEmpty();
  }

  @Test
  void anotherClinicianOrAnotherAppCannotRedeemIt() {
    String id = launches.mint("p1", null, "doc", "app", false, null);
    assertThatThrownBy(() -> launches.redeem(id, "other-doc", "app"))
        .hasMessageContaining("another clinician");
    assertThatThrownBy(() -> launches.redeem(id, "doc", "other-app"))
        .hasMessageContaining("another app");
    assertThat(launches.redeemed(id)).isEmpty();
    // Refused attempts do not use it up for the right clinician and app.
    assertThat(launches.redeem(id, "doc", "app").patient()).isEqualTo("p1");
  }

  private static final class MovableClock extends Clock {
    private Instant now = Instant.parse("2026-12-04T10:00:00Z");

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
