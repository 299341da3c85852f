package health.commonground.validation;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.Annotation;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Goal;
import org.hl7.fhir.r4.model.Narrative;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A write skips the validator when a resource of its shape passed before, so everything that can
 * change the validator's errors must change the shape, and what the shape leaves out must not
 * change the errors.
 */
class ValidShapesTest {

  private static final Pattern TYPED_REFERENCE = Pattern.compile("([A-Za-z]+)/[A-Za-z0-9\\-.]+");

  /** Plain text in several scripts, with marks and punctuation, of several lengths. */
  private static final List<String> WORDS =
      List.of(
          "I want Sunday nights to feel calmer",
          "Mañana quiero dormir mejor, sin pastillas",
          "Ich möchte wieder ruhig schlafen (ohne Angst)",
          "我想睡得更好",
          "أريد أن أنام بشكل أفضل",
          "नींद बेहतर हो",
          "Θέλω να κοιμάμαι καλύτερα",
          "Less worry — more walks, 3/week… and \"no\" to 100% overtime",
          "x");

  private static ProfileValidator validator;
  private static FhirContext fhirContext;
  private static final ValidShapes shapes = new ValidShapes();

  @BeforeAll
  static void chain() {
    validator = GoalSamples.profileValidator();
    fhirContext = validator.fhirContext();
  }

  @Test
  void variantsOfEverySampleGoalShareItsShapeAndGetItsErrors() {
    Map<String, Goal> goals = new LinkedHashMap<>(GoalSamples.valid(fhirContext));
    goals.putAll(GoalSamples.invalid(fhirContext));
    List<Goal> loadTest = GoalSamples.loadTestGoals();
    for (int i = 0; i < loadTest.size(); i++) {
      goals.put("load test " + i, loadTest.get(i));
    }
    Random random = new Random(42);
    int variants = 0;
    for (Map.Entry<String, Goal> sample : goals.entrySet()) {
      Goal goal = sample.getValue();
      String shape = shapes.shapeOf(goal).orElseThrow();
      List<String> errors = errors(validator.validate(goal));
      for (int i = 0; i < 4; i++) {
        Goal variant = goal.copy();
        vary(variant, random);
        assertThat(fhirContext.newJsonParser().encodeResourceToString(variant))
            .as(sample.getKey() + " is varied")
            .isNotEqualTo(fhirContext.newJsonParser().encodeResourceToString(goal));
        assertThat(shapes.shapeOf(variant)).as(sample.getKey()).contains(shape);
        assertThat(errors(validator.validate(variant))).as(sample.getKey()).isEqualTo(errors);
        variants++;
      }
    }
    assertThat(variants).isGreaterThanOrEqualTo(100);
  }

  /**
   * {@code $validate} answers a Goal of a shape that passed with messages about the whole Goal only
   * from memory: for every variant the answer must be exactly the validator's, line and column
   * included (the column is where the Goal's text ends, so it moves with the varied values).
   */
  @Test
  void recalledResultsAreTheValidatorsOwnForEveryVariant() {
    ProfileValidator recalling = GoalSamples.profileValidator();
    Map<String, Goal> goals = new LinkedHashMap<>(GoalSamples.valid(fhirContext));
    goals.putAll(GoalSamples.invalid(fhirContext));
    List<Goal> loadTest = GoalSamples.loadTestGoals();
    for (int i = 0; i < loadTest.size(); i++) {
      goals.put("load test " + i, loadTest.get(i));
    }
    Random random = new Random(7);
    int recalled = 0;
    for (Map.Entry<String, Goal> sample : goals.entrySet()) {
      Goal goal = sample.getValue();
      assertThat(recalling.validateOrRecall(goal).getMessages())
          .as(sample.getKey() + ", validated")
          .isEqualTo(validator.validate(goal).getMessages());
      String shape = shapes.shapeOf(goal).orElseThrow();
      if (recalling.shapes().recall(shape).isPresent()) {
        recalled++;
      }
      for (int i = 0; i < 4; i++) {
        Goal variant = goal.copy();
        vary(variant, random);
        assertThat(recalling.validateOrRecall(variant).getMessages())
            .as(sample.getKey() + ", a variant")
            .isEqualTo(validator.validate(variant).getMessages());
      }
    }
    // Every sample without errors, except the one with a warning on an element (an unknown LOINC).
    assertThat(recalled)
        .isEqualTo(GoalSamples.valid(fhirContext).size() + GoalSamples.loadTestGoals().size() - 1);
    Goal invalid = GoalSamples.invalid(fhirContext).values().iterator().next();
    assertThat(recalling.shapes().recall(shapes.shapeOf(invalid).orElseThrow())).isEmpty();
  }

  @Test
  void onlyMessagesAboutTheWholeResourceAreRecalled() {
    ValidShapes remembered = new ValidShapes();
    Goal loinc = GoalSamples.valid(fhirContext).get("Goal-therapist-goal-anxiety-plan.json").copy();
    ValidationResult result = validator.validate(loinc);
    assertThat(result.getMessages())
        .extracting(SingleValidationMessage::getLocationString)
        .contains("Goal", "Goal.target[0].measure");
    String shape = shapeOf(loinc);
    remembered.remember(shape, "Goal", result);
    assertThat(remembered.passed(shape)).isTrue();
    assertThat(remembered.recall(shape)).isEmpty();

    Goal plain = clientGoal();
    ValidationResult onlyNarrative = validator.validate(plain);
    assertThat(onlyNarrative.getMessages())
        .extracting(SingleValidationMessage::getLocationString)
        .containsOnly("Goal");
    remembered.remember(shapeOf(plain), "Goal", onlyNarrative);
    List<SingleValidationMessage> recalled = remembered.recall(shapeOf(plain)).orElseThrow();
    assertThat(recalled)
        .extracting(
            SingleValidationMessage::getSeverity,
            SingleValidationMessage::getLocationString,
            SingleValidationMessage::getMessage,
            SingleValidationMessage::getMessageId)
        .containsExactlyElementsOf(
            onlyNarrative.getMessages().stream()
                .map(
                    m ->
                        org.assertj.core.groups.Tuple.tuple(
                            m.getSeverity(),
                            m.getLocationString(),
                            m.getMessage(),
                            m.getMessageId()))
                .toList());
    assertThat(recalled).allSatisfy(m -> assertThat(m.getLocationCol()).isNull());

    // Another shape with the same messages shares their one copy.
    Goal therapists = GoalSamples.loadTestGoals().get(1);
    assertThat(shapeOf(therapists)).isNotEqualTo(shapeOf(plain));
    remembered.remember(shapeOf(therapists), "Goal", validator.validate(therapists));
    assertThat(remembered.recall(shapeOf(therapists)).orElseThrow()).isSameAs(recalled);
  }

  @Test
  void whatTheValidatorTellsApartChangesTheShape() {
    String shape = shapeOf(clientGoal());
    List<Consumer<Goal>> changes =
        List.of(
            g -> g.setLifecycleStatus(Goal.GoalLifecycleStatus.CANCELLED),
            g -> g.setLanguage("es"),
            g -> g.getMeta().getProfile().get(0).setValue(GoalSamples.CLIENT_GOAL + "x"),
            g -> g.setExpressedBy(new Reference("Practitioner/therapist-ana")),
            g -> g.setExpressedBy(new Reference("https://example.org/fhir/Patient/1")),
            g -> g.getDescription().setText("Sleep <b>through</b> the night"),
            g -> g.getDescription().setText(" Sleep through the night"),
            g -> g.getDescription().setText("Sleep  through the night"),
            g -> g.getDescription().setText("Sleep through the night\nagain"),
            g -> g.getDescription().setText("x".repeat(ValidShapes.MAX_TEXT + 1)),
            g -> g.setStart(new DateType("2025-03")),
            g -> g.getStartDateType().setValueAsString("1850-01-01"),
            g -> g.getExtension().get(0).setUrl("http://example.org/other"),
            g -> g.getExtension().get(0).getExtension().get(1).setUrl("priority"),
            g -> g.addNote().setText("Sleep through the night"),
            g -> g.addCategory().setText("Sleep"),
            g -> g.setId("Goal/not an id"));
    for (int i = 0; i < changes.size(); i++) {
      Goal changed = clientGoal();
      changes.get(i).accept(changed);
      assertThat(shapeOf(changed)).as("change " + i).isNotEqualTo(shape);
    }
  }

  @Test
  void datesThatAreComparedOrImpossibleAreKeptAsTheyAre() {
    Goal a = clientGoal();
    a.getStartDateType().setValueAsString("2025-03-04");
    Goal b = clientGoal();
    b.getStartDateType().setValueAsString("2026-11-30");
    assertThat(shapeOf(a)).isEqualTo(shapeOf(b));

    // A Period's start and end are compared by its invariant, so they stay in the shape.
    Goal early = clientGoal();
    early
        .addIdentifier()
        .setValue("x")
        .setPeriod(
            new Period().setStartElement(new org.hl7.fhir.r4.model.DateTimeType("2025-01-01")));
    Goal late = clientGoal();
    late.addIdentifier()
        .setValue("x")
        .setPeriod(
            new Period().setStartElement(new org.hl7.fhir.r4.model.DateTimeType("2025-06-01")));
    assertThat(shapeOf(early)).isNotEqualTo(shapeOf(late));
  }

  @Test
  void aResourceWithNarrativeOrContainedResourcesHasNoShape() {
    Goal narrated = clientGoal();
    narrated
        .getText()
        .setStatus(Narrative.NarrativeStatus.GENERATED)
        .setDivAsString("<div>x</div>");
    assertThat(shapes.shapeOf(narrated)).isEmpty();

    Goal containing = clientGoal();
    containing.addContained(new Patient().setId("p"));
    assertThat(shapes.shapeOf(containing)).isEmpty();
  }

  @Test
  void aShapeWithErrorsDidNotPass() {
    ValidShapes remembered = new ValidShapes();
    Goal invalid = GoalSamples.invalid(fhirContext).values().iterator().next();
    ValidationResult result = validator.validate(invalid);
    assertThat(ProfileValidator.hasErrors(result)).isTrue();
    remembered.remember(shapeOf(invalid), "Goal", result);
    assertThat(remembered.passed(shapeOf(invalid))).isFalse();
    assertThat(remembered.recall(shapeOf(invalid))).isEmpty();
  }

  @Test
  void remembersPassedShapesUpToItsLimit() {
    ValidShapes remembered = new ValidShapes();
    String shape = shapeOf(clientGoal());
    assertThat(remembered.passed(shape)).isFalse();
    ValidationResult passedResult = validator.validate(clientGoal());
    remembered.remember(shape, "Goal", passedResult);
    assertThat(remembered.passed(shape)).isTrue();
    for (int i = 0; remembered.size() < ValidShapes.MAX_SHAPES; i++) {
      remembered.remember("shape " + i, "Goal", passedResult);
    }
    remembered.remember("one too many", "Goal", passedResult);
    assertThat(remembered.passed("one too many")).isFalse();
    assertThat(remembered.size()).isEqualTo(ValidShapes.MAX_SHAPES);
  }

  @Test
  void plainTextIsLettersDigitsMarksPunctuationAndSingleSpaces() {
    WORDS.forEach(text -> assertThat(ValidShapes.isPlainText(text)).as(text).isTrue());
    for (String text :
        List.of(
            "", " a", "a ", "a  b", "a\tb", "a\nb", "<a>", "a & b", "a = b", "a\u00a0b", "😀")) {
      assertThat(ValidShapes.isPlainText(text)).as(text).isFalse();
    }
  }

  private static Goal clientGoal() {
    return GoalSamples.loadTestGoals().get(0);
  }

  private static String shapeOf(Goal goal) {
    return shapes.shapeOf(goal).orElseThrow();
  }

  /** Other values of the kinds a shape leaves out: ids, reference ids, plain text, dates. */
  private static void vary(Goal goal, Random random) {
    if (goal.hasId()) {
      goal.setId(UUID.randomUUID().toString());
    }
    if (goal.getDescription().hasText()
        && ValidShapes.isPlainText(goal.getDescription().getText())) {
      goal.getDescription().setText(text(random));
    }
    for (Reference reference :
        fhirContext.newTerser().getAllPopulatedChildElementsOfType(goal, Reference.class)) {
      Matcher typed = TYPED_REFERENCE.matcher(String.valueOf(reference.getReference()));
      if (typed.matches()) {
        reference.setReference(typed.group(1) + "/" + UUID.randomUUID());
      }
      if (reference.hasDisplay() && ValidShapes.isPlainText(reference.getDisplay())) {
        reference.setDisplay(text(random));
      }
    }
    for (Annotation note : goal.getNote()) {
      if (ValidShapes.isPlainText(note.getText())) {
        note.setText(text(random));
      }
    }
    if (goal.getStart() instanceof DateType start && start.getValueAsString().length() == 10) {
      start.setValueAsString(date(random));
    }
    if (goal.hasStatusDate() && goal.getStatusDateElement().getValueAsString().length() == 10) {
      goal.getStatusDateElement().setValueAsString(date(random));
    }
    for (Goal.GoalTargetComponent target : goal.getTarget()) {
      if (target.getDue() instanceof DateType due && due.getValueAsString().length() == 10) {
        due.setValueAsString(date(random));
      }
    }
  }

  private static String text(Random random) {
    return WORDS.get(random.nextInt(WORDS.size())) + " " + random.nextInt(100_000);
  }

  private static String date(Random random) {
    return String.format(
        "%04d-%02d-%02d",
        1900 + random.nextInt(201), 1 + random.nextInt(12), 1 + random.nextInt(28));
  }

  /** The errors as a user sees them, but without the message text, which may quote values. */
  private static List<String> errors(ValidationResult result) {
    List<String> errors = new ArrayList<>();
    for (SingleValidationMessage m : result.getMessages()) {
      if (m.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal()) {
        errors.add(m.getSeverity() + " | " + m.getLocationString() + " | " + m.getMessageId());
      }
    }
    return errors;
  }
}
