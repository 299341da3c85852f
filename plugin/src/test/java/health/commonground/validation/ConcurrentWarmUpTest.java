package health.commonground.validation;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Goal;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * Several validators built, warmed and used at the same moment in one JVM, as happens when test
 * classes (or a test and an application context) build theirs while another is still warming: each
 * must warm and give the same messages, however the warm-ups interleave. The warm-ups convert
 * definitions and generate snapshots; were any definition shared between the chains, one chain's
 * snapshot generation would change a definition another chain is reading (once seen as "Failed to
 * generate snapshot" from a NoSuchElementException in {@code ProfileUtilities}).
 */
class ConcurrentWarmUpTest {

  private static final int VALIDATORS = 3;

  private static final String GOAL = "http://hl7.org/fhir/StructureDefinition/Goal";

  @RepeatedTest(3)
  void validatorsBuiltAndWarmedAtOnceAllWarmAndAgree() throws Exception {
    FhirContext fhirContext = FhirContext.forR4Cached();
    Map<String, Goal> goals = new LinkedHashMap<>(GoalSamples.valid(fhirContext));
    goals.putAll(GoalSamples.invalid(fhirContext));
    CyclicBarrier start = new CyclicBarrier(VALIDATORS);
    ExecutorService pool = Executors.newFixedThreadPool(VALIDATORS);
    try {
      List<Future<Map<String, List<String>>>> results = new ArrayList<>();
      for (int i = 0; i < VALIDATORS; i++) {
        results.add(
            pool.submit(
                () -> {
                  start.await(1, TimeUnit.MINUTES);
                  ProfileValidator validator = GoalSamples.profileValidator();
                  Map<String, List<String>> described = new LinkedHashMap<>();
                  goals.forEach(
                      (name, goal) ->
                          described.put(
                              name, GoalSamples.describe(validator.validate(goal.copy()))));
                  assertThat(validator.isWarm()).isTrue();
                  return described;
                }));
      }
      Map<String, List<String>> first = results.get(0).get(5, TimeUnit.MINUTES);
      for (int i = 1; i < VALIDATORS; i++) {
        assertThat(results.get(i).get(5, TimeUnit.MINUTES)).isEqualTo(first);
      }
      GoalSamples.valid(fhirContext)
          .keySet()
          .forEach(
              name ->
                  assertThat(first.get(name)).as(name).noneMatch(ConcurrentWarmUpTest::isError));
      GoalSamples.invalid(fhirContext)
          .keySet()
          .forEach(
              name -> assertThat(first.get(name)).as(name).anyMatch(ConcurrentWarmUpTest::isError));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void twoValidatorsShareNoDefinitionWithEachOtherOrWithHapisSharedSet() {
    FhirContext fhirContext = FhirContext.forR4Cached();
    ProfileValidator one = GoalSamples.profileValidator();
    ProfileValidator other = GoalSamples.profileValidator();

    for (String url : List.of(GOAL, GoalSamples.CLIENT_GOAL)) {
      IBaseResource mine = one.validationSupport().fetchStructureDefinition(url);
      assertThat(mine).as(url).isNotNull();
      assertThat(other.validationSupport().fetchStructureDefinition(url)).as(url).isNotSameAs(mine);
      assertThat(new DefaultProfileValidationSupport(fhirContext).fetchStructureDefinition(url))
          .as(url)
          .isNotSameAs(mine);
    }
  }

  private static boolean isError(String described) {
    return described.startsWith("ERROR") || described.startsWith("FATAL");
  }
}
