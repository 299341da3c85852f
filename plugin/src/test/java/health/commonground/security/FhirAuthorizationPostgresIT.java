package health.commonground.security;

import health.commonground.testing.SharedPostgres;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * {@link FhirAuthorizationIT} on a real PostgreSQL: the access boundary's conditions are SQL, so
 * each rule is proven on the production database too.
 */
@ActiveProfiles("postgres")
// The tokens come from the sandbox, which the postgres profile allows only as a declared demo.
@TestPropertySource(
    properties = {
      "commonground.sandbox.enabled=true",
      "commonground.sandbox.allow-non-local-demo=true"
    })
class FhirAuthorizationPostgresIT extends FhirAuthorizationIT {

  @DynamicPropertySource
  static void postgres(DynamicPropertyRegistry registry) {
    SharedPostgres.datasource(registry, "access_rules");
  }
}
