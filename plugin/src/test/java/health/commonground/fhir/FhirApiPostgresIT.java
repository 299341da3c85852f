package health.commonground.fhir;

import health.commonground.testing.SharedPostgres;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/** Every FHIR API scenario on a real PostgreSQL, started once for the run. */
@ActiveProfiles("postgres")
// The tokens come from the sandbox, which the postgres profile allows only as a declared demo.
@TestPropertySource(
    properties = {
      "commonground.sandbox.enabled=true",
      "commonground.sandbox.allow-non-local-demo=true"
    })
class FhirApiPostgresIT extends AbstractFhirApiIT {

  @DynamicPropertySource
  static void postgres(DynamicPropertyRegistry registry) {
    SharedPostgres.datasource(registry, "postgres");
  }
}
