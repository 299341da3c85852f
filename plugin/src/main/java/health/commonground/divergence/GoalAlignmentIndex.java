package health.commonground.divergence;

import ca.uhn.fhir.context.FhirContext;
import health.commonground.fhir.WriteRule;
import health.commonground.goal.GoalAcceptances;
import health.commonground.goal.GoalAcceptances.Acceptance;
import health.commonground.goal.GoalRelationships;
import health.commonground.goal.GoalRole;
import health.commonground.security.ActingUser;
import health.commonground.store.LocalReference;
import health.commonground.store.ResourceStore;
import health.commonground.store.SearchParamRegistry;
import health.commonground.store.SearchQuery;
import health.commonground.store.StoredVersion;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.Goal;
import org.hl7.fhir.r4.model.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The read model alignment summaries are computed from: a compact row per current goal and per
 * recorded divergence, written in the same transaction as the goal itself. Summaries over a whole
 * caseload then read a few narrow rows instead of parsing every goal.
 */
@Component
class GoalAlignmentIndex implements WriteRule {

  private static final Logger log = LoggerFactory.getLogger(GoalAlignmentIndex.class);

  private final JdbcTemplate jdbc;
  private final ResourceStore store;
  private final SearchParamRegistry registry;
  private final TransactionTemplate transactions;
  private final FhirContext fhirContext;

  GoalAlignmentIndex(
      JdbcTemplate jdbc,
      ResourceStore store,
      SearchParamRegistry registry,
      TransactionTemplate transactions,
      FhirContext fhirContext) {
    this.jdbc = jdbc;
    this.store = store;
    this.registry = registry;
    this.transactions = transactions;
    this.fhirContext = fhirContext;
  }

  @Override
  public String resourceType() {
    return "Goal";
  }

  @Override
  public void beforeWrite(Resource incoming, Resource previous, ActingUser actor) {}

  @Override
  public void afterWrite(Resource written, Resource previous, ActingUser actor) {
    Instant at = written.getMeta().getLastUpdated().toInstant();
    put((Goal) written, written.getIdElement().getIdPart(), at, previous == null);
  }

  /**
   * Writes (or replaces) the rows of one goal; the goal's current version is {@code goal}.
   *
   * @param isNew the goal has no rows yet (its first version), so none are looked up or removed
   */
  void put(Goal goal, String goalId, Instant at, boolean isNew) {
    Optional<Row> before = isNew ? Optional.empty() : row(goalId);
    String patientId =
        LocalReference.parse(goal.getSubject().getReference())
            .filter(r -> r.type().equals("Patient"))
            .map(LocalReference::id)
            .orElse(null);
    String role = GoalRole.of(goal).map(GoalRole::code).orElse("unknown");
    String client = worst(GoalAcceptances.of(goal).stream().filter(Acceptance::byClient).toList());
    String clinician =
        worst(GoalAcceptances.of(goal).stream().filter(Acceptance::byClinician).toList());
    Instant firstRecorded = before.map(Row::firstRecorded).orElse(at);
    Instant acceptanceSince =
        before
            .filter(r -> same(r.client, client) && same(r.clinician, clinician))
            .map(Row::acceptanceSince)
            .orElse(at);
    StringBuilder links = new StringBuilder();
    for (GoalRelationships.Relationship link : GoalRelationships.of(goal)) {
      LocalReference.parse(link.target())
          .filter(r -> r.type().equals("Goal"))
          .ifPresent(
              r ->
                  links
                      .append(links.isEmpty() ? "" : " ")
                      .append(link.type())
                      .append(':')
                      .append(r.id()));
    }
    String lifecycle = goal.hasLifecycleStatus() ? goal.getLifecycleStatus().toCode() : "proposed";
    String description = goal.getDescription().getText();
    if (description != null && description.length() > 200) {
      description = description.substring(0, 199) + "…";
    }
    if (!isNew) {
      jdbc.update("delete from goal_alignment where goal_id = ?", goalId);
      jdbc.update("delete from goal_divergence where goal_id = ?", goalId);
    }
    jdbc.update(
        "insert into goal_alignment (goal_id, patient_id, goal_role, lifecycle, expressed_by,"
            + " description, first_recorded, client_acceptance, clinician_acceptance,"
            + " acceptance_since, linked_goals) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        goalId,
        patientId,
        role,
        lifecycle,
        goal.getExpressedBy().getReference(),
        description,
        Timestamp.from(firstRecorded),
        client,
        clinician,
        Timestamp.from(acceptanceSince),
        links.length() > 4000 ? links.substring(0, 4000) : links.toString());
    List<Object[]> rows = new ArrayList<>();
    int seq = 0;
    for (Divergence divergence : Divergence.on(goal)) {
      String counterpart =
          LocalReference.parse(divergence.counterpart()).map(LocalReference::id).orElse(null);
      Instant lastStrategy =
          divergence.strategies().stream()
              .map(Divergence.StrategyUse::date)
              .filter(java.util.Objects::nonNull)
              .max(Instant::compareTo)
              .orElse(null);
      rows.add(
          new Object[] {
            goalId,
            seq++,
            patientId,
            counterpart,
            divergence.statusCode() == null ? "identified" : divergence.statusCode(),
            String.join(" ", divergence.dimensionCodes()),
            divergence.identified().map(Timestamp::from).orElse(null),
            divergence.strategies().size(),
            lastStrategy == null ? null : Timestamp.from(lastStrategy)
          });
    }
    if (!rows.isEmpty()) {
      jdbc.batchUpdate(
          "insert into goal_divergence (goal_id, seq, patient_id, counterpart_id, status,"
              + " dimensions, identified, strategy_count, last_strategy)"
              + " values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
          rows);
    }
  }

  /** The goals of one client. */
  List<GoalSnapshot> goalsOf(String patientId) {
    return jdbc.query(
        SELECT_GOALS + " where patient_id = ?", GoalAlignmentIndex::mapGoal, patientId);
  }

  List<RecordedDivergence> divergencesOf(String patientId) {
    return jdbc.query(
        SELECT_DIVERGENCES + " where patient_id = ?", GoalAlignmentIndex::mapDivergence, patientId);
  }

  /** The goals of every client on the practitioner's caseload (see {@link #CASELOAD}). */
  List<GoalSnapshot> goalsOfCaseload(String practitionerId) {
    return jdbc.query(
        SELECT_GOALS + " g join (" + CASELOAD + ") c on g.patient_id = c.res_id",
        GoalAlignmentIndex::mapGoal,
        practitionerId,
        practitionerId);
  }

  List<RecordedDivergence> divergencesOfCaseload(String practitionerId) {
    return jdbc.query(
        SELECT_DIVERGENCES + " d join (" + CASELOAD + ") c on d.patient_id = c.res_id",
        GoalAlignmentIndex::mapDivergence,
        practitionerId,
        practitionerId);
  }

  /** The ids of the clients on the practitioner's caseload, in id order. */
  List<String> caseload(String practitionerId) {
    return jdbc.queryForList(
        CASELOAD + " order by res_id", String.class, practitionerId, practitionerId);
  }

  /**
   * A practitioner's caseload: every Patient whose generalPractitioner is the Practitioner or one
   * of its PractitionerRoles, as the SMART compartments and the web caseload read it. Takes the
   * practitioner id twice; the union holds each client once.
   */
  private static final String CASELOAD =
      "select gp.res_id from search_reference gp where gp.res_type = 'Patient'"
          + " and gp.param = 'general-practitioner' and gp.target_type = 'Practitioner'"
          + " and gp.target_id = ?"
          + " union select gr.res_id from search_reference gr where gr.res_type = 'Patient'"
          + " and gr.param = 'general-practitioner' and gr.target_type = 'PractitionerRole'"
          + " and gr.target_id in (select pr.res_id from search_reference pr"
          + " where pr.res_type = 'PractitionerRole' and pr.param = 'practitioner'"
          + " and pr.target_type = 'Practitioner' and pr.target_id = ?)";

  private static final String SELECT_GOALS =
      "select goal_id, patient_id, goal_role, lifecycle, expressed_by, description, first_recorded,"
          + " client_acceptance, clinician_acceptance, acceptance_since, linked_goals"
          + " from goal_alignment";

  private static final String SELECT_DIVERGENCES =
      "select goal_id, seq, patient_id, counterpart_id, status, dimensions, identified,"
          + " strategy_count, last_strategy from goal_divergence";

  /** Builds the read model from the stored goals when it does not hold every one of them. */
  @EventListener(ApplicationReadyEvent.class)
  void rebuildIfIncomplete() {
    Integer goals =
        jdbc.queryForObject(
            "select count(*) from fhir_resource where res_type = 'Goal' and deleted = false",
            Integer.class);
    Integer rows = jdbc.queryForObject("select count(*) from goal_alignment", Integer.class);
    if (goals != null && rows != null && !goals.equals(rows)) {
      log.info("Rebuilding the goal alignment read model from {} goals", goals);
      rebuild();
    }
  }

  void rebuild() {
    transactions.executeWithoutResult(
        status -> {
          jdbc.update("delete from goal_alignment");
          jdbc.update("delete from goal_divergence");
          SearchQuery all = SearchQuery.parse("Goal", Map.of(), registry);
          int page = 500;
          for (int offset = 0; ; offset += page) {
            List<StoredVersion> versions = store.search(all, offset, page);
            for (StoredVersion version : versions) {
              put(
                  fhirContext.newJsonParser().parseResource(Goal.class, version.json()),
                  version.id(),
                  version.lastUpdated(),
                  true);
            }
            if (versions.size() < page) {
              break;
            }
          }
        });
  }

  /** disagree over pending over agree: the answer that most needs attention. */
  private static String worst(Collection<Acceptance> acceptances) {
    String worst = null;
    for (Acceptance acceptance : acceptances) {
      String status = acceptance.status() == null ? GoalAcceptances.PENDING : acceptance.status();
      if (worst == null || rank(status) > rank(worst)) {
        worst = status;
      }
    }
    return worst;
  }

  private static int rank(String status) {
    return switch (status) {
      case GoalAcceptances.DISAGREE -> 2;
      case GoalAcceptances.AGREE -> 0;
      default -> 1;
    };
  }

  private static boolean same(String a, String b) {
    return a == null ? b == null : a.equals(b);
  }

  private record Row(
      String client, String clinician, Instant firstRecorded, Instant acceptanceSince) {}

  private Optional<Row> row(String goalId) {
    return jdbc
        .query(
            "select client_acceptance, clinician_acceptance, first_recorded, acceptance_since"
                + " from goal_alignment where goal_id = ?",
            (rs, n) ->
                new Row(
                    rs.getString(1),
                    rs.getString(2),
                    rs.getTimestamp(3).toInstant(),
                    rs.getTimestamp(4).toInstant()),
            goalId)
        .stream()
        .findFirst();
  }

  private static GoalSnapshot mapGoal(ResultSet rs, int n) throws SQLException {
    String linked = rs.getString(11);
    List<GoalSnapshot.Link> links = new ArrayList<>();
    if (linked != null && !linked.isEmpty()) {
      for (String link : linked.split(" ")) {
        int colon = link.indexOf(':');
        links.add(new GoalSnapshot.Link(link.substring(0, colon), link.substring(colon + 1)));
      }
    }
    return new GoalSnapshot(
        rs.getString(1),
        rs.getString(2),
        rs.getString(3),
        rs.getString(4),
        rs.getString(5),
        rs.getString(6),
        rs.getTimestamp(7).toInstant(),
        rs.getString(8),
        rs.getString(9),
        rs.getTimestamp(10).toInstant(),
        links);
  }

  private static RecordedDivergence mapDivergence(ResultSet rs, int n) throws SQLException {
    String dims = rs.getString(6);
    Timestamp identified = rs.getTimestamp(7);
    Timestamp last = rs.getTimestamp(9);
    return new RecordedDivergence(
        rs.getString(1),
        rs.getInt(2),
        rs.getString(3),
        rs.getString(4),
        rs.getString(5),
        dims == null || dims.isEmpty() ? List.of() : Arrays.asList(dims.split(" ")),
        identified == null ? null : identified.toInstant(),
        rs.getInt(8),
        last == null ? null : last.toInstant());
  }
}
