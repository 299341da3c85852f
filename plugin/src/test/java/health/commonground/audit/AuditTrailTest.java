package health.commonground.audit;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
  private TransactionTemplate transactions;
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
    transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
    trail = new AuditTrail(new AuditLog(FhirContext.forR4Cached(), jdbc), transactions);
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
    assertThat(trail.lost()).isEqualTo(1);
  }

  @Test
  void underASlowDatabaseTheQueueStaysBoundedAndEveryEventIsStoredOrCounted() throws Exception {
    trail.stop();
    AtomicInteger slowInserts = new AtomicInteger();
    AuditLog slow =
        new AuditLog(FhirContext.forR4Cached(), jdbc) {
          @Override
          void insert(List<AuditEvent> events) {
            slowInserts.incrementAndGet();
            try {
              Thread.sleep(20);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            super.insert(events);
          }
        };
    int bound = 20;
    trail = new AuditTrail(slow, transactions, bound);
    ExecutorService requests = Executors.newFixedThreadPool(4);
    AtomicInteger largestQueue = new AtomicInteger();
    List<Future<?>> done = new ArrayList<>();
    for (int thread = 0; thread < 4; thread++) {
      done.add(
          requests.submit(
              () -> {
                for (int i = 0; i < 100; i++) {
                  trail.add(event("Patient/slow"));
                  largestQueue.accumulateAndGet(trail.waiting(), Math::max);
                }
              }));
    }
    for (Future<?> f : done) {
      f.get(2, TimeUnit.MINUTES);
    }
    requests.shutdown();
    trail.flush();
    // Then the database goes away for a while: what is added then cannot be stored.
    jdbc.execute("alter table audit_event rename to audit_event_away");
    for (int i = 0; i < 7; i++) {
      trail.add(event("Patient/away"));
    }
    trail.flush();
    jdbc.execute("alter table audit_event_away rename to audit_event");
    trail.add(event("Patient/back"));
    trail.flush();

    assertThat(largestQueue.get()).isLessThanOrEqualTo(bound);
    assertThat(slowInserts.get()).as("batches").isGreaterThan(1);
    assertThat(count("audit_event")).isEqualTo(401);
    assertThat(trail.stored()).isEqualTo(401);
    assertThat(trail.lost()).isEqualTo(7);
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
