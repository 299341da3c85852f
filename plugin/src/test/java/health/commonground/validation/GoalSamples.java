package health.commonground.validation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import health.commonground.conformance.ImplementationGuide;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.r4.model.Goal;
import org.hl7.fhir.r4.model.Goal.GoalLifecycleStatus;
import org.hl7.fhir.r4.model.Reference;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * Valid and invalid Goals for the validation tests and the benchmark, and the validators they
 * compare: ours and plain HAPI ({@link FhirInstanceValidator}) on the same chain.
 */
public final class GoalSamples {

  /** The implementation guide's published examples: client, therapist and shared goals. */
  static final String VALID = "classpath*:commonground-ig/Goal-*.json";

  /** Deliberately invalid goals, one broken rule each (copied from fhir-profiles' tests). */
  static final String INVALID = "classpath*:fixtures/validation/*.json";

  static final String CLIENT_GOAL = ImplementationGuide.structureDefinition("client-goal");

  private GoalSamples() {}

  /** Our validator, built as the application builds it. */
  public static ProfileValidator profileValidator() {
    FhirContext fhirContext = FhirContext.forR4Cached();
    return new ProfileValidator(fhirContext, new ImplementationGuide(fhirContext));
  }

  /**
   * Plain HAPI validation on the same chain: a FhirInstanceValidator, one core validator a call.
   */
  static FhirValidator plainHapi(ProfileValidator ours) {
    return ProfileValidator.newValidator(
        ours.fhirContext(), new FhirInstanceValidator(ours.validationSupport()));
  }

  static Map<String, Goal> valid(FhirContext fhirContext) {
    return load(fhirContext, VALID);
  }

  /** The invalid fixtures plus a few built here (unknown profile, no profile at all). */
  static Map<String, Goal> invalid(FhirContext fhirContext) {
    Map<String, Goal> goals = load(fhirContext, INVALID);
    Goal unknownProfile = minimalClientGoal();
    unknownProfile.getMeta().getProfile().clear();
    unknownProfile
        .getMeta()
        .addProfile("https://commonground.health/fhir/StructureDefinition/nope");
    goals.put("built: unknown profile", unknownProfile);
    Goal noProfileNoSubject = minimalClientGoal();
    noProfileNoSubject.getMeta().getProfile().clear();
    noProfileNoSubject.setSubject(null);
    goals.put("built: no profile, no subject", noProfileNoSubject);
    return goals;
  }

  /** A ClientGoal with only what the profile requires. */
  public static Goal minimalClientGoal() {
    Goal goal = new Goal();
    goal.getMeta().addProfile(CLIENT_GOAL);
    goal.setLanguage("en");
    goal.setLifecycleStatus(GoalLifecycleStatus.PROPOSED);
    goal.getDescription().setText("Sleep through the night again");
    goal.setSubject(new Reference("Patient/client-sam"));
    goal.setExpressedBy(new Reference("Patient/client-sam"));
    return goal;
  }

  /**
   * The two Goals the load driver (loadtest/) creates: a ClientGoal in the client's words with the
   * client's acceptance, and a TherapistGoal with a category.
   */
  static List<Goal> loadTestGoals() {
    Goal client = minimalClientGoal();
    client.setLifecycleStatus(GoalLifecycleStatus.ACTIVE);
    client
        .getAchievementStatus()
        .addCoding()
        .setSystem("http://terminology.hl7.org/CodeSystem/goal-achievement")
        .setCode("in-progress");
    client.getDescription().setText("I want Sunday nights to feel calmer, number 1");
    client.setStart(new org.hl7.fhir.r4.model.DateType("2025-03-04"));
    org.hl7.fhir.r4.model.Extension acceptance =
        client.addExtension().setUrl("http://hl7.org/fhir/StructureDefinition/goal-acceptance");
    acceptance.addExtension("individual", new Reference("Patient/client-sam"));
    acceptance.addExtension("status", new org.hl7.fhir.r4.model.CodeType("agree"));

    Goal therapist = new Goal();
    therapist.getMeta().addProfile(ImplementationGuide.structureDefinition("therapist-goal"));
    therapist.setLanguage("en");
    therapist.setLifecycleStatus(GoalLifecycleStatus.ACTIVE);
    therapist
        .addCategory()
        .addCoding()
        .setSystem("http://terminology.hl7.org/CodeSystem/goal-category")
        .setCode("behavioral");
    therapist.getDescription().setText("Reduce anticipatory anxiety about the work week, plan 2");
    therapist.setSubject(new Reference("Patient/client-sam"));
    therapist.setExpressedBy(new Reference("Practitioner/therapist-ana"));
    therapist.setStart(new org.hl7.fhir.r4.model.DateType("2025-03-04"));
    return List.of(client, therapist);
  }

  /** What a user of the result sees of each message, in order. */
  static List<String> describe(ValidationResult result) {
    List<String> lines = new ArrayList<>();
    for (SingleValidationMessage m : result.getMessages()) {
      lines.add(
          m.getSeverity()
              + " | "
              + m.getLocationString()
              + " | "
              + m.getLocationLine()
              + ":"
              + m.getLocationCol()
              + " | "
              + m.getMessageId()
              + " | "
              + m.getMessage());
    }
    return lines;
  }

  private static Map<String, Goal> load(FhirContext fhirContext, String pattern) {
    Map<String, Goal> goals = new LinkedHashMap<>();
    try {
      List<Resource> files =
          new ArrayList<>(List.of(new PathMatchingResourcePatternResolver().getResources(pattern)));
      files.sort(Comparator.comparing(Resource::getFilename));
      for (Resource file : files) {
        try (InputStream in = file.getInputStream()) {
          String json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
          goals.put(
              file.getFilename(), fhirContext.newJsonParser().parseResource(Goal.class, json));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (goals.isEmpty()) {
      throw new IllegalStateException("No Goals found at " + pattern);
    }
    return goals;
  }
}
