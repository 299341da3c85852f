package health.commonground.divergence;

import java.time.Instant;
import java.util.List;

/** What alignment summaries need to know of one current goal, as the read model keeps it. */
record GoalSnapshot(
    String goalId,
    String patientId,
    String role,
    String lifecycle,
    String expressedBy,
    String description,
    Instant firstRecorded,
    String clientAcceptance,
    String clinicianAcceptance,
    Instant acceptanceSince,
    List<Link> links) {

  /** One goal-relationship link: its type and the id of the goal it points at. */
  record Link(String type, String goalId) {}

  static final String CLIENT = "client";
  static final String THERAPIST = "therapist";
  static final String SHARED = "shared";

  /** Still being worked on: not completed, cancelled, rejected or entered in error. */
  boolean isCurrent() {
    return switch (lifecycle) {
      case "completed", "cancelled", "rejected", "entered-in-error" -> false;
      default -> true;
    };
  }

  String reference() {
    return "Goal/" + goalId;
  }
}
