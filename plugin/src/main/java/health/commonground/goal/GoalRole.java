package health.commonground.goal;

import health.commonground.conformance.ImplementationGuide;
import java.util.Optional;
import org.hl7.fhir.r4.model.Goal;

/** Whose goal it is: the client's, the therapist's, or one both have accepted. */
public enum GoalRole {
  CLIENT("client", "client-goal"),
  THERAPIST("therapist", "therapist-goal"),
  SHARED("shared", "shared-goal");

  private final String code;
  private final String profile;

  GoalRole(String code, String profileId) {
    this.code = code;
    this.profile = ImplementationGuide.structureDefinition(profileId);
  }

  public String code() {
    return code;
  }

  public String profile() {
    return profile;
  }

  /**
   * The role a goal has: shared when it declares the SharedGoal profile, otherwise decided by who
   * expressed it (however the reference names them, see {@link Voice}). Empty when neither tells:
   * an unclassified goal, typically from another record, for a clinician to classify.
   */
  public static Optional<GoalRole> of(Goal goal) {
    if (goal.getMeta().hasProfile(SHARED.profile)) {
      return Optional.of(SHARED);
    }
    Optional<Voice> voice = Voice.of(goal.getExpressedBy());
    if (voice.isPresent()) {
      return Optional.of(voice.get() == Voice.CLIENT ? CLIENT : THERAPIST);
    }
    for (GoalRole role : values()) {
      if (goal.getMeta().hasProfile(role.profile)) {
        return Optional.of(role);
      }
    }
    return Optional.empty();
  }
}
