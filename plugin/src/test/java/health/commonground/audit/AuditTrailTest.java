package health.commonground.audit;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.flywaydb.core.Flyway;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/** The access log's batched writer on a real (in-memory H2) store with our migrations. */
class AuditTrailTest {

  private JdbcTemplate jdbc;
  private AuditTrail trail;

  @BeforeEach
  void setUp() {
    DriverManagerDataSource dataSource =
        new DriverManagerDataSource(
            "jdbc:h2:mem:audit-"
                + UUID.randomUUID()
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
            "sa",
            "");
    Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
    jdbc = new JdbcTemplate(dataSource);
    trail =
        new AuditTrail(
            new AuditLog(FhirContext.forR4Cached(), jdbc),
            new TransactionTemplate(new DataSourceTransactionManager(dataSource)));
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    trail.stop();
  }

  @Test
  void everyEventFromParallelRequestsIsStoredAndIndexedOnceFlushed() throws Exception {
    ExecutorService requests = Executors.newFixedThreadPool(4);
    List<Future<?>> done = new ArrayList<>();
    for (int thread = 0; thread < 4; thread++) {
      int t = thread;
      done.add(
          requests.submit(
              () -> {
                for (int i = 0; i < 300; i++) {
                  trail.add(event("Patient/p" + t));
                }
              }));
    }
    for (Future<?> f : done) {
      f.get();
    }
    requests.shutdown();

    trail.flush();

    assertThat(count("audit_event")).isEqualTo(1200);
    assertThat(
            jdbc.queryForObject(
                "select count(*) from audit_event where entity_type = 'Patient'"
                    + " and entity_id = 'p2'",
                Integer.class))
        .isEqualTo(300);
  }

  @Test
  void stoppingStoresWhatIsQueuedAndLaterEventsAreStoredByTheirCaller()
      throws InterruptedException {
    for (int i = 0; i < 50; i++) {
      trail.add(event("Patient/p1"));
    }
    trail.stop();
    assertThat(count("audit_event")).isEqualTo(50);

    trail.add(event("Patient/p1"));
    assertThat(count("audit_event")).isEqualTo(51);
  }

  @Test
  void aFailingDatabaseNeitherFailsTheCallerNorBlocksAReader() {
    jdbc.execute("alter table audit_event rename to audit_event_gone");

    trail.add(event("Patient/p1"));
    trail.flush();

    assertThat(count("audit_event_gone")).isZero();
  }

  private int count(String table) {
    return jdbc.queryForObject("select count(*) from " + table, Integer.class);
  }

  private static AuditEvent event(String patient) {
    AuditEvent event = new AuditEvent();
    event.setAction(AuditEvent.AuditEventAction.R);
    event.setOutcome(AuditEvent.AuditEventOutcome._0);
    event.addEntity().setWhat(new Reference(patient));
    return event;
  }
}
