package health.commonground.testsupport;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import health.commonground.fhir.FhirInterceptor;
import health.commonground.security.ActingUser;
import health.commonground.security.ResourceAccess;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Test-only: lets a test say who is acting with the header {@value #HEADER} (e.g.
 * "Practitioner/okafor") on a request authenticated with a sandbox backend token, so tests can act
 * as each party without a sign-in per user. It exists only on the test classpath and is registered
 * only by tests that import it.
 */
@TestConfiguration(proxyBeanMethods = false)
public class TestActingUser {

  public static final String HEADER = "X-Test-Acting-User";

  @Bean
  FhirInterceptor testActingUserInterceptor() {
    return new Interceptor();
  }

  static class Interceptor implements FhirInterceptor {
    // After the SMART interceptor (which authenticates the backend token the tests send).
    @Hook(value = Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED, order = 1000)
    public boolean actAs(RequestDetails request) {
      String who = request.getHeader(HEADER);
      if (who != null && who.contains("/")) {
        String[] parts = who.split("/", 2);
        ResourceAccess.set(
            request, ResourceAccess.of(request).actingAs(new ActingUser(parts[0], parts[1], null)));
      }
      return true;
    }
  }
}
