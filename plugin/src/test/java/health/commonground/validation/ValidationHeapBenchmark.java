package health.commonground.validation;

import ca.uhn.fhir.context.FhirContext;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.management.JMException;
import javax.management.ObjectName;
import org.hl7.fhir.r4.model.Goal;

/**
 * Live heap held by the validation chain: used heap after full collections, with the FHIR context
 * alone, with the chain built and warmed, and after validating every sample Goal (valid, invalid,
 * load test) many times. Validation is most of the server's live heap, so this is the figure a heap
 * cap has to leave room for.
 *
 * <p>Run (from the repository root): {@code mvn -q -B -o -pl plugin -am -Pvalidation-benchmark
 * -DskipTests test -Dbench.main=health.commonground.validation.ValidationHeapBenchmark}; set {@code
 * -Dbench.calls=N} (validations of each sample Goal, default 500) and {@code -Dbench.histogram=N}
 * to print the N classes with the most live bytes at the end.
 */
public final class ValidationHeapBenchmark {

  private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

  private ValidationHeapBenchmark() {}

  public static void main(String[] args) {
    int calls = Integer.getInteger("bench.calls", 500);
    FhirContext fhirContext = FhirContext.forR4Cached();
    // Scan every resource type, as the server does, so that it is not counted as the chain's.
    fhirContext.getResourceTypes().forEach(fhirContext::getResourceDefinition);
    long context = liveHeap();

    ProfileValidator validator = GoalSamples.profileValidator();
    validator.awaitWarmUp();
    long warmed = liveHeap();

    List<Goal> goals = new ArrayList<>(GoalSamples.valid(fhirContext).values());
    goals.addAll(GoalSamples.invalid(fhirContext).values());
    goals.addAll(GoalSamples.loadTestGoals());
    for (int i = 0; i < calls; i++) {
      goals.forEach(validator::validate);
    }
    long validated = liveHeap();

    print("FHIR context, every resource type scanned", context);
    print("+ validation chain built and warmed", warmed);
    print(
        String.format(Locale.ROOT, "+ %d Goals validated %d times each", goals.size(), calls),
        validated);
    System.out.printf(
        Locale.ROOT,
        "The chain: %.1f MB warmed, %.1f MB after validating (core validators built: %d)%n",
        (warmed - context) / 1e6,
        (validated - context) / 1e6,
        validator.coreValidatorsBuilt());
    int histogram = Integer.getInteger("bench.histogram", 0);
    if (histogram > 0) {
      printHistogram(histogram);
    }
    // Keeps the validator reachable until the last measurement.
    if (validator.fhirContext() == null) {
      throw new IllegalStateException();
    }
  }

  /** The first lines of the JVM's class histogram of live objects (as jcmd GC.class_histogram). */
  private static void printHistogram(int lines) {
    try {
      String histogram =
          (String)
              ManagementFactory.getPlatformMBeanServer()
                  .invoke(
                      new ObjectName("com.sun.management:type=DiagnosticCommand"),
                      "gcClassHistogram",
                      new Object[] {null},
                      new String[] {String[].class.getName()});
      histogram.lines().limit(lines + 3L).forEach(System.out::println);
    } catch (JMException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void print(String what, long bytes) {
    System.out.printf(Locale.ROOT, "%-45s %8.1f MB used heap%n", what, bytes / 1e6);
  }

  /** Used heap after full collections, once it stops shrinking. */
  private static long liveHeap() {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      long now = MEMORY.getHeapMemoryUsage().getUsed();
      if (now >= used) {
        return now;
      }
      used = now;
    }
    return used;
  }
}
