package health.commonground.validation;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import health.commonground.conformance.ImplementationGuide;
import health.commonground.goal.GoalExtensions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Goal;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Our validator reuses HAPI's core validator between calls; these tests hold it to giving exactly
 * the messages plain HAPI validation gives on the same chain, call after call and from two threads.
 */
class ProfileValidatorTest {

  private static ProfileValidator validator;
  private static FhirContext fhirContext;
  private static Map<String, Goal> goals;

  /** Plain HAPI's messages for each goal: what ours must reproduce. */
  private static Map<String, List<String>> expected;

  @BeforeAll
  static void validateEveryGoalWithPlainHapi() {
    validator = GoalSamples.profileValidator();
    fhirContext = validator.fhirContext();
    goals = new LinkedHashMap<>(GoalSamples.valid(fhirContext));
    goals.putAll(GoalSamples.invalid(fhirContext));
    List<Goal> loadTest = GoalSamples.loadTestGoals();
    for (int i = 0; i < loadTest.size(); i++) {
      goals.put("load test " + i, loadTest.get(i));
    }
    FhirValidator plain = GoalSamples.plainHapi(validator);
    expected = new LinkedHashMap<>();
    goals.forEach(
        (name, goal) -> expected.put(name, GoalSamples.describe(plain.validateWithResult(goal))));
  }

  @Test
  void theSamplesCoverValidAndInvalidGoalsOfEveryRole() {
    assertThat(GoalSamples.valid(fhirContext).keySet())
        .anyMatch(n -> n.contains("client-goal"))
        .anyMatch(n -> n.contains("therapist-goal"))
        .anyMatch(n -> n.contains("shared-goal"));
    GoalSamples.valid(fhirContext)
        .forEach((name, goal) -> assertThat(errors(expected.get(name))).as(name).isEmpty());
    GoalSamples.invalid(fhirContext)
        .forEach((name, goal) -> assertThat(errors(expected.get(name))).as(name).isNotEmpty());
    assertThat(errors(expected.get("load test 0"))).isEmpty();
    assertThat(errors(expected.get("load test 1"))).isEmpty();
  }

  @Test
  void givesPlainHapisMessagesCallAfterCallWithOneCoreValidator() {
    int builtBefore = validator.coreValidatorsBuilt();
    for (int round = 0; round < 3; round++) {
      goals.forEach(
          (name, goal) ->
              assertThat(GoalSamples.describe(validator.validate(goal)))
                  .as(name)
                  .containsExactlyElementsOf(expected.get(name)));
    }
    // One thread, one call at a time: the idle core validator is reused, never rebuilt.
    assertThat(validator.coreValidatorsBuilt() - builtBefore).isLessThanOrEqualTo(1);
  }

  @Test
  void givesPlainHapisMessagesFromTwoThreadsAtOnce() throws Exception {
    List<String> names = new ArrayList<>(goals.keySet());
    CyclicBarrier start = new CyclicBarrier(2);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<List<String>>> mismatches = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        List<String> order = new ArrayList<>(names);
        Collections.shuffle(order, new Random(t));
        mismatches.add(
            pool.submit(
                () -> {
                  start.await(30, TimeUnit.SECONDS);
                  List<String> wrong = new ArrayList<>();
                  for (int round = 0; round < 2; round++) {
                    for (String name : order) {
                      List<String> got = GoalSamples.describe(validator.validate(goals.get(name)));
                      if (!got.equals(expected.get(name))) {
                        wrong.add(name + ": " + got + " instead of " + expected.get(name));
                      }
                    }
                  }
                  return wrong;
                }));
      }
      for (Future<List<String>> thread : mismatches) {
        assertThat(thread.get(5, TimeUnit.MINUTES)).isEmpty();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void givesPlainHapisMessagesAfterRetiringACoreValidator() {
    int callsPerCoreValidator = 5;
    ReusingInstanceValidator oneIdle =
        new ReusingInstanceValidator(validator.validationSupport(), 1, callsPerCoreValidator);
    FhirValidator reusing = ProfileValidator.newValidator(fhirContext, oneIdle);
    String name = goals.keySet().iterator().next();
    for (int i = 0; i < callsPerCoreValidator; i++) {
      reusing.validateWithResult(goals.get(name));
    }
    assertThat(oneIdle.coreValidatorsBuilt()).isEqualTo(1);

    assertThat(GoalSamples.describe(reusing.validateWithResult(goals.get(name))))
        .containsExactlyElementsOf(expected.get(name));
    assertThat(oneIdle.coreValidatorsBuilt()).isEqualTo(2);
  }

  @Test
  void aClientGoalWithoutDescriptionTextIsAnErrorOnTheDescription() {
    Goal goal = GoalSamples.minimalClientGoal();
    goal.getDescription()
        .setText(null)
        .addCoding(new Coding("http://snomed.info/sct", "73595000", null));

    assertThat(errorsOf(goal))
        .anyMatch(
            m ->
                m.getLocationString().equals("Goal.description")
                    && m.getMessage().contains("Goal.description.text: minimum required = 1"));
  }

  @Test
  void anUnknownDivergenceDimensionIsAnErrorOnThatCoding() {
    Goal goal = GoalSamples.minimalClientGoal();
    Extension divergence = goal.addExtension().setUrl(GoalExtensions.DIVERGENCE);
    divergence.addExtension("counterpart", new Reference("Goal/therapist-goal-anxiety-plan"));
    divergence.addExtension(
        "dimension",
        new Coding(
            "https://commonground.health/fhir/CodeSystem/divergence-dimension",
            "stubbornness",
            null));
    divergence.addExtension("status", new CodeType("identified"));

    assertThat(errorsOf(goal))
        .anyMatch(
            m ->
                m.getLocationString().equals("Goal.extension[0].extension[1].value.ofType(Coding)")
                    && m.getMessage().contains("stubbornness"));
    assertThat(errorsOf(GoalSamples.minimalClientGoal())).isEmpty();
  }

  @Test
  void aFreshValidatorValidatesOnlyOnceItsWarmUpHasFinished() {
    // Requests arrive while the server starts; a cold chain must not serve them concurrently.
    ProfileValidator fresh = GoalSamples.profileValidator();

    assertThat(fresh.validate(GoalSamples.minimalClientGoal()).getMessages())
        .noneMatch(m -> m.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal());
    assertThat(fresh.isWarm()).isTrue();
  }

  @Test
  void theWarmUpValidatesOneExampleOfEachProfile() {
    assertThat(ValidationWarmUp.exampleGoalPerProfile(fhirContext))
        .extracting(g -> g.getMeta().getProfile().get(0).getValue())
        .containsExactlyInAnyOrder(
            GoalSamples.CLIENT_GOAL,
            ImplementationGuide.structureDefinition("therapist-goal"),
            ImplementationGuide.structureDefinition("shared-goal"));
  }

  private static List<SingleValidationMessage> errorsOf(Goal goal) {
    return validator.validate(goal).getMessages().stream()
        .filter(m -> m.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal())
        .toList();
  }

  private static List<String> errors(List<String> described) {
    return described.stream()
        .filter(line -> line.startsWith("ERROR") || line.startsWith("FATAL"))
        .toList();
  }
}
