package health.commonground.divergence;

import health.commonground.conformance.ImplementationGuide;
import org.hl7.fhir.r4.model.Coding;

/** What a write of a goal meant, as its Provenance names it (CodeSystem alignment-activity). */
enum AlignmentActivity {
  RECORD_GOAL("record-goal", "Goal recorded"),
  REWORD("reword", "Goal reworded"),
  TRANSLATE("translate", "Translation added or changed"),
  LINK("link", "Goals linked as counterparts"),
  NAME_DIVERGENCE("name-divergence", "Divergence named"),
  MOVE_DIVERGENCE("move-divergence", "Divergence status moved"),
  LOG_STRATEGY("log-strategy", "Strategy logged"),
  NOTE_DIVERGENCE("note-divergence", "Note added to a divergence"),
  PROPOSE_SHARED_GOAL("propose-shared-goal", "Shared goal proposed"),
  ALIGN("align", "Goal aligned into a shared goal"),
  ACCEPT("accept", "Acceptance given"),
  DECLINE("decline", "Acceptance declined"),
  REVISE("revise", "Goal revised (replaced by a new goal)");

  static final String SYSTEM = ImplementationGuide.CANONICAL + "/CodeSystem/alignment-activity";

  private final String code;
  private final String display;

  AlignmentActivity(String code, String display) {
    this.code = code;
    this.display = display;
  }

  Coding coding() {
    return new Coding(SYSTEM, code, display);
  }

  String display() {
    return display;
  }
}
