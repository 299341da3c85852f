package health.commonground.validation;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import health.commonground.conformance.ImplementationGuide;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.PrePopulatedValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.r4.model.Goal;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * Our validator runs on core definitions stripped of their documentation ({@link
 * LeanCoreDefinitions}); these tests hold it to the messages plain HAPI gives on the chain as it
 * was, with HAPI's complete core definitions, for every sample Goal and for valid and invalid
 * resources of the other types the server stores (unknown elements, bad codes, broken invariants,
 * core extensions, terminology displays). If stripping took away something the validator reads, the
 * messages differ here.
 */
class LeanCoreDefinitionsTest {

  /** Patients, practitioners, their roles, related persons and provenance, valid and invalid. */
  private static final String STORED_TYPES = "classpath*:fixtures/stored-types/*.json";

  private static final String PATIENT = "http://hl7.org/fhir/StructureDefinition/Patient";

  private static FhirContext fhirContext;
  private static Map<String, Goal> goals;
  private static Map<String, String> otherResources;

  /** Plain HAPI's messages on the complete core definitions: what ours must give. */
  private static Map<String, List<String>> expected;

  private static StructureDefinition completePatient;
  private static ProfileValidator ours;

  @BeforeAll
  static void validateEverythingWithPlainHapiOnCompleteDefinitions() {
    fhirContext = FhirContext.forR4Cached();
    goals = new LinkedHashMap<>(GoalSamples.valid(fhirContext));
    goals.putAll(GoalSamples.invalid(fhirContext));
    List<Goal> loadTest = GoalSamples.loadTestGoals();
    for (int i = 0; i < loadTest.size(); i++) {
      goals.put("load test " + i, loadTest.get(i));
    }
    otherResources = storedTypes();

    // HAPI's own, shared core definitions: ours never strips or changes them (it loads its own).
    IValidationSupport complete = completeChain();
    FhirValidator plain =
        ProfileValidator.newValidator(fhirContext, new FhirInstanceValidator(complete));
    expected = new LinkedHashMap<>();
    goals.forEach(
        (name, goal) -> expected.put(name, GoalSamples.describe(plain.validateWithResult(goal))));
    otherResources.forEach(
        (name, json) -> expected.put(name, GoalSamples.describe(plain.validateWithResult(json))));
    completePatient = (StructureDefinition) complete.fetchStructureDefinition(PATIENT);

    ours = GoalSamples.profileValidator();
    ours.awaitWarmUp();
  }

  @Test
  void ourValidatorRunsOnStrippedDefinitionsAndPlainHapiOnCompleteOnes() {
    StructureDefinition stripped =
        (StructureDefinition) ours.validationSupport().fetchStructureDefinition(PATIENT);
    assertThat(stripped).isNotSameAs(completePatient);
    // Warm: the core validator has its R5 copy, the R4 snapshot is gone.
    assertThat(stripped.hasSnapshot()).isFalse();
    org.hl7.fhir.r5.model.StructureDefinition converted =
        new RememberingWorkerContext(ours.validationSupport())
            .fetchResource(org.hl7.fhir.r5.model.StructureDefinition.class, PATIENT);
    assertThat(converted.hasDifferential()).isFalse();
    assertThat(converted.getSnapshot().getElement().get(0).hasDefinition()).isFalse();
    assertThat(completePatient.hasDifferential()).isTrue();
    assertThat(completePatient.getSnapshot().getElement().get(0).hasDefinition()).isTrue();
  }

  @Test
  void theSamplesAreValidAndInvalidWhereTheySayTheyAre() {
    Set<String> invalid = new HashSet<>(GoalSamples.invalid(fhirContext).keySet());
    otherResources.keySet().stream().filter(n -> !n.endsWith("--valid.json")).forEach(invalid::add);
    expected.forEach(
        (name, messages) ->
            assertThat(messages.stream().anyMatch(m -> m.startsWith("ERROR")))
                .as(name + ": " + messages)
                .isEqualTo(invalid.contains(name)));
  }

  @Test
  void givesPlainHapisMessagesOnCompleteDefinitionsForEveryGoal() {
    goals.forEach(
        (name, goal) ->
            assertThat(GoalSamples.describe(ours.validate(goal)))
                .as(name)
                .containsExactlyElementsOf(expected.get(name)));
  }

  @Test
  void givesPlainHapisMessagesOnCompleteDefinitionsForTheOtherStoredTypes() {
    // The server parses before it validates; a JSON string also reaches unknown elements.
    FhirValidator reusing =
        ProfileValidator.newValidator(
            fhirContext, new ReusingInstanceValidator(ours.validationSupport(), 1, 1000));
    otherResources.forEach(
        (name, json) ->
            assertThat(GoalSamples.describe(reusing.validateWithResult(json)))
                .as(name)
                .containsExactlyElementsOf(expected.get(name)));
  }

  /** The chain as {@link ProfileValidator} built it before: HAPI's complete core definitions. */
  private static IValidationSupport completeChain() {
    PrePopulatedValidationSupport implementationGuide =
        new PrePopulatedValidationSupport(fhirContext);
    new ImplementationGuide(fhirContext)
        .conformanceResources()
        .forEach(implementationGuide::addResource);
    return new ValidationSupportChain(
        new DefaultProfileValidationSupport(fhirContext),
        implementationGuide,
        new SnapshotGeneratingValidationSupport(fhirContext),
        new InMemoryTerminologyServerValidationSupport(fhirContext),
        new CommonCodeSystemsTerminologyService(fhirContext));
  }

  private static Map<String, String> storedTypes() {
    Map<String, String> resources = new LinkedHashMap<>();
    try {
      List<Resource> files =
          new ArrayList<>(
              List.of(new PathMatchingResourcePatternResolver().getResources(STORED_TYPES)));
      files.sort(Comparator.comparing(Resource::getFilename));
      for (Resource file : files) {
        try (InputStream in = file.getInputStream()) {
          resources.put(file.getFilename(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertThat(resources).hasSizeGreaterThanOrEqualTo(12);
    return resources;
  }
}
