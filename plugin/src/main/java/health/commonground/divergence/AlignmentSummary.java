package health.commonground.divergence;

import java.util.List;
import java.util.Map;

/**
 * Where one client and their clinician stand: open divergences by dimension and status and their
 * age, shared versus separate goals, and what to discuss next session.
 */
record AlignmentSummary(
    String patientId,
    List<OpenDivergence> open,
    Map<String, Integer> byDimension,
    Map<String, Integer> byStatus,
    long oldestAgeDays,
    long medianAgeDays,
    int sharedActive,
    int sharedProposed,
    int separateClientGoals,
    int separateTherapistGoals,
    List<OpenDivergence> toDiscuss) {}
