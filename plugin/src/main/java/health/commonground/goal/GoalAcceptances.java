package health.commonground.goal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Goal;
import org.hl7.fhir.r4.model.Reference;

/**
 * Reads and sets the standard goal-acceptance extension: each stakeholder's agree | disagree |
 * pending.
 */
public final class GoalAcceptances {

  public static final String AGREE = "agree";
  public static final String DISAGREE = "disagree";
  public static final String PENDING = "pending";

  /** One stakeholder's acceptance as recorded on a goal. */
  public record Acceptance(String individual, String status) {

    public boolean byClient() {
      return Voice.of(individual).filter(Voice.CLIENT::equals).isPresent();
    }

    public boolean byClinician() {
      return Voice.of(individual).filter(Voice.CLINICIAN::equals).isPresent();
    }
  }

  private GoalAcceptances() {}

  public static List<Acceptance> of(Goal goal) {
    List<Acceptance> acceptances = new ArrayList<>();
    for (Extension ext : goal.getExtensionsByUrl(GoalExtensions.ACCEPTANCE)) {
      acceptances.add(new Acceptance(individual(ext), status(ext)));
    }
    return acceptances;
  }

  public static Optional<Acceptance> of(Goal goal, String individual) {
    return of(goal).stream().filter(a -> individual.equals(a.individual())).findFirst();
  }

  /** Sets the acceptance of one individual, adding their entry if they have none. */
  public static void set(Goal goal, String individual, String status) {
    for (Extension ext : goal.getExtensionsByUrl(GoalExtensions.ACCEPTANCE)) {
      if (individual.equals(individual(ext))) {
        Extension part = ext.getExtensionByUrl("status");
        if (part == null) {
          ext.addExtension("status", new CodeType(status));
        } else {
          part.setValue(new CodeType(status));
        }
        return;
      }
    }
    Extension ext = goal.addExtension().setUrl(GoalExtensions.ACCEPTANCE);
    ext.addExtension("individual", new Reference(individual));
    ext.addExtension("status", new CodeType(status));
  }

  /** True when there is at least one acceptance and every one of them is agree. */
  public static boolean allAgree(Goal goal) {
    List<Acceptance> acceptances = of(goal);
    return !acceptances.isEmpty() && acceptances.stream().allMatch(a -> AGREE.equals(a.status()));
  }

  private static String individual(Extension ext) {
    Extension part = ext.getExtensionByUrl("individual");
    return part != null && part.getValue() instanceof Reference ref ? ref.getReference() : null;
  }

  private static String status(Extension ext) {
    Extension part = ext.getExtensionByUrl("status");
    return part == null || part.getValue() == null ? null : part.getValue().primitiveValue();
  }
}
