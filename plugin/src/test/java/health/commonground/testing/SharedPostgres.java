package health.commonground.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * One real PostgreSQL (embedded, from a Maven artifact) for the application contexts of a test run,
 * each on a database of its own. It outlives the contexts: Spring closes cached ones at JVM exit.
 */
public final class SharedPostgres {

  private static EmbeddedPostgres postgres;

  private SharedPostgres() {}

  /** Points the application's datasource at database {@code name}, created when new. */
  public static void datasource(DynamicPropertyRegistry registry, String name) {
    EmbeddedPostgres database = start();
    if (!name.equals("postgres")) {
      JdbcTemplate admin = new JdbcTemplate(database.getPostgresDatabase());
      Integer exists =
          admin.queryForObject(
              "select count(*) from pg_database where datname = ?", Integer.class, name);
      if (exists == null || exists == 0) {
        admin.execute("create database " + name);
      }
    }
    registry.add("spring.datasource.url", () -> database.getJdbcUrl("postgres", name));
    registry.add("spring.datasource.username", () -> "postgres");
    registry.add("spring.datasource.password", () -> "postgres");
  }

  private static synchronized EmbeddedPostgres start() {
    if (postgres == null) {
      try {
        postgres = EmbeddedPostgres.builder().start();
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot start the embedded PostgreSQL", e);
      }
      EmbeddedPostgres started = postgres;
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      started.close();
                    } catch (IOException ignored) {
                      // the process is ending anyway
                    }
                  }));
    }
    return postgres;
  }
}
