package health.commonground.profiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every example SUSHI compiled validates against the profile it declares, and the definitions
 * themselves are valid.
 */
class ExamplesValidateTest {

  private static CommonGroundValidator v;

  @BeforeAll
  static void buildValidator() {
    v = CommonGroundValidator.get();
  }

  @Test
  void theWholeModelIsCompiled() {
    Set<String> expected =
        Set.of(
            "StructureDefinition-client-goal.json", "StructureDefinition-therapist-goal.json",
            "StructureDefinition-shared-goal.json", "StructureDefinition-goal-divergence.json",
            "CodeSystem-divergence-dimension.json", "ValueSet-divergence-dimension.json",
            "CodeSystem-divergence-status.json", "ValueSet-divergence-status.json",
            "CodeSystem-alignment-strategy.json", "ValueSet-alignment-strategy.json");
    assertTrue(
        v.resources.keySet().containsAll(expected),
        "missing: " + expected.stream().filter(f -> !v.resources.containsKey(f)).toList());
  }

  @Test
  void everyProfileAndTheExtensionHaveAnExample() {
    Set<String> declared =
        examples()
            .flatMap(e -> ((Resource) e.getValue()).getMeta().getProfile().stream())
            .map(p -> p.getValue().replaceFirst("^.*/", ""))
            .collect(Collectors.toSet());
    assertTrue(
        declared.containsAll(Set.of("client-goal", "therapist-goal", "shared-goal")),
        "profiles with examples: " + declared);
    long withDivergence =
        examples()
            .map(e -> v.ctx.newJsonParser().encodeResourceToString(e.getValue()))
            .filter(
                json ->
                    json.contains(
                        "https://commonground.health/fhir/StructureDefinition/goal-divergence"))
            .count();
    assertTrue(withDivergence > 0, "no example uses the goal-divergence extension");
  }

  @TestFactory
  Stream<DynamicTest> everyExampleValidatesAgainstItsProfile() {
    List<Map.Entry<String, IBaseResource>> examples = examples().toList();
    assertFalse(examples.isEmpty(), "no examples compiled");
    return examples.stream()
        .map(
            e ->
                DynamicTest.dynamicTest(
                    e.getKey(),
                    () -> {
                      ValidationResult result = v.validate(e.getValue());
                      List<SingleValidationMessage> errors = CommonGroundValidator.errors(result);
                      assertEquals(
                          List.of(),
                          errors,
                          e.getKey() + " has errors:\n" + CommonGroundValidator.describe(errors));
                      // A code system the validator does not know is usually a mistyped system URL.
                      // LOINC is the one
                      // external system the examples use that is not shipped with HAPI.
                      List<SingleValidationMessage> unknownSystems =
                          result.getMessages().stream()
                              .filter(
                                  m ->
                                      String.valueOf(m.getMessage())
                                          .contains("CodeSystem is unknown"))
                              .filter(m -> !m.getMessage().contains("http://loinc.org"))
                              .toList();
                      assertEquals(
                          List.of(),
                          unknownSystems,
                          e.getKey()
                              + " uses unknown code systems:\n"
                              + CommonGroundValidator.describe(unknownSystems));
                    }));
  }

  @TestFactory
  Stream<DynamicTest> everyDefinitionIsValid() {
    return v.resources.entrySet().stream()
        .filter(
            e ->
                CommonGroundValidator.CONFORMANCE_TYPES.contains(
                    v.ctx.getResourceType(e.getValue())))
        .map(
            e ->
                DynamicTest.dynamicTest(
                    e.getKey(),
                    () -> {
                      ValidationResult result = v.validate(e.getValue());
                      List<SingleValidationMessage> errors = CommonGroundValidator.errors(result);
                      assertEquals(
                          List.of(),
                          errors,
                          e.getKey() + " has errors:\n" + CommonGroundValidator.describe(errors));
                    }));
  }

  private static Stream<Map.Entry<String, IBaseResource>> examples() {
    return v.resources.entrySet().stream()
        .filter(
            e ->
                !CommonGroundValidator.CONFORMANCE_TYPES.contains(
                    v.ctx.getResourceType(e.getValue())));
  }
}
