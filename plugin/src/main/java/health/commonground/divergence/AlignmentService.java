package health.commonground.divergence;

import static health.commonground.divergence.GoalSnapshot.CLIENT;
import static health.commonground.divergence.GoalSnapshot.SHARED;
import static health.commonground.divergence.GoalSnapshot.THERAPIST;

import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import health.commonground.security.ResourceAccess;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.stereotype.Service;

/**
 * Finds every open divergence of a client, recorded and detected, and sums up where client and
 * clinician stand, for one client or a clinician's whole caseload. Reads only the alignment read
 * model, never parses goals, so a caseload of thousands of goals is summed up in milliseconds.
 */
@Service
public class AlignmentService {

  private static final Comparator<OpenDivergence> TO_DISCUSS =
      Comparator.comparingInt(OpenDivergence::weight)
          .reversed()
          .thenComparing(d -> d.since() == null ? Instant.MAX : d.since())
          .thenComparing(OpenDivergence::goalId);

  private final GoalAlignmentIndex index;
  private final List<DetectionRule> rules;
  private final DivergenceProperties properties;

  AlignmentService(
      GoalAlignmentIndex index, List<DetectionRule> rules, DivergenceProperties properties) {
    this.index = index;
    this.rules = rules;
    this.properties = properties;
  }

  /** Every open divergence of the client, oldest first; 404 for a client the caller may not see. */
  public List<OpenDivergence> openDivergences(
      String patientId, ResourceAccess access, Instant now) {
    return openDivergences(load(patientId, access), now);
  }

  public AlignmentSummary summary(String patientId, ResourceAccess access, Instant now) {
    return summarize(load(patientId, access), now);
  }

  /**
   * The summary of every client the practitioner treats, in patient id order: each Patient whose
   * generalPractitioner is the Practitioner or one of its PractitionerRoles. Only for that
   * practitioner, an administrator or a system: a caseload names clients and their own words.
   */
  List<AlignmentSummary> caseload(String practitionerId, ResourceAccess access, Instant now) {
    access.requireGrant("Goal", 'r');
    if (!access.canRead("Practitioner", practitionerId)) {
      throw new ResourceNotFoundException("Practitioner/" + practitionerId + " is not known");
    }
    if (!access.mayReadCaseloadOf(practitionerId)) {
      String message =
          "Only Practitioner/"
              + practitionerId
              + " themself, an administrator or a system scope may read this caseload";
      throw new ForbiddenOperationException(
          message,
          health.commonground.fhir.OperationOutcomes.error(
              org.hl7.fhir.r4.model.OperationOutcome.IssueType.FORBIDDEN, message, null));
    }
    Map<String, List<GoalSnapshot>> goals = new HashMap<>();
    for (GoalSnapshot goal : index.goalsOfCaseload(practitionerId)) {
      goals.computeIfAbsent(goal.patientId(), k -> new ArrayList<>()).add(goal);
    }
    Map<String, List<RecordedDivergence>> recorded = new HashMap<>();
    for (RecordedDivergence divergence : index.divergencesOfCaseload(practitionerId)) {
      recorded.computeIfAbsent(divergence.patientId(), k -> new ArrayList<>()).add(divergence);
    }
    List<AlignmentSummary> summaries = new ArrayList<>();
    for (String patientId : index.caseload(practitionerId)) {
      summaries.add(
          summarize(
              new ClientGoals(
                  patientId,
                  goals.getOrDefault(patientId, List.of()),
                  recorded.getOrDefault(patientId, List.of())),
              now));
    }
    return summaries;
  }

  /** A client's goals, when the caller may read both the client and goals. */
  private ClientGoals load(String patientId, ResourceAccess access) {
    access.requireGrant("Goal", 'r');
    if (!access.canRead("Patient", patientId)) {
      throw new ResourceNotFoundException("Patient/" + patientId + " is not known");
    }
    return new ClientGoals(patientId, index.goalsOf(patientId), index.divergencesOf(patientId));
  }

  List<OpenDivergence> openDivergences(ClientGoals goals, Instant now) {
    List<OpenDivergence> open = new ArrayList<>();
    for (RecordedDivergence divergence : goals.recorded()) {
      GoalSnapshot goal = goals.goal(divergence.goalId());
      if (divergence.isOpen() && goal != null && goal.isCurrent()) {
        open.add(
            new OpenDivergence(
                true,
                divergence.goalId(),
                divergence.counterpartId(),
                divergence.status(),
                divergence.dimensions(),
                null,
                divergence.identified(),
                Math.max(1, divergence.dimensions().size()),
                divergence.strategyCount(),
                "Divergence named ("
                    + String.join(", ", divergence.dimensions())
                    + "), "
                    + divergence.status(),
                goal.description()));
      }
    }
    for (DetectionRule rule : rules) {
      for (DetectedDivergence detected : rule.detect(goals, now)) {
        GoalSnapshot goal = goals.goal(detected.goalId());
        open.add(
            new OpenDivergence(
                false,
                detected.goalId(),
                detected.counterpartId(),
                null,
                List.of(),
                detected.rule(),
                detected.since(),
                detected.weight(),
                0,
                detected.explanation(),
                goal == null ? null : goal.description()));
      }
    }
    open.sort(
        Comparator.comparing((OpenDivergence d) -> d.since() == null ? Instant.MAX : d.since())
            .thenComparing(OpenDivergence::goalId));
    return open;
  }

  AlignmentSummary summarize(ClientGoals goals, Instant now) {
    List<OpenDivergence> open = openDivergences(goals, now);
    Map<String, Integer> byDimension = new TreeMap<>();
    Map<String, Integer> byStatus = new LinkedHashMap<>();
    byStatus.put("identified", 0);
    byStatus.put("exploring", 0);
    byStatus.put("detected", 0);
    long[] ages = new long[open.size()];
    for (int i = 0; i < open.size(); i++) {
      OpenDivergence d = open.get(i);
      ages[i] = d.ageDays(now);
      byStatus.merge(d.recorded() ? d.status() : "detected", 1, Integer::sum);
      for (String dimension : d.dimensions()) {
        byDimension.merge(dimension, 1, Integer::sum);
      }
    }
    java.util.Arrays.sort(ages);
    int sharedActive = 0;
    int sharedProposed = 0;
    int separateClient = 0;
    int separateTherapist = 0;
    for (GoalSnapshot goal : goals.goals()) {
      if (!goal.isCurrent()) {
        continue;
      }
      switch (goal.role()) {
        case SHARED -> {
          if ("active".equals(goal.lifecycle())) {
            sharedActive++;
          } else {
            sharedProposed++;
          }
        }
        case CLIENT ->
            separateClient += goals.linkedCurrent(goal.goalId(), SHARED).isEmpty() ? 1 : 0;
        case THERAPIST ->
            separateTherapist += goals.linkedCurrent(goal.goalId(), SHARED).isEmpty() ? 1 : 0;
        default -> {}
      }
    }
    List<OpenDivergence> toDiscuss =
        open.stream().sorted(TO_DISCUSS).limit(properties.toDiscussSize()).toList();
    return new AlignmentSummary(
        goals.patientId(),
        open,
        byDimension,
        byStatus,
        ages.length == 0 ? 0 : ages[ages.length - 1],
        ages.length == 0 ? 0 : ages[ages.length / 2],
        sharedActive,
        sharedProposed,
        separateClient,
        separateTherapist,
        toDiscuss);
  }
}
