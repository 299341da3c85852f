package health.commonground.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import health.commonground.conformance.ImplementationGuide;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The start-up never goes on with a validator that could not be warmed: a failed warm-up is retried
 * on a new chain, and when every attempt fails the start-up fails (Spring does not report the
 * application ready before its runners have finished, and a runner that throws ends the start).
 */
class ValidationWarmUpTest {

  private final FhirContext fhirContext = FhirContext.forR4Cached();

  @Test
  void aFailedWarmUpIsRetriedOnANewChainAndTheValidatorWorks() {
    List<Integer> attempts = Collections.synchronizedList(new ArrayList<>());
    ProfileValidator validator =
        new ProfileValidator(
            fhirContext,
            new ImplementationGuide(fhirContext),
            3,
            attempt -> {
              attempts.add(attempt);
              if (attempt == 1) {
                throw new IllegalStateException("first attempt fails");
              }
            });

    new ValidationWarmUp(validator).run(null);

    assertThat(attempts).containsExactly(1, 2);
    assertThat(validator.isWarm()).isTrue();
    assertThat(validator.validate(GoalSamples.minimalClientGoal()).getMessages())
        .noneMatch(m -> m.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal());
  }

  @Test
  void whenEveryAttemptFailsTheStartUpFailsAndNoValidationIsAnswered() {
    List<Integer> attempts = Collections.synchronizedList(new ArrayList<>());
    ProfileValidator validator =
        new ProfileValidator(
            fhirContext,
            new ImplementationGuide(fhirContext),
            2,
            attempt -> {
              attempts.add(attempt);
              throw new IllegalStateException("attempt " + attempt + " fails");
            });

    assertThatThrownBy(() -> new ValidationWarmUp(validator).run(null))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("could not be warmed")
        .hasRootCauseMessage("attempt 1 fails");
    assertThat(attempts).containsExactly(1, 2);
    assertThat(validator.isWarm()).isFalse();
    assertThatThrownBy(() -> validator.validate(GoalSamples.minimalClientGoal()))
        .isInstanceOf(IllegalStateException.class);
  }
}
