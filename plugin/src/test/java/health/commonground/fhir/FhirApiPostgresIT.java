package health.commonground.fhir;

import health.commonground.testing.SharedPostgres;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Every FHIR API scenario on a real PostgreSQL, started once for the run. */
@ActiveProfiles("postgres")
class FhirApiPostgresIT extends AbstractFhirApiIT {

  @DynamicPropertySource
  static void postgres(DynamicPropertyRegistry registry) {
    SharedPostgres.datasource(registry, "postgres");
  }
}
