package health.commonground.validation;

import ca.uhn.fhir.validation.FhirValidator;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.hl7.fhir.r4.model.Goal;

/**
 * Warm per-Goal validation time, plain HAPI against our {@link ProfileValidator}, for valid and
 * invalid Goals, from one and two threads. Prints mean, p50 and p99 of the wall-clock time of each
 * call and of the CPU time the calling thread spent in it (CPU time stays meaningful when other
 * processes compete for the cores; wall time does not).
 *
 * <p>Run (from the repository root): {@code mvn -q -B -o -pl plugin -am -Pvalidation-benchmark
 * -DskipTests verify}; set {@code -Dbench.calls=N} (calls per thread and case, default 500) and
 * {@code -Dbench.warmup=N} (calls before measuring, default 300).
 */
public final class ValidationBenchmark {

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private ValidationBenchmark() {}

  public static void main(String[] args) throws Exception {
    int calls = Integer.getInteger("bench.calls", 500);
    int warmup = Integer.getInteger("bench.warmup", 300);
    long start = System.nanoTime();
    ProfileValidator ours = GoalSamples.profileValidator();
    FhirValidator plain = GoalSamples.plainHapi(ours);
    List<Goal> valid = List.copyOf(GoalSamples.valid(ours.fhirContext()).values());
    List<Goal> invalid = List.copyOf(GoalSamples.invalid(ours.fhirContext()).values());
    List<Goal> loadTest = GoalSamples.loadTestGoals();
    Function<Goal, Object> hapi = plain::validateWithResult;
    Function<Goal, Object> profileValidator = ours::validate;

    // -Dbench.plain=false leaves plain HAPI out (it takes 17-54 ms a Goal): quicker reruns.
    boolean withPlain = Boolean.parseBoolean(System.getProperty("bench.plain", "true"));
    for (Function<Goal, Object> validator :
        withPlain ? List.of(hapi, profileValidator) : List.of(profileValidator)) {
      run(validator, valid, 1, warmup);
      run(validator, invalid, 1, warmup);
      run(validator, loadTest, 1, warmup);
    }
    System.out.printf(
        Locale.ROOT,
        "Chain built and warmed in %.1f s; %d valid (the published examples), %d invalid and %d"
            + " load-test Goals (what loadtest/ creates); %d calls per thread and case; %d cores%n%n",
        (System.nanoTime() - start) / 1e9,
        valid.size(),
        invalid.size(),
        loadTest.size(),
        calls,
        Runtime.getRuntime().availableProcessors());
    System.out.printf(
        Locale.ROOT,
        "%-17s %-9s %7s | %27s | %27s | %9s%n",
        "validator",
        "goals",
        "threads",
        "wall ms: mean   p50    p99",
        "cpu ms: mean   p50    p99",
        "goals/s");
    for (int threads = 1; threads <= 2; threads++) {
      // "client" and "therapist" are the two load-test Goals on their own: the target is per Goal.
      for (String kind : List.of("valid", "invalid", "loadtest", "client", "therapist")) {
        List<Goal> goals =
            switch (kind) {
              case "valid" -> valid;
              case "invalid" -> invalid;
              case "client" -> loadTest.subList(0, 1);
              case "therapist" -> loadTest.subList(1, 2);
              default -> loadTest;
            };
        if (withPlain) {
          report("plain HAPI", kind, threads, run(hapi, goals, threads, calls));
        }
        report("ProfileValidator", kind, threads, run(profileValidator, goals, threads, calls));
      }
    }
    System.out.printf(Locale.ROOT, "%nCore validators built: %d%n", ours.coreValidatorsBuilt());
  }

  /** Wall and CPU nanoseconds of every call, over all threads, and the elapsed time. */
  private record Timings(long[] wall, long[] cpu, long elapsedNanos) {}

  private static Timings run(
      Function<Goal, Object> validator, List<Goal> goals, int threads, int callsPerThread)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CyclicBarrier start = new CyclicBarrier(threads);
    try {
      List<Future<long[][]>> results = new ArrayList<>();
      long begin = System.nanoTime();
      for (int t = 0; t < threads; t++) {
        int offset = t;
        results.add(
            pool.submit(
                () -> {
                  long[] wall = new long[callsPerThread];
                  long[] cpu = new long[callsPerThread];
                  start.await();
                  for (int i = 0; i < callsPerThread; i++) {
                    Goal goal = goals.get((i + offset) % goals.size());
                    long cpu0 = THREADS.getCurrentThreadCpuTime();
                    long wall0 = System.nanoTime();
                    validator.apply(goal);
                    wall[i] = System.nanoTime() - wall0;
                    cpu[i] = THREADS.getCurrentThreadCpuTime() - cpu0;
                  }
                  return new long[][] {wall, cpu};
                }));
      }
      long[] wall = new long[0];
      long[] cpu = new long[0];
      for (Future<long[][]> result : results) {
        long[][] thread = result.get();
        wall = concat(wall, thread[0]);
        cpu = concat(cpu, thread[1]);
      }
      return new Timings(wall, cpu, System.nanoTime() - begin);
    } finally {
      pool.shutdownNow();
    }
  }

  private static void report(String name, String goals, int threads, Timings t) {
    System.out.printf(
        Locale.ROOT,
        "%-17s %-9s %7d | %s | %s | %9.0f%n",
        name,
        goals,
        threads,
        stats(t.wall()),
        stats(t.cpu()),
        t.wall().length / (t.elapsedNanos() / 1e9));
  }

  private static String stats(long[] nanos) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    double mean = Arrays.stream(sorted).average().orElse(0) / 1e6;
    return String.format(
        Locale.ROOT,
        "%12.2f %6.2f %6.2f",
        mean,
        percentile(sorted, 0.50),
        percentile(sorted, 0.99));
  }

  private static double percentile(long[] sorted, double p) {
    int index = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
  }

  private static long[] concat(long[] a, long[] b) {
    long[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
