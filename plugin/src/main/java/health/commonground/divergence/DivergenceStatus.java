package health.commonground.divergence;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * How far a divergence has been worked through. It is named (identified), talked through
 * (exploring) and ends in common ground or an agreement to differ; an open one ends as superseded
 * when its goal is replaced.
 */
public enum DivergenceStatus {
  IDENTIFIED("identified"),
  EXPLORING("exploring"),
  COMMON_GROUND("common-ground"),
  AGREED_TO_DIFFER("agreed-to-differ"),
  SUPERSEDED("superseded");

  private final String code;

  DivergenceStatus(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }

  /** Still to be worked through. */
  public boolean isOpen() {
    return this == IDENTIFIED || this == EXPLORING;
  }

  /** The statuses a divergence in this status may move to; none once it has ended. */
  public Set<DivergenceStatus> allowedNext() {
    return switch (this) {
      case IDENTIFIED -> EnumSet.of(EXPLORING, SUPERSEDED);
      case EXPLORING -> EnumSet.of(COMMON_GROUND, AGREED_TO_DIFFER, SUPERSEDED);
      case COMMON_GROUND, AGREED_TO_DIFFER, SUPERSEDED -> EnumSet.noneOf(DivergenceStatus.class);
    };
  }

  public boolean mayMoveTo(DivergenceStatus next) {
    return allowedNext().contains(next);
  }

  public static Optional<DivergenceStatus> fromCode(String code) {
    return Arrays.stream(values()).filter(s -> s.code.equals(code)).findFirst();
  }
}
