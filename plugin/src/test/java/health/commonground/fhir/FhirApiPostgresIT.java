package health.commonground.fhir;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Every FHIR API scenario on a real PostgreSQL, started once for the run. */
@ActiveProfiles("postgres")
class FhirApiPostgresIT extends AbstractFhirApiIT {

  private static EmbeddedPostgres postgres;

  @DynamicPropertySource
  static void postgres(DynamicPropertyRegistry registry) {
    EmbeddedPostgres database = start();
    registry.add("spring.datasource.url", () -> database.getJdbcUrl("postgres", "postgres"));
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
      // Spring closes the cached context at JVM exit; the database must outlive it.
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
