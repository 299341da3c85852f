package health.commonground.divergence;

import java.time.Instant;

/**
 * A divergence the system noticed without anyone naming it, citing the rule that found it.
 *
 * @param goalId the goal it is about
 * @param counterpartId the other goal involved, or null
 * @param rule the detection rule (a code of CodeSystem divergence-rule)
 * @param since when the situation began (the age of the divergence counts from here)
 * @param weight how far apart the parties are, for ordering: 2 declined, 1 otherwise
 * @param explanation one sentence a clinician or client can read
 */
public record DetectedDivergence(
    String goalId,
    String counterpartId,
    DetectionRule.Code rule,
    Instant since,
    int weight,
    String explanation) {}
