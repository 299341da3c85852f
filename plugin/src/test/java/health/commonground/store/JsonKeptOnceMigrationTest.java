package health.commonground.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * A database written before V21 (the JSON in both the current-version row and the history) keeps
 * every resource readable, current and past, once V21 has dropped the copy in the current row.
 */
class JsonKeptOnceMigrationTest {

  @Test
  void resourcesStoredBeforeTheMigrationStayReadable() {
    DriverManagerDataSource dataSource =
        new DriverManagerDataSource(
            "jdbc:h2:mem:migration-"
                + UUID.randomUUID()
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
            "sa",
            "");
    Flyway.configure()
        .dataSource(dataSource)
        .locations("classpath:db/migration")
        .target("20")
        .load()
        .migrate();
    JdbcTemplate jdbc = new JdbcTemplate(dataSource);
    Timestamp first = Timestamp.from(Instant.parse("2026-01-05T10:00:00Z"));
    Timestamp second = Timestamp.from(Instant.parse("2026-02-09T10:00:00Z"));
    String v1 = "{\"resourceType\":\"Goal\",\"id\":\"g1\",\"lifecycleStatus\":\"proposed\"}";
    String v2 = "{\"resourceType\":\"Goal\",\"id\":\"g1\",\"lifecycleStatus\":\"active\"}";
    jdbc.update(
        "insert into fhir_resource (res_type, res_id, version_id, last_updated, deleted, body)"
            + " values ('Goal', 'g1', 2, ?, false, ?)",
        second,
        v2);
    for (Object[] row : List.of(new Object[] {1, first, v1}, new Object[] {2, second, v2})) {
      jdbc.update(
          "insert into fhir_resource_history"
              + " (res_type, res_id, version_id, last_updated, deleted, body, method)"
              + " values ('Goal', 'g1', ?, ?, false, ?, 'PUT')",
          row);
    }

    Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();

    ResourceStore store = new ResourceStore(jdbc, new SearchParamRegistry(List.of()));
    assertThat(store.read("Goal", "g1"))
        .get()
        .satisfies(
            current -> {
              assertThat(current.version()).isEqualTo(2);
              assertThat(current.json()).isEqualTo(v2);
            });
    assertThat(store.readVersion("Goal", "g1", 1))
        .get()
        .extracting(StoredVersion::json)
        .isEqualTo(v1);
    assertThat(store.readAll("Goal", List.of("g1")))
        .singleElement()
        .extracting(StoredVersion::json)
        .isEqualTo(v2);
    assertThat(
            jdbc.queryForList(
                "select column_name from information_schema.columns where table_name ="
                    + " 'fhir_resource'",
                String.class))
        .contains("res_id", "version_id")
        .doesNotContain("body");
  }
}
