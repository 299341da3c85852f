package health.commonground.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * One real PostgreSQL (embedded, from a Maven artifact) for a test run: application contexts and
 * plain JDBC tests, each on a database of its own. It outlives the contexts: Spring closes cached
 * ones at JVM exit.
 */
public final class SharedPostgres {

  public static final String USER = "postgres";

  private static EmbeddedPostgres postgres;

  private SharedPostgres() {}

  /** Points the application's datasource at database {@code name}, created when new. */
  public static void datasource(DynamicPropertyRegistry registry, String name) {
    String url = jdbcUrl(name);
    registry.add("spring.datasource.url", () -> url);
    registry.add("spring.datasource.username", () -> USER);
    registry.add("spring.datasource.password", () -> USER);
  }

  /** The JDBC URL of database {@code name} (user and password {@value #USER}), created when new. */
  public static synchronized String jdbcUrl(String name) {
    EmbeddedPostgres database = start();
    if (!name.equals(USER)) {
      JdbcTemplate admin = new JdbcTemplate(database.getPostgresDatabase());
      Integer exists =
          admin.queryForObject(
              "select count(*) from pg_database where datname = ?", Integer.class, name);
      if (exists == null || exists == 0) {
        admin.execute("create database " + name);
      }
    }
    return database.getJdbcUrl(USER, name);
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
