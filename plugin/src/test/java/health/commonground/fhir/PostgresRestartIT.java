package health.commonground.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import health.commonground.testing.SandboxTokens;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.hl7.fhir.r4.model.Goal;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * PostgreSQL restarts while 20 clients write: every write acknowledged with a 2xx, before, during
 * and after, is stored afterwards; what was refused while the database was away got a 503 with
 * {@code Retry-After} and an OperationOutcome, never a 500; the server recovers by itself (its
 * connection pool reconnects), with no restart of the application.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "commonground.demo.enabled=false",
      "server.address=127.0.0.1",
      // Requests during the outage wait this long for a connection before the 503.
      "spring.datasource.hikari.connection-timeout=2000"
    })
@ActiveProfiles("postgres")
// The tokens come from the sandbox, which the postgres profile allows only as a declared demo.
@TestPropertySource(
    properties = {
      "commonground.sandbox.enabled=true",
      "commonground.sandbox.allow-non-local-demo=true"
    })
class PostgresRestartIT implements FhirApiSupport {

  private static final int CLIENTS = 20;

  private static Path dataDir;
  private static int postgresPort;
  private static volatile EmbeddedPostgres postgres;

  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  @LocalServerPort private int port;
  @Autowired private FhirContext fhirContext;
  private IGenericClient client;
  private SandboxTokens tokens;

  @DynamicPropertySource
  static void postgres(DynamicPropertyRegistry registry) throws IOException {
    dataDir = Files.createTempDirectory("commonground-pg-restart");
    try (ServerSocket free = new ServerSocket(0)) {
      postgresPort = free.getLocalPort();
    }
    postgres = start();
    String url = postgres.getJdbcUrl("postgres", "postgres");
    registry.add("spring.datasource.url", () -> url);
    registry.add("spring.datasource.username", () -> "postgres");
    registry.add("spring.datasource.password", () -> "postgres");
  }

  private static EmbeddedPostgres start() throws IOException {
    return EmbeddedPostgres.builder()
        .setDataDirectory(dataDir)
        .setCleanDataDirectory(false)
        .setPort(postgresPort)
        .start();
  }

  @AfterAll
  static void stop() throws IOException {
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  void everyAcknowledgedWriteSurvivesARestartAndRefusalsAre503WithAnOperationOutcome()
      throws Exception {
    fhirContext.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
    fhirContext.getRestfulClientFactory().setSocketTimeout(120_000);
    client = fhirContext.newRestfulGenericClient(base());
    tokens = SandboxTokens.at("http://127.0.0.1:" + port);
    client.registerInterceptor(tokens.backendInterceptor());
    Patient patient = newPatient();
    String goal = json(clientGoal(patient.getIdElement()));

    Map<String, String> acknowledged = new ConcurrentHashMap<>();
    ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
    AtomicInteger refused = new AtomicInteger();
    AtomicInteger acknowledgedAfterRestart = new AtomicInteger();
    AtomicBoolean restarted = new AtomicBoolean();
    AtomicBoolean running = new AtomicBoolean(true);
    ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
    List<Future<?>> done = new ArrayList<>();
    for (int c = 0; c < CLIENTS; c++) {
      done.add(
          clients.submit(
              () -> {
                while (running.get()) {
                  boolean afterRestart = restarted.get();
                  Response response;
                  try {
                    response = post("Goal", "application/fhir+json", goal);
                  } catch (RuntimeException e) {
                    wrong.add("no answer: " + e);
                    continue;
                  }
                  if (response.status() == 201) {
                    Goal created =
                        fhirContext.newJsonParser().parseResource(Goal.class, response.body());
                    acknowledged.put(
                        created.getIdElement().getIdPart(), created.getMeta().getVersionId());
                    if (afterRestart) {
                      acknowledgedAfterRestart.incrementAndGet();
                    }
                  } else if (response.status() == 503) {
                    refused.incrementAndGet();
                    try {
                      assertOperationOutcome(response);
                      assertThat(response.header("Retry-After")).isNotBlank();
                    } catch (AssertionError e) {
                      wrong.add("503 without its OperationOutcome: " + response.body());
                    }
                  } else {
                    wrong.add(response.status() + ": " + response.body());
                  }
                }
                return null;
              }));
    }
    Thread.sleep(4_000);
    int before = acknowledged.size();
    postgres.close();
    Thread.sleep(6_000);
    postgres = start();
    restarted.set(true);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (acknowledgedAfterRestart.get() < 50 && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    running.set(false);
    for (Future<?> f : done) {
      f.get(2, TimeUnit.MINUTES);
    }
    clients.shutdown();

    System.out.printf(
        "PostgreSQL restart: %d writes acknowledged (%d before the stop, %d after the restart),"
            + " %d refused with 503%n",
        acknowledged.size(), before, acknowledgedAfterRestart.get(), refused.get());
    assertThat(wrong).as("answers other than 201 and 503 with an OperationOutcome").isEmpty();
    assertThat(before).as("writes before the restart").isPositive();
    assertThat(refused.get()).as("writes refused while the database was away").isPositive();
    assertThat(acknowledgedAfterRestart.get())
        .as("writes after the restart: the server recovered by itself")
        .isGreaterThanOrEqualTo(50);
    for (Map.Entry<String, String> write : acknowledged.entrySet()) {
      Response read = get("Goal/" + write.getKey() + "/_history/" + write.getValue());
      assertThat(read.status()).as("acknowledged Goal/%s", write.getKey()).isEqualTo(200);
    }
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
  public HttpClient http() {
    return HTTP;
  }
}
