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
import org.hl7.fhir.r4.model.Reference;
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
        int writer = i;
        results.add(
            pool.submit(
                () -> {
                  Goal goal = GoalSamples.minimalClientGoal();
                  // Text with a line break is kept in the shape, so each goal is validated.
                  goal.getDescription().setText("Sleep through the night\n(" + writer + ")");
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

  @Test
  void aGoalOfAShapeThatPassedBeforePassesWithoutValidation() {
    Goal first = GoalSamples.minimalClientGoal();
    first.getDescription().setText("Walk the dog before work");
    assertThat(errors(validation.start(first).join())).isEmpty();

    Goal second = GoalSamples.minimalClientGoal();
    second.getDescription().setText("Call my sister on Sundays");
    second.setSubject(new Reference("Patient/client-lucia"));
    second.setExpressedBy(new Reference("Patient/client-lucia"));
    CompletableFuture<ValidationResult> passed = validation.start(second);
    assertThat(passed).isCompleted();
    assertThat(passed.join().getMessages()).isEmpty();

    // A broken goal is never remembered: it is validated, and refused, every time.
    Goal broken = GoalSamples.minimalClientGoal();
    broken.setExpressedBy(new Reference("Practitioner/therapist-ana"));
    for (int i = 0; i < 2; i++) {
      assertThat(errors(validation.start(broken).join()))
          .anySatisfy(message -> assertThat(message).contains("cg-client-voice"));
    }
  }

  private static List<String> errors(ValidationResult result) {
    return result.getMessages().stream()
        .filter(m -> m.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal())
        .map(m -> m.getLocationString() + ": " + m.getMessage())
        .toList();
  }
}
