package health.commonground.web;

import health.commonground.divergence.AlignmentService;
import health.commonground.divergence.AlignmentSummary;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Service;

/** A clinician's clients, those with open divergences first and the longest-open of them on top. */
@Service
class Caseload {

  private final Viewers viewers;
  private final AlignmentService alignment;
  private final GoalBoardReader reader;

  Caseload(Viewers viewers, AlignmentService alignment, GoalBoardReader reader) {
    this.viewers = viewers;
    this.alignment = alignment;
    this.reader = reader;
  }

  /** One client on the caseload. */
  public record Row(
      String patientId,
      String name,
      int open,
      int detected,
      long oldestAgeDays,
      Map<String, Integer> byDimension,
      int sharedActive,
      int sharedProposed) {}

  List<Row> of(Viewer viewer, Instant now) {
    Set<String> patients = viewers.caseload(viewer);
    Set<String> refs = new HashSet<>();
    patients.forEach(p -> refs.add("Patient/" + p));
    Map<String, String> names = reader.names(refs, viewer.access());
    List<Row> rows = new ArrayList<>();
    for (String patient : patients) {
      AlignmentSummary s = alignment.summary(patient, viewer.access(), now);
      rows.add(
          new Row(
              patient,
              names.getOrDefault("Patient/" + patient, patient),
              s.open().size(),
              s.byStatus().getOrDefault("detected", 0),
              s.oldestAgeDays(),
              s.byDimension(),
              s.sharedActive(),
              s.sharedProposed()));
    }
    rows.sort(
        Comparator.comparing((Row r) -> r.open() == 0)
            .thenComparing(Comparator.comparingLong(Row::oldestAgeDays).reversed())
            .thenComparing(Row::name));
    return rows;
  }
}
