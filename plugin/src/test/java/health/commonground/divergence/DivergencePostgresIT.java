package health.commonground.divergence;

import health.commonground.testing.SharedPostgres;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * {@link DivergenceIT}'s own tests on a real PostgreSQL, on a database of their own: the alignment
 * summaries, the caseload (following the practitioners' roles), the divergences and their history,
 * which read the read model's SQL. Its nested classes (the write rules) are JUnit's to run with
 * {@link DivergenceIT}'s own configuration, on the embedded database.
 */
@ActiveProfiles("postgres")
// The tokens come from the sandbox, which the postgres profile allows only as a declared demo.
@TestPropertySource(
    properties = {
      "commonground.sandbox.enabled=true",
      "commonground.sandbox.allow-non-local-demo=true"
    })
class DivergencePostgresIT extends DivergenceIT {

  @DynamicPropertySource
  static void postgres(DynamicPropertyRegistry registry) {
    SharedPostgres.datasource(registry, "divergence");
  }
}
