package health.commonground.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.ValidationResult;
import health.commonground.validation.GoalSamples;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.hl7.fhir.r4.model.Goal;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class WriteValidationTest {

  private static WriteValidation validation;

  @BeforeAll
  static void chain() {
    validation = new WriteValidation(GoalSamples.profileValidator());
  }

  @AfterAll
  static void stop() {
    validation.destroy();
  }

  @Test
  void validatesTheResourceAsItWasWhenStarted() {
    Goal goal = GoalSamples.minimalClientGoal();
    CompletableFuture<ValidationResult> started = validation.start(goal);
    // The writing thread goes on: it sets the id and meta, and here breaks the goal on purpose.
    goal.setSubject(null);
    goal.setId("Goal/after-start");

    assertThat(errors(started.join())).isEmpty();
    assertThat(errors(validation.start(goal).join()))
        .anySatisfy(message -> assertThat(message).contains("Goal.subject"));
  }

  @Test
  void givesEveryWriterItsOwnResultWhenMoreWritersThanThreads() throws Exception {
    int writers = 3 * Runtime.getRuntime().availableProcessors() + 1;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      List<Future<List<String>>> results = new ArrayList<>();
      for (int i = 0; i < writers; i++) {
        boolean valid = i % 2 == 0;
        results.add(
            pool.submit(
                () -> {
                  Goal goal = GoalSamples.minimalClientGoal();
                  if (!valid) {
                    goal.setSubject(null);
                  }
                  return errors(validation.start(goal).join());
                }));
      }
      for (int i = 0; i < writers; i++) {
        if (i % 2 == 0) {
          assertThat(results.get(i).get()).as("writer %d", i).isEmpty();
        } else {
          assertThat(results.get(i).get()).as("writer %d", i).isNotEmpty();
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static List<String> errors(ValidationResult result) {
    return result.getMessages().stream()
        .filter(m -> m.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal())
        .map(m -> m.getLocationString() + ": " + m.getMessage())
        .toList();
  }
}
