package health.commonground.divergence;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * An open divergence of a client, recorded (named by someone, with a status) or detected (noticed
 * by a rule). {@code weight} says how far apart the parties are: the number of dimensions of a
 * recorded one, 2 for a declined goal, 1 for other detected ones.
 */
record OpenDivergence(
    boolean recorded,
    String goalId,
    String counterpartId,
    String status,
    List<String> dimensions,
    DetectionRule.Code rule,
    Instant since,
    int weight,
    int strategyCount,
    String explanation,
    String goalDescription) {

  long ageDays(Instant now) {
    return since == null ? 0 : Math.max(0, Duration.between(since, now).toDays());
  }
}
