package health.commonground.goal;

import static org.assertj.core.api.Assertions.assertThat;

import health.commonground.store.LocalReference;
import health.commonground.store.OwnTableDatabases;
import health.commonground.store.ResourceStore;
import health.commonground.store.SearchParamRegistry;
import health.commonground.store.SearchQuery;
import health.commonground.store.StoredVersion;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.hl7.fhir.r4.model.Goal;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A Goal's {@code patient} is searched in its {@code subject} rows (V25): every search, {@code
 * _include} and {@code _revinclude} of it finds what its own rows found before, on H2 and
 * PostgreSQL, for Goals stored before V25 and after.
 */
class GoalPatientRowsIT {

  private static final List<String> QUERIES =
      List.of(
          "patient=a",
          "patient=Patient/a",
          "patient:Patient=b",
          "patient=a,b",
          "patient=g",
          "patient=Group/g",
          "patient:Group=g",
          "patient=Practitioner/a",
          "subject=g",
          "subject=a",
          "patient=a&subject=Patient/a",
          "patient=b&lifecycle-status=active");

  @ParameterizedTest
  @MethodSource(OwnTableDatabases.NAMES)
  void goalsStoredBeforeAndAfterAreFoundAsWithTheirOwnRows(String database) {
    DataSource dataSource = OwnTableDatabases.fresh(database);
    OwnTableDatabases.migrate(dataSource, "24");
    JdbcTemplate jdbc = new JdbcTemplate(dataSource);
    // Before V25: a Goal's patient had index rows of its own.
    SearchParamRegistry ownRows = OwnTableDatabases.indexRows(new GoalIndexer());
    ResourceStore before = new ResourceStore(jdbc, ownRows);
    List<Goal> stored = goals("old-");
    stored.forEach(goal -> OwnTableDatabases.writeWithIndexRows(before, ownRows, goal));
    Map<String, List<String>> found = new LinkedHashMap<>();
    for (String query : QUERIES) {
      found.put(query, OwnTableDatabases.ids(before, ownRows, "Goal", query));
    }

    OwnTableDatabases.migrate(dataSource, null);

    SearchParamRegistry registry = new SearchParamRegistry(List.of(new GoalIndexer()));
    ResourceStore store = new ResourceStore(jdbc, registry);
    assertThat(
            jdbc.queryForObject(
                "select count(*) from search_reference where res_type = 'Goal'"
                    + " and param = 'patient'",
                Integer.class))
        .isZero();
    for (String query : QUERIES) {
      assertThat(OwnTableDatabases.ids(store, registry, "Goal", query))
          .as(query)
          .isEqualTo(found.get(query));
    }
    assertThat(found.get("patient=a")).hasSize(2);

    // Goals written now store no patient rows, and are found the same way.
    List<Goal> added = goals("new-");
    added.forEach(goal -> OwnTableDatabases.writeWithIndexRows(store, registry, goal));
    assertThat(
            jdbc.queryForObject(
                "select count(*) from search_reference where param = 'patient'", Integer.class))
        .isZero();
    assertThat(OwnTableDatabases.ids(store, registry, "Goal", "patient=a"))
        .containsExactlyInAnyOrder("old-1", "old-2", "new-1", "new-2");
    assertThat(OwnTableDatabases.ids(store, registry, "Goal", "patient=g")).isEmpty();

    // _include=Goal:patient and _revinclude=Goal:patient
    List<String> all = List.of("old-1", "old-3", "new-4");
    assertThat(store.referencesFrom("Goal", all, "patient"))
        .extracting(LocalReference::relative)
        .containsExactlyInAnyOrder("Patient/a", "Patient/b");
    assertThat(ids(store.referencing("Goal", "patient", "Patient", List.of("a"))))
        .containsExactlyInAnyOrder("old-1", "old-2", "new-1", "new-2");
    assertThat(store.referencing("Goal", "patient", "Group", List.of("g"))).isEmpty();
    SearchQuery revinclude =
        SearchQuery.referencing("Goal", "patient", "Patient", List.of("b"), registry);
    assertThat(ids(store.search(revinclude, 0, 100))).containsExactlyInAnyOrder("old-3", "new-3");
    assertThat(
            store.search(
                SearchQuery.referencing("Goal", "patient", "Group", List.of("g"), registry),
                0,
                100))
        .isEmpty();
  }

  private static List<String> ids(List<StoredVersion> versions) {
    return versions.stream().map(StoredVersion::id).toList();
  }

  /** Two goals of client a, one of client b, one of a group g. */
  private static List<Goal> goals(String prefix) {
    List<Goal> goals = new ArrayList<>();
    goals.add(goal(prefix + "1", "Patient/a", Goal.GoalLifecycleStatus.ACTIVE));
    goals.add(goal(prefix + "2", "Patient/a", Goal.GoalLifecycleStatus.PROPOSED));
    goals.add(goal(prefix + "3", "Patient/b", Goal.GoalLifecycleStatus.ACTIVE));
    goals.add(goal(prefix + "4", "Group/g", Goal.GoalLifecycleStatus.ACTIVE));
    return goals;
  }

  private static Goal goal(String id, String subject, Goal.GoalLifecycleStatus status) {
    Goal goal = new Goal();
    goal.setIdElement(new IdType("Goal", id, "1"));
    goal.getMeta().setVersionId("1").setLastUpdated(new Date());
    goal.setLifecycleStatus(status);
    goal.getDescription().setText("Sleep through the night");
    goal.setSubject(new Reference(subject));
    return goal;
  }
}
