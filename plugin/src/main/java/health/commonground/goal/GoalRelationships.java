package health.commonground.goal;

import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Goal;
import org.hl7.fhir.r4.model.Reference;

/**
 * Reads and adds the standard goal-relationship extension: {@code other} links counterparts, {@code
 * replacement} points from an old goal to the goal that replaced it, {@code predecessor} from a
 * shared goal to the goals it was agreed from and {@code successor} back.
 */
public final class GoalRelationships {

  public static final String TYPE_SYSTEM = "http://hl7.org/fhir/goal-relationship-type";
  public static final String OTHER = "other";
  public static final String REPLACEMENT = "replacement";
  public static final String PREDECESSOR = "predecessor";
  public static final String SUCCESSOR = "successor";

  /** One link from a goal to another. */
  public record Relationship(String type, String target) {}

  private GoalRelationships() {}

  public static List<Relationship> of(Goal goal) {
    List<Relationship> relationships = new ArrayList<>();
    for (Extension ext : goal.getExtensionsByUrl(GoalExtensions.RELATIONSHIP)) {
      String type = null;
      Extension typePart = ext.getExtensionByUrl("type");
      if (typePart != null && typePart.getValue() instanceof CodeableConcept concept) {
        type = concept.getCoding().stream().map(Coding::getCode).findFirst().orElse(null);
      }
      Extension target = ext.getExtensionByUrl("target");
      if (target != null && target.getValue() instanceof Reference ref) {
        relationships.add(new Relationship(type, ref.getReference()));
      }
    }
    return relationships;
  }

  public static boolean has(Goal goal, String type, String target) {
    return of(goal).stream().anyMatch(r -> type.equals(r.type()) && target.equals(r.target()));
  }

  /** Adds the link unless the goal already has it; true when it was added. */
  public static boolean add(Goal goal, String type, String target) {
    if (has(goal, type, target)) {
      return false;
    }
    Extension ext = goal.addExtension().setUrl(GoalExtensions.RELATIONSHIP);
    ext.addExtension(
        "type",
        new CodeableConcept(
            new Coding(
                TYPE_SYSTEM, type, Character.toUpperCase(type.charAt(0)) + type.substring(1))));
    ext.addExtension("target", new Reference(target));
    return true;
  }
}
