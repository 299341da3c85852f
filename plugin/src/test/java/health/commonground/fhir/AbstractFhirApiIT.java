package health.commonground.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import health.commonground.testing.SandboxTokens;
import java.net.http.HttpClient;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The FHIR API scenarios, run through HAPI's generic client and plain HTTP against the started
 * application. Each subclass runs every scenario on one database; the Spring context (and so the
 * database) is shared by all scenarios of a subclass, so each scenario makes its own patient and
 * looks only at what it wrote.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"commonground.demo.enabled=false", "server.address=127.0.0.1"})
abstract class AbstractFhirApiIT
    implements FhirApiSupport,
        ReadWriteScenarios,
        ConditionalWriteScenarios,
        GoalSearchScenarios,
        DeleteAndProvenanceScenarios,
        TransactionScenarios,
        ValidationScenarios,
        BadInputScenarios,
        StoredJsonScenarios,
        ForeignContentScenarios,
        CapabilityWalkScenarios {

  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  @LocalServerPort private int port;

  @Autowired private FhirContext fhirContext;

  @Autowired private StoredJsonAnswers storedJsonAnswers;

  private IGenericClient client;

  private SandboxTokens tokens;

  @BeforeEach
  void connect() {
    fhirContext.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
    // The first write warms the profile validator, which takes seconds.
    fhirContext.getRestfulClientFactory().setSocketTimeout(120_000);
    client = fhirContext.newRestfulGenericClient(base());
    tokens = SandboxTokens.at("http://127.0.0.1:" + port);
    client.registerInterceptor(tokens.backendInterceptor());
  }

  @Override
  public FhirContext fhir() {
    return fhirContext;
  }

  @Override
  public IGenericClient client() {
    return client;
  }

  @Override
  public String base() {
    return "http://127.0.0.1:" + port + "/fhir";
  }

  @Override
  public String accessToken() {
    return tokens.backendBearer();
  }

  @Override
  public String auditorToken() {
    return tokens.backendToken("system/AuditEvent.rs");
  }

  @Override
  public long storedJsonAnswers() {
    return storedJsonAnswers.answered();
  }

  @Override
  public HttpClient http() {
    return HTTP;
  }
}
