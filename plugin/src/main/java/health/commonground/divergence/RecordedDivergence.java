package health.commonground.divergence;

import java.time.Instant;
import java.util.List;

/** One divergence recorded on a goal, as the read model keeps it. */
record RecordedDivergence(
    String goalId,
    int seq,
    String patientId,
    String counterpartId,
    String status,
    List<String> dimensions,
    Instant identified,
    int strategyCount,
    Instant lastStrategy) {

  boolean isOpen() {
    return DivergenceStatus.fromCode(status).map(DivergenceStatus::isOpen).orElse(false);
  }
}
