package health.commonground.divergence;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of divergence detection and the alignment summaries, under {@code
 * commonground.divergence}.
 */
@ConfigurationProperties("commonground.divergence")
public record DivergenceProperties(Duration pendingAfter, int toDiscussSize) {

  public DivergenceProperties {
    if (pendingAfter == null || pendingAfter.isNegative()) {
      pendingAfter = Duration.ofDays(14);
    }
    if (toDiscussSize <= 0) {
      toDiscussSize = 5;
    }
  }
}
