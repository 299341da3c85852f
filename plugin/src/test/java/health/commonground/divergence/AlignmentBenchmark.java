package health.commonground.divergence;

import ca.uhn.fhir.context.FhirContext;
import health.commonground.CommonGroundApplication;
import health.commonground.goal.GoalAcceptances;
import health.commonground.goal.GoalRelationships;
import health.commonground.goal.GoalRole;
import health.commonground.security.ResourceAccess;
import health.commonground.store.ResourceStore;
import health.commonground.store.SearchParamRegistry;
import health.commonground.store.StoredVersion;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.hl7.fhir.r4.model.Goal;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Prints how long $divergences and $alignment take for a client with 100 goals, and the caseload
 * summary for a clinician with 500 clients and 20,000 goals: median and p90, for the service alone
 * and with the FHIR Parameters built and encoded as JSON (the operation minus HTTP), and the load
 * average before and after. Not a test: run it (see docs/divergence.md) and read the figures.
 * {@code -Dbench.warmup}, {@code -Dbench.warmup-seconds}, {@code -Dbench.runs} and {@code
 * -Dbench.only=<part of a name>} change what is run. Data is loaded straight into the store and the
 * alignment read model (no validation), the way a bulk import would.
 */
public final class AlignmentBenchmark {

  private static final int CLIENTS = 500;
  private static final int GOALS_PER_CLIENT = 40;
  private static final int BIG_CLIENT_GOALS = 100;
  // A server answers these calls many times over: time them with the JIT warm, as in service.
  private static final int WARMUP = Integer.getInteger("bench.warmup", 100);
  private static final int WARMUP_SECONDS = Integer.getInteger("bench.warmup-seconds", 10);
  private static final int RUNS = Integer.getInteger("bench.runs", 100);

  public static void main(String[] args) {
    SpringApplication app = new SpringApplication(CommonGroundApplication.class);
    // Command-line properties outrank application.yml: an in-memory database, nothing else touched.
    // H2 would hand back the previous result of an identical query on unchanged tables; a server
    // whose goals change between calls runs the queries, so the benchmark does too.
    // The web server starts (the security configuration needs it) on a free loopback port.
    try (ConfigurableApplicationContext context =
        app.run(
            "--spring.datasource.url=jdbc:h2:mem:bench;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;"
                + "DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1;OPTIMIZE_REUSE_RESULTS=FALSE",
            "--commonground.demo.enabled=false",
            "--server.port=0",
            "--server.address=127.0.0.1",
            "--logging.level.root=WARN")) {
      new AlignmentBenchmark(context).run();
    }
  }

  private final ResourceStore store;
  private final SearchParamRegistry registry;
  private final GoalAlignmentIndex index;
  private final AlignmentService alignment;
  private final DivergenceOperations operations;
  private final TransactionTemplate transactions;
  private final FhirContext fhir;
  private final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);

  private AlignmentBenchmark(ConfigurableApplicationContext context) {
    store = context.getBean(ResourceStore.class);
    registry = context.getBean(SearchParamRegistry.class);
    index = context.getBean(GoalAlignmentIndex.class);
    alignment = context.getBean(AlignmentService.class);
    operations = context.getBean(DivergenceOperations.class);
    transactions = context.getBean(TransactionTemplate.class);
    fhir = context.getBean(FhirContext.class);
  }

  private void run() {
    long start = System.nanoTime();
    put(new Practitioner(), "okafor");
    put(
        new PractitionerRole().setPractitioner(new Reference("Practitioner/okafor")),
        "okafor-role");
    put(new Practitioner(), "solo");
    for (int c = 0; c < CLIENTS; c++) {
      final int client = c;
      // Half the caseload names the clinician, half their role: the summary follows both.
      String treatedBy = client % 2 == 0 ? "Practitioner/okafor" : "PractitionerRole/okafor-role";
      transactions.executeWithoutResult(
          s -> loadClient("c" + client, treatedBy, "okafor", GOALS_PER_CLIENT));
    }
    transactions.executeWithoutResult(
        s -> loadClient("big", "Practitioner/solo", "solo", BIG_CLIENT_GOALS));
    System.out.printf(
        "Loaded %d clients / %d goals + 1 client with %d goals in %.1f s%n",
        CLIENTS, CLIENTS * GOALS_PER_CLIENT, BIG_CLIENT_GOALS, (System.nanoTime() - start) / 1e9);

    if (alignment.caseload("okafor", SYSTEM, now).size() != CLIENTS) {
      throw new IllegalStateException("The caseload misses clients named through the role");
    }
    IdType big = new IdType("Patient/big");
    IdType okafor = new IdType("Practitioner/okafor");
    System.out.printf(
        "Warm-up %d calls and at least %d s, then %d timed calls of each; load average %s%n",
        WARMUP, WARMUP_SECONDS, RUNS, loadAverage());
    report(
        "$divergences, client with 100 goals (service)",
        () -> alignment.openDivergences("big", SYSTEM, Instant.now()).size(),
        "divergences");
    report(
        "$divergences, client with 100 goals (+ Parameters + JSON)",
        () -> json(operations.divergences(big, systemRequest())),
        "bytes");
    report(
        "$alignment, client with 100 goals (service)",
        () -> alignment.summary("big", SYSTEM, Instant.now()).open().size(),
        "divergences");
    report(
        "$alignment, client with 100 goals (+ Parameters + JSON)",
        () -> json(operations.patientAlignment(big, systemRequest())),
        "bytes");
    report(
        "caseload, 500 clients / 20,000 goals (service)",
        () -> alignment.caseload("okafor", SYSTEM, Instant.now()).size(),
        "clients");
    report(
        "caseload, 500 clients / 20,000 goals (+ Parameters + JSON)",
        () -> json(operations.caseload(okafor, systemRequest())),
        "bytes");
    System.out.printf("Load average at the end %s%n", loadAverage());
  }

  /** The UTF-8 size of the JSON a caller receives (HAPI's server encodes with the same parser). */
  private int json(Parameters parameters) {
    return fhir.newJsonParser()
        .encodeResourceToString(parameters)
        .getBytes(StandardCharsets.UTF_8)
        .length;
  }

  private static void report(String name, Supplier<Integer> call, String unit) {
    if (!name.contains(System.getProperty("bench.only", ""))) {
      return;
    }
    long warmUntil = System.nanoTime() + WARMUP_SECONDS * 1_000_000_000L;
    for (int i = 0; i < WARMUP || System.nanoTime() < warmUntil; i++) {
      call.get();
    }
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long[] nanos = new long[RUNS];
    long[] cpu = new long[RUNS];
    int size = 0;
    for (int i = 0; i < RUNS; i++) {
      long c = threads.getCurrentThreadCpuTime();
      long t = System.nanoTime();
      size = call.get();
      nanos[i] = System.nanoTime() - t;
      cpu[i] = threads.getCurrentThreadCpuTime() - c;
    }
    Arrays.sort(nanos);
    Arrays.sort(cpu);
    // On a shared machine the wall time counts the other tenants too; the CPU time does not.
    System.out.printf(
        "%-60s median %7.2f ms   p90 %7.2f ms   CPU median %7.2f ms   (%,d %s)%n",
        name, nanos[RUNS / 2] / 1e6, nanos[RUNS * 9 / 10] / 1e6, cpu[RUNS / 2] / 1e6, size, unit);
  }

  /** The 1, 5 and 15 minute load averages (Linux), so figures can be read against the load. */
  private static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return fields[0] + " " + fields[1] + " " + fields[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  /**
   * One client's goals: per block of ten, four client goals (two linked to therapist goals, one
   * with a recorded divergence in progress), four therapist goals (one declined, one pending for
   * weeks), one shared goal agreed and one declined.
   */
  private void loadClient(String patientId, String treatedBy, String practitionerId, int goals) {
    Patient patient = new Patient();
    patient.addName().setFamily(patientId);
    patient.addGeneralPractitioner(new Reference(treatedBy));
    put(patient, patientId);
    String p = "Patient/" + patientId;
    String t = "Practitioner/" + practitionerId;
    List<Goal> batch = new ArrayList<>();
    for (int i = 0; i < goals; i += 10) {
      String prefix = patientId + "-" + i + "-";
      Goal c0 = goal(prefix + "c0", p, p, "I want to sleep through the night");
      Goal c1 = goal(prefix + "c1", p, p, "See my friends again");
      Goal c2 = goal(prefix + "c2", p, p, "Stop fighting with my mother");
      Goal c3 = goal(prefix + "c3", p, p, "Walk the dog every day");
      Goal t0 = goal(prefix + "t0", p, t, "Reduce avoidance of social situations");
      Goal t1 = goal(prefix + "t1", p, t, "Set boundaries with family");
      Goal t2 = goal(prefix + "t2", p, t, "Keep a thought record");
      Goal t3 = goal(prefix + "t3", p, t, "Practise paced breathing");
      link(c0, t0);
      link(c1, t1);
      GoalAcceptances.set(t2, p, GoalAcceptances.DISAGREE);
      GoalAcceptances.set(t3, p, GoalAcceptances.PENDING);
      Divergence d =
          Divergence.name(
              c1,
              "Goal/" + t1.getIdElement().getIdPart(),
              List.of(
                  DivergenceDimension.CULTURAL_DIFFERENCES, DivergenceDimension.CLIENT_READINESS),
              now.minus(Duration.ofDays(20 + i)),
              new Reference(t));
      d.setStatus(DivergenceStatus.EXPLORING);
      d.addStrategy(
          AlignmentStrategy.OPEN_COMMUNICATION,
          now.minus(Duration.ofDays(10)),
          new Reference(t),
          null);
      Goal s0 = shared(prefix + "s0", p, t, GoalAcceptances.AGREE);
      Goal s1 = shared(prefix + "s1", p, t, GoalAcceptances.DISAGREE);
      GoalRelationships.add(
          s0, GoalRelationships.PREDECESSOR, "Goal/" + c0.getIdElement().getIdPart());
      GoalRelationships.add(
          c0, GoalRelationships.SUCCESSOR, "Goal/" + s0.getIdElement().getIdPart());
      batch.addAll(List.of(c0, c1, c2, c3, t0, t1, t2, t3, s0, s1));
    }
    for (Goal goal : batch.subList(0, goals)) {
      put(goal, goal.getIdElement().getIdPart());
      index.put(goal, goal.getIdElement().getIdPart(), now.minus(Duration.ofDays(30)), true);
    }
  }

  private static Goal goal(String id, String subject, String expressedBy, String text) {
    Goal goal = new Goal();
    goal.setId(id);
    goal.setLifecycleStatus(Goal.GoalLifecycleStatus.ACTIVE);
    goal.setLanguage("en");
    goal.getDescription().setText(text);
    goal.setSubject(new Reference(subject));
    goal.setExpressedBy(new Reference(expressedBy));
    return goal;
  }

  private static Goal shared(String id, String patient, String clinician, String clientAnswer) {
    Goal goal = goal(id, patient, clinician, "Calmer Sunday evenings");
    goal.setExpressedBy(null);
    goal.getMeta().addProfile(GoalRole.SHARED.profile());
    GoalAcceptances.set(goal, patient, clientAnswer);
    GoalAcceptances.set(goal, clinician, GoalAcceptances.AGREE);
    goal.setLifecycleStatus(
        GoalAcceptances.AGREE.equals(clientAnswer)
            ? Goal.GoalLifecycleStatus.ACTIVE
            : Goal.GoalLifecycleStatus.PROPOSED);
    return goal;
  }

  private static void link(Goal client, Goal therapist) {
    GoalRelationships.add(
        client, GoalRelationships.OTHER, "Goal/" + therapist.getIdElement().getIdPart());
    GoalRelationships.add(
        therapist, GoalRelationships.OTHER, "Goal/" + client.getIdElement().getIdPart());
  }

  private void put(Resource resource, String id) {
    resource.setId(new IdType(resource.fhirType(), id, "1"));
    resource.getMeta().setVersionId("1");
    resource.getMeta().setLastUpdated(java.util.Date.from(now));
    store.write(
        new StoredVersion(
            resource.fhirType(),
            id,
            1,
            now,
            false,
            fhir.newJsonParser().encodeResourceToString(resource)),
        "POST",
        registry.index(resource));
  }

  private static final ResourceAccess SYSTEM =
      ResourceAccess.system(health.commonground.security.ActingUser.SYSTEM);

  /** A request made by the server itself, as the operations expect one. */
  private static ca.uhn.fhir.rest.api.server.RequestDetails systemRequest() {
    var request = new ca.uhn.fhir.rest.server.servlet.ServletRequestDetails();
    ResourceAccess.set(request, SYSTEM);
    return request;
  }
}
