package health.commonground.loadtest;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Drives a running Common Ground over loopback HTTP and prints throughput and latency percentiles.
 *
 * <p>Setup creates the Patients and Practitioners the Goals refer to. The first creates are a phase
 * of their own ("create (cold)": the server's JIT compiler is still at work). Then, for each client
 * thread count in turn: a create phase (valid ClientGoals and TherapistGoals, validated by the
 * server on every write), and once all Goals are stored a read-by-id phase and a {@code
 * Goal?patient=X&_count=50} search phase per thread count. Two last phases time {@code
 * Goal/$validate} to estimate the server's validation time per Goal: of Goals whose shape the
 * server has validated before (as the created ones), which it answers from memory, and of Goals of
 * a new shape each (a unique identifier), which run the whole validator. Every phase is bounded by
 * an operation count and a wall-clock limit.
 */
public final class LoadDriver {

  private static final String FHIR_JSON = "application/fhir+json";
  private static final Pattern LOCATION_ID =
      Pattern.compile("/(Patient|Practitioner|Goal)/([^/]+)");
  private static final Pattern TOTAL = Pattern.compile("\"total\"\\s*:\\s*(\\d+)");
  private static final String PROFILE_BASE =
      "https://commonground.health/fhir/StructureDefinition/";

  private final Options options;
  private final HttpClient http;
  private final PlainHttp fhir;
  private final List<String> patients = new ArrayList<>();
  private final List<String> practitioners = new ArrayList<>();
  private final List<String> goals = java.util.Collections.synchronizedList(new ArrayList<>());
  private final List<PhaseResult> results = new ArrayList<>();
  private BackendAuth auth;

  private LoadDriver(Options options) {
    this.options = options;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    this.fhir = new PlainHttp(options.base, 180_000);
  }

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("--editors-benchmark")) {
      ConcurrentEditors.main(Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    Options options = Options.parse(args);
    if (options == null) {
      System.exit(2);
    }
    if (options.makeKey != null) {
      BackendAuth.makeKeys(Path.of(options.makeKey), Path.of(options.makeKey + ".jwks.json"));
      return;
    }
    int errors = new LoadDriver(options).run();
    System.exit(errors == 0 ? 0 : 1);
  }

  private int run() throws Exception {
    System.out.printf(
        Locale.ROOT,
        "Common Ground load: %s, %d Goals over %d patients, threads %s, load average %s%n",
        options.base,
        options.goals,
        options.patients,
        Arrays.toString(options.threads),
        loadAverage());
    if (options.key != null) {
      auth = new BackendAuth(http, options.base, Path.of(options.key));
      auth.bearer();
      System.out.printf(
          Locale.ROOT, "Authenticated as %s (%s)%n", BackendAuth.CLIENT_ID, BackendAuth.SCOPE);
    }
    setup();

    // A server's first creates run while its JIT compiler is still compiling the write path: they
    // are a phase of their own, reported as such, before the create phases that measure the server
    // once warm. All creates count towards the Goals stored, so exactly --goals are created.
    int coldCreates = Math.min(options.coldCreates, options.goals / 2);
    if (coldCreates > 0) {
      results.add(phase("create (cold)", 1, coldCreates, 0, n -> createGoal(n)));
    }
    int[] perPhase = split(options.goals - coldCreates, options.threads.length);
    for (int i = 0; i < options.threads.length; i++) {
      int warm = Math.min(options.warmup, perPhase[i] / 10);
      results.add(
          phase("create", options.threads[i], perPhase[i] - warm, warm, n -> createGoal(n)));
    }
    int stored = countGoals();
    System.out.printf(Locale.ROOT, "Goals stored on the server: %d%n", stored);
    for (int threads : options.threads) {
      results.add(phase("read", threads, options.reads, options.warmup, n -> readGoal(n)));
    }
    for (int threads : options.threads) {
      results.add(phase("search", threads, options.searches, options.warmup, n -> searchGoals(n)));
    }
    PhaseResult baseline =
        added(phase("read (baseline)", 1, options.validations, options.warmup, this::readGoal));
    PhaseResult known =
        added(
            phase(
                "$validate known",
                1,
                options.validations,
                options.warmup,
                n -> validateGoal(goalJson(n))));
    // Writes and known shapes rarely run the validator, so it is warmed here before its time is
    // taken.
    PhaseResult fresh =
        added(
            phase(
                "$validate new",
                1,
                options.validations,
                options.validationWarmup,
                n -> validateGoal(newShapeGoalJson(n))));

    printTable();
    System.out.printf(
        Locale.ROOT,
        "%nValidation per Goal (warm, 1 thread), $validate round trip p50 minus a read's (%.2f ms);"
            + " an estimate, both include HTTP and JSON work that differs a little:%n"
            + "  a Goal of a shape validated before (answered from memory): %.2f - %.2f = ~%.2f ms%n"
            + "  a Goal of a new shape (the whole validator): %.2f - %.2f = ~%.2f ms%n",
        baseline.p(50),
        known.p(50),
        baseline.p(50),
        Math.max(0, known.p(50) - baseline.p(50)),
        fresh.p(50),
        baseline.p(50),
        Math.max(0, fresh.p(50) - baseline.p(50)));
    System.out.printf(
        Locale.ROOT, "Goals stored at the end: %d; load average %s%n", countGoals(), loadAverage());
    int errors = results.stream().mapToInt(r -> r.errors).sum();
    if (errors > 0) {
      System.out.printf(Locale.ROOT, "%d requests failed; first failure: %s%n", errors, firstError);
    }
    return errors;
  }

  // ---- setup and the operations ----

  private void setup() throws Exception {
    long start = System.nanoTime();
    String firstPatient =
        create("Patient", "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Load\"}]}");
    System.out.printf(
        Locale.ROOT,
        "First write (a Patient) took %.1f s (includes any lazy start-up work on the server)%n",
        (System.nanoTime() - start) / 1e9);
    patients.add(firstPatient);
    for (int i = 1; i < options.patients; i++) {
      patients.add(
          create(
              "Patient",
              "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Load"
                  + i
                  + "\",\"given\":[\"Client\"]}],\"gender\":\"other\",\"birthDate\":\"1990-01-01\"}"));
    }
    for (int i = 0; i < options.practitioners; i++) {
      practitioners.add(
          create(
              "Practitioner",
              "{\"resourceType\":\"Practitioner\",\"name\":[{\"family\":\"Therapist"
                  + i
                  + "\",\"given\":[\"Load\"]}]}"));
    }
    System.out.printf(
        Locale.ROOT,
        "Setup: %d Patients and %d Practitioners in %.1f s%n",
        patients.size(),
        practitioners.size(),
        (System.nanoTime() - start) / 1e9);
  }

  private String create(String type, String body) throws IOException, InterruptedException {
    // Generous: the first write after start-up may build and warm the validator.
    PlainHttp.Reply response = post(type, body);
    if (response.statusCode() != 201) {
      throw new IllegalStateException(
          "Creating a " + type + " returned " + response.statusCode() + ": " + response.body());
    }
    return idFromLocation(response);
  }

  /** The n-th Goal with an identifier no other Goal has, so of a shape the server has not seen. */
  String newShapeGoalJson(int n) {
    String identifier =
        "\"identifier\":[{\"system\":\"urn:ietf:rfc:3986\",\"value\":\"urn:uuid:"
            + UUID.randomUUID()
            + "\"}],";
    return goalJson(n).replaceFirst("\"language\":", identifier + "\"language\":");
  }

  /** The n-th Goal: even ones are the client's own words, odd ones the therapist's. */
  String goalJson(int n) {
    String patient = "Patient/" + patients.get(Math.floorMod(n, patients.size()));
    if (Math.floorMod(n, 2) == 0) {
      return "{\"resourceType\":\"Goal\",\"meta\":{\"profile\":[\""
          + PROFILE_BASE
          + "client-goal\"]},"
          + "\"extension\":[{\"url\":\"http://hl7.org/fhir/StructureDefinition/goal-acceptance\","
          + "\"extension\":[{\"url\":\"individual\",\"valueReference\":{\"reference\":\""
          + patient
          + "\"}},{\"url\":\"status\",\"valueCode\":\"agree\"}]}],"
          + "\"language\":\"en\",\"lifecycleStatus\":\"active\","
          + "\"achievementStatus\":{\"coding\":[{\"system\":"
          + "\"http://terminology.hl7.org/CodeSystem/goal-achievement\",\"code\":\"in-progress\"}]},"
          + "\"description\":{\"text\":\"I want Sunday nights to feel calmer, number "
          + n
          + "\"},"
          + "\"subject\":{\"reference\":\""
          + patient
          + "\"},"
          + "\"expressedBy\":{\"reference\":\""
          + patient
          + "\"},\"startDate\":\"2025-03-04\"}";
    }
    String practitioner =
        "Practitioner/" + practitioners.get(Math.floorMod(n, practitioners.size()));
    return "{\"resourceType\":\"Goal\",\"meta\":{\"profile\":[\""
        + PROFILE_BASE
        + "therapist-goal\"]},"
        + "\"language\":\"en\",\"lifecycleStatus\":\"active\","
        + "\"category\":[{\"coding\":[{\"system\":"
        + "\"http://terminology.hl7.org/CodeSystem/goal-category\",\"code\":\"behavioral\"}]}],"
        + "\"description\":{\"text\":\"Reduce anticipatory anxiety about the work week, plan "
        + n
        + "\"},\"subject\":{\"reference\":\""
        + patient
        + "\"},"
        + "\"expressedBy\":{\"reference\":\""
        + practitioner
        + "\"},\"startDate\":\"2025-03-04\"}";
  }

  private Outcome createGoal(int n) throws IOException, InterruptedException {
    PlainHttp.Reply response = post("Goal", goalJson(goalNumber.getAndIncrement()));
    if (response.statusCode() != 201) {
      return Outcome.failed(
          "POST Goal -> " + response.statusCode() + " " + shorten(response.body()));
    }
    goals.add(idFromLocation(response));
    return Outcome.OK;
  }

  private Outcome readGoal(int n) throws IOException, InterruptedException {
    String id = goals.get(pick(n, goals.size()));
    PlainHttp.Reply response = get("Goal/" + id);
    if (response.statusCode() != 200 || !response.body().contains(id)) {
      return Outcome.failed("GET Goal/" + id + " -> " + response.statusCode());
    }
    return Outcome.OK;
  }

  private Outcome searchGoals(int n) throws IOException, InterruptedException {
    String patient = patients.get(pick(n, patients.size()));
    PlainHttp.Reply response = get("Goal?patient=" + patient + "&_count=50");
    Matcher total = TOTAL.matcher(response.body());
    if (response.statusCode() != 200 || !total.find() || Integer.parseInt(total.group(1)) == 0) {
      return Outcome.failed(
          "GET Goal?patient="
              + patient
              + " -> "
              + response.statusCode()
              + " "
              + shorten(response.body()));
    }
    return Outcome.OK;
  }

  private Outcome validateGoal(String goal) throws IOException, InterruptedException {
    PlainHttp.Reply response = post("Goal/$validate", goal);
    if (response.statusCode() != 200 || response.body().contains("\"error\"")) {
      return Outcome.failed(
          "POST Goal/$validate -> " + response.statusCode() + " " + shorten(response.body()));
    }
    return Outcome.OK;
  }

  private int countGoals() throws IOException, InterruptedException {
    PlainHttp.Reply response = get("Goal?_count=0");
    Matcher total = TOTAL.matcher(response.body());
    return response.statusCode() == 200 && total.find() ? Integer.parseInt(total.group(1)) : -1;
  }

  private final AtomicInteger goalNumber = new AtomicInteger();
  private volatile String firstError;

  /** A spread-out, repeatable choice among {@code size} items. */
  private static int pick(int n, int size) {
    return (int) Math.floorMod((long) n * 2654435761L, (long) size);
  }

  // ---- phases ----

  @FunctionalInterface
  interface Operation {
    Outcome run(int n) throws Exception;
  }

  record Outcome(boolean ok, String error) {
    static final Outcome OK = new Outcome(true, null);

    static Outcome failed(String error) {
      return new Outcome(false, error);
    }
  }

  /**
   * Runs {@code count} operations on {@code threads} threads after {@code warmup} untimed ones,
   * stopping early at the phase's time limit.
   */
  private PhaseResult phase(String name, int threads, int count, int warmup, Operation operation)
      throws Exception {
    AtomicInteger errors = new AtomicInteger();
    for (int i = 0; i < warmup; i++) {
      record(operation.run(-1 - i), errors);
    }
    errors.set(0);
    String loadBefore = loadAverage();
    long serverCpuBefore = serverCpuMillis();
    long jitCpuBefore = serverJitCpuMillis();
    long clientCpuBefore = clientCpuMillis();
    int limit = name.startsWith("create") ? options.createSeconds : options.phaseSeconds;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(limit);
    AtomicInteger next = new AtomicInteger();
    long[][] latencies = new long[threads][];
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    long start = System.nanoTime();
    List<Future<?>> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int worker = t;
      workers.add(
          pool.submit(
              () -> {
                long[] mine = new long[count];
                int done = 0;
                int n;
                while ((n = next.getAndIncrement()) < count && System.nanoTime() < deadline) {
                  long began = System.nanoTime();
                  Outcome outcome;
                  try {
                    outcome = operation.run(n);
                  } catch (Exception e) {
                    outcome = Outcome.failed(e.toString());
                  }
                  mine[done++] = System.nanoTime() - began;
                  record(outcome, errors);
                }
                latencies[worker] = Arrays.copyOf(mine, done);
                return null;
              }));
    }
    for (Future<?> worker : workers) {
      worker.get();
    }
    long elapsed = System.nanoTime() - start;
    long serverCpu = serverCpuMillis() - serverCpuBefore;
    long jitCpuAfter = serverJitCpuMillis();
    long clientCpu = clientCpuMillis() - clientCpuBefore;
    pool.shutdown();
    long[] all = Arrays.stream(latencies).flatMapToLong(Arrays::stream).sorted().toArray();
    PhaseResult result =
        new PhaseResult(
            name,
            threads,
            all,
            elapsed,
            errors.get(),
            loadBefore + " -> " + loadAverage(),
            all.length < count,
            serverCpuBefore < 0 ? -1 : serverCpu,
            // A compiler thread that ended takes its CPU time with it: then the figure is unknown.
            jitCpuBefore < 0 || jitCpuAfter < jitCpuBefore ? -1 : jitCpuAfter - jitCpuBefore,
            clientCpu,
            serverMemoryMegabytes("VmRSS:"),
            serverMemoryMegabytes("VmHWM:"));
    System.out.printf(
        Locale.ROOT,
        "  %-16s %d thread(s): %6d ops in %6.1f s, %8.1f ops/s%s%n",
        name,
        threads,
        all.length,
        elapsed / 1e9,
        result.opsPerSecond(),
        result.cutShort ? " (stopped at the time limit)" : "");
    return result;
  }

  private PhaseResult added(PhaseResult result) {
    results.add(result);
    return result;
  }

  private void record(Outcome outcome, AtomicInteger errors) {
    if (!outcome.ok()) {
      errors.incrementAndGet();
      if (firstError == null) {
        firstError = outcome.error();
      }
    }
  }

  static final class PhaseResult {
    final String name;
    final int threads;
    final long[] sortedNanos;
    final long elapsedNanos;
    final int errors;
    final String load;
    final boolean cutShort;
    final long serverCpuMillis;

    /** Of {@link #serverCpuMillis}, what the JIT compiler's threads used. */
    final long serverJitCpuMillis;

    final long clientCpuMillis;
    final long serverRssMb;

    /** The server's peak resident memory so far (VmHWM), at the end of the phase. */
    final long serverPeakMb;

    PhaseResult(
        String name,
        int threads,
        long[] sortedNanos,
        long elapsedNanos,
        int errors,
        String load,
        boolean cutShort,
        long serverCpuMillis,
        long serverJitCpuMillis,
        long clientCpuMillis,
        long serverRssMb,
        long serverPeakMb) {
      this.serverCpuMillis = serverCpuMillis;
      this.serverJitCpuMillis = serverJitCpuMillis;
      this.serverRssMb = serverRssMb;
      this.serverPeakMb = serverPeakMb;
      this.clientCpuMillis = clientCpuMillis;
      this.name = name;
      this.threads = threads;
      this.sortedNanos = sortedNanos;
      this.elapsedNanos = elapsedNanos;
      this.errors = errors;
      this.load = load;
      this.cutShort = cutShort;
    }

    /**
     * CPU milliseconds per operation of the server ({@code NaN} without --server-pid) or client.
     */
    double cpuPerOp(long cpuMillis) {
      return cpuMillis < 0 || sortedNanos.length == 0
          ? Double.NaN
          : (double) cpuMillis / sortedNanos.length;
    }

    double opsPerSecond() {
      return elapsedNanos == 0 ? 0 : sortedNanos.length / (elapsedNanos / 1e9);
    }

    /** Nearest-rank percentile, in milliseconds. */
    double p(int percentile) {
      if (sortedNanos.length == 0) {
        return Double.NaN;
      }
      int rank = (int) Math.ceil(percentile / 100.0 * sortedNanos.length);
      return sortedNanos[Math.max(0, rank - 1)] / 1e6;
    }
  }

  private void printTable() {
    System.out.println();
    System.out.println(
        "srv cpu / cli cpu: CPU milliseconds per operation used by the server process (needs"
            + " --server-pid) and by this driver; on a busy machine they say more than ops/s.");
    System.out.println(
        "jit: of srv cpu, what the server's JIT compiler threads used (a server still compiling"
            + " its code is slower than a warm one).");
    System.out.printf(
        Locale.ROOT,
        "%-16s %7s %7s %9s %8s %8s %8s %7s %9s %6s %9s %7s %8s  %s%n",
        "phase",
        "threads",
        "ops",
        "ops/s",
        "p50 ms",
        "p90 ms",
        "p99 ms",
        "errors",
        "srv cpu",
        "jit",
        "cli cpu",
        "rss MB",
        "peak MB",
        "load avg (1 min)");
    for (PhaseResult r : results) {
      System.out.printf(
          Locale.ROOT,
          "%-16s %7d %7d %9.1f %8.2f %8.2f %8.2f %7d %9.2f %6.2f %9.2f %7s %8s  %s%s%n",
          r.name,
          r.threads,
          r.sortedNanos.length,
          r.opsPerSecond(),
          r.p(50),
          r.p(90),
          r.p(99),
          r.errors,
          r.cpuPerOp(r.serverCpuMillis),
          r.cpuPerOp(r.serverJitCpuMillis),
          r.cpuPerOp(r.clientCpuMillis),
          r.serverRssMb < 0 ? "?" : Long.toString(r.serverRssMb),
          r.serverPeakMb < 0 ? "?" : Long.toString(r.serverPeakMb),
          r.load,
          r.cutShort ? "  (time limit)" : "");
    }
  }

  // ---- HTTP ----

  private PlainHttp.Reply post(String path, String body) throws IOException, InterruptedException {
    return send("POST", path, body);
  }

  private PlainHttp.Reply get(String path) throws IOException, InterruptedException {
    return send("GET", path, null);
  }

  private PlainHttp.Reply send(String method, String path, String body)
      throws IOException, InterruptedException {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Accept", FHIR_JSON);
    if (body != null) {
      headers.put("Content-Type", FHIR_JSON);
    }
    if (auth != null) {
      headers.put("Authorization", "Bearer " + auth.bearer());
    }
    return fhir.send(method, path, headers, body);
  }

  private static String idFromLocation(PlainHttp.Reply response) {
    String location = response.header("Location");
    Matcher matcher = LOCATION_ID.matcher(location);
    if (!matcher.find()) {
      throw new IllegalStateException("No resource id in Location '" + location + "'");
    }
    return matcher.group(2);
  }

  private static String shorten(String body) {
    return body.length() > 300 ? body.substring(0, 300) + "..." : body;
  }

  /** User + system CPU time of the server process, from /proc; -1 when unknown. */
  private long serverCpuMillis() {
    if (options.serverPid <= 0) {
      return -1;
    }
    try {
      String stat = Files.readString(Path.of("/proc/" + options.serverPid + "/stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // Fields 14 and 15 of stat (utime, stime), counted after the command name; clock ticks of 10
      // ms.
      return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /**
   * User + system CPU time of the server's JIT compiler threads (HotSpot names them "C1
   * CompilerThreadN" and "C2 CompilerThreadN"), from /proc; -1 when unknown.
   */
  private long serverJitCpuMillis() {
    if (options.serverPid <= 0) {
      return -1;
    }
    long ticks = 0;
    try (var tasks = Files.list(Path.of("/proc/" + options.serverPid + "/task"))) {
      for (Path task : tasks.toList()) {
        String stat;
        try {
          stat = Files.readString(task.resolve("stat"));
        } catch (IOException e) {
          continue; // the thread ended meanwhile
        }
        String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
          String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return ticks * 10;
  }

  /** A memory figure of the server (VmRSS, VmHWM), from /proc; -1 when unknown. */
  private long serverMemoryMegabytes(String key) {
    if (options.serverPid <= 0) {
      return -1;
    }
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + options.serverPid + "/status"))) {
        if (line.startsWith(key)) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  private static long clientCpuMillis() {
    return ProcessHandle.current().info().totalCpuDuration().map(Duration::toMillis).orElse(-1L);
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (IOException | RuntimeException e) {
      return "?";
    }
  }

  private static int[] split(int total, int parts) {
    int[] counts = new int[parts];
    for (int i = 0; i < parts; i++) {
      counts[i] = total / parts + (i < total % parts ? 1 : 0);
    }
    return counts;
  }

  // ---- options ----

  static final class Options {
    String base = "http://127.0.0.1:8080/fhir";
    int goals = 10_000;
    int[] threads = {1, 4};
    int patients = 80;
    int practitioners = 8;
    int reads = 5_000;
    int searches = 1_000;
    int validations = 500;
    int warmup = 200;
    int validationWarmup = 2_000;
    int coldCreates = 2_000;
    int phaseSeconds = 180;
    int createSeconds = 900;
    long serverPid = -1;
    String key;
    String makeKey;

    static Options parse(String[] args) {
      Options o = new Options();
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        if (arg.equals("-h") || arg.equals("--help") || i + 1 >= args.length) {
          usage();
          return null;
        }
        String value = args[++i];
        switch (arg) {
          case "--base" -> o.base = value.replaceAll("/+$", "");
          case "--goals" -> o.goals = bounded(value, 1, 1_000_000);
          case "--threads" ->
              o.threads =
                  Arrays.stream(value.split(",")).mapToInt(t -> bounded(t.trim(), 1, 64)).toArray();
          case "--patients" -> o.patients = bounded(value, 1, 10_000);
          case "--practitioners" -> o.practitioners = bounded(value, 1, 1_000);
          case "--reads" -> o.reads = bounded(value, 1, 1_000_000);
          case "--searches" -> o.searches = bounded(value, 1, 1_000_000);
          case "--validations" -> o.validations = bounded(value, 1, 100_000);
          case "--warmup" -> o.warmup = bounded(value, 0, 10_000);
          case "--validation-warmup" -> o.validationWarmup = bounded(value, 0, 100_000);
          case "--cold-creates" -> o.coldCreates = bounded(value, 0, 1_000_000);
          case "--phase-seconds" -> o.phaseSeconds = bounded(value, 1, 3_600);
          case "--create-seconds" -> o.createSeconds = bounded(value, 1, 7_200);
          case "--server-pid" -> o.serverPid = Long.parseLong(value);
          case "--key" -> o.key = value;
          case "--make-key" -> o.makeKey = value;
          default -> {
            System.err.println("Unknown option " + arg);
            usage();
            return null;
          }
        }
      }
      return o;
    }

    private static int bounded(String value, int min, int max) {
      int n = Integer.parseInt(value);
      if (n < min || n > max) {
        throw new IllegalArgumentException(value + " is outside " + min + ".." + max);
      }
      return n;
    }

    private static void usage() {
      System.err.println(
          """
          Usage: java -jar loadtest.jar [--base URL] [--goals N] [--threads 1,4] [--patients 80]
                 [--practitioners 8] [--reads 5000] [--searches 1000] [--validations 500]
                 [--warmup 200] [--cold-creates 2000] [--validation-warmup 2000]
                 [--phase-seconds 180] [--create-seconds 900] [--server-pid PID] [--key FILE]
          or:    java -jar loadtest.jar --make-key FILE
            --base           FHIR base URL of a running server (default http://127.0.0.1:8080/fhir)
            --goals          Goals to create: first --cold-creates on one thread, reported as the
                             "create (cold)" phase (the server's JIT still compiling), then the rest
                             split evenly over the thread counts (default 10000)
            --threads        client thread counts; each runs a create, a read and a search phase
            --reads, --searches, --validations   timed operations per phase
            --warmup         untimed operations before each phase (create: at most a tenth of it)
            --validation-warmup  untimed $validate calls of new shapes before "$validate new"
                             (Goals like the created ones, "$validate known", are answered from
                             memory and warm only with --warmup)
            --phase-seconds  wall-clock limit of every read, search and $validate phase
            --create-seconds wall-clock limit of every create phase
            --server-pid     the server's process id, to report its CPU time per operation
            --key            RSA private key (PKCS#8, Base64) of the backend client common-ground-backend:
                             the driver signs a private_key_jwt assertion (RS384) and sends the
                             client_credentials token (system/*.cruds) as Bearer, refreshing it
            --make-key FILE  writes a new key pair: FILE (private) and FILE.jwks.json (the public JWK
                             Set for the server's COMMONGROUND_SANDBOX_BACKEND_JWKS), then exits
          """);
    }
  }
}
