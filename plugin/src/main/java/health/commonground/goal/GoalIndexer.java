package health.commonground.goal;

import health.commonground.store.ResourceIndexer;
import health.commonground.store.SearchParam;
import java.util.List;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Goal;
import org.hl7.fhir.r4.model.Reference;
import org.springframework.stereotype.Component;

/** Goal search parameters: the standard R4 ones plus the role and the links between goals. */
@Component
class GoalIndexer implements ResourceIndexer {

  static final String ROLE_SYSTEM =
      health.commonground.conformance.ImplementationGuide.CANONICAL + "/CodeSystem/goal-role";

  @Override
  public String resourceType() {
    return "Goal";
  }

  @Override
  public List<SearchParam> searchParams() {
    return List.of(
        // The subject when it is a Patient: searched in the subject's index rows, so a Goal
        // stores no second row for the same reference.
        SearchParam.reference(
                "patient",
                "The client whose goal it is",
                (r, idx) -> {
                  Reference subject = ((Goal) r).getSubject();
                  if (subject.getReference() != null
                      && subject.getReference().startsWith("Patient/")) {
                    idx.reference(subject);
                  }
                })
            .inRowsOf("subject", "Patient"),
        SearchParam.reference(
            "subject", "Who the goal is for", (r, idx) -> idx.reference(((Goal) r).getSubject())),
        SearchParam.token(
            "lifecycle-status",
            "proposed | planned | accepted | active | on-hold | completed | cancelled |"
                + " entered-in-error | rejected",
            (r, idx) -> {
              Goal goal = (Goal) r;
              if (goal.hasLifecycleStatus()) {
                idx.token(
                    goal.getLifecycleStatus().getSystem(), goal.getLifecycleStatus().toCode());
              }
            }),
        SearchParam.token(
            "achievement-status",
            "in-progress | improving | worsening | no-change | achieved | ...",
            (r, idx) -> idx.token(((Goal) r).getAchievementStatus())),
        SearchParam.token(
            "category",
            "The goal's category",
            (r, idx) -> ((Goal) r).getCategory().forEach(idx::token)),
        SearchParam.token(
            "identifier",
            "A business identifier of the goal",
            (r, idx) -> ((Goal) r).getIdentifier().forEach(idx::token)),
        SearchParam.reference(
            "expressed-by",
            "Who stated the goal: the client (Patient, RelatedPerson) or a clinician",
            (r, idx) -> idx.reference(((Goal) r).getExpressedBy())),
        SearchParam.token(
            "role",
            "client | therapist | shared: whose goal it is",
            (r, idx) ->
                GoalRole.of((Goal) r).ifPresent(role -> idx.token(ROLE_SYSTEM, role.code()))),
        SearchParam.reference(
            "linked-goal",
            "Goals this goal is linked to: counterparts, replacements, the goals a shared goal was"
                + " agreed from, and divergence counterparts",
            (r, idx) -> {
              for (Extension ext : ((Goal) r).getExtension()) {
                if (GoalExtensions.RELATIONSHIP.equals(ext.getUrl())
                    || GoalExtensions.DIVERGENCE.equals(ext.getUrl())) {
                  for (Extension part : ext.getExtension()) {
                    if (part.getValue() instanceof Reference reference) {
                      if (reference.getReference() != null
                          && reference.getReference().startsWith("Goal/")) {
                        idx.reference(reference);
                      }
                    }
                  }
                }
              }
            }));
  }
}
