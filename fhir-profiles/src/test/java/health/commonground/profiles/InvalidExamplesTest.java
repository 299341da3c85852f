package health.commonground.profiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.validation.SingleValidationMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Each deliberately invalid resource in src/test/resources/invalid/ is rejected with the error its
 * line in invalid/expectations.csv names: an ERROR whose location contains the expected location
 * and whose message contains the expected message text.
 */
class InvalidExamplesTest {

  record Expectation(String file, String location, String message) {}

  private static CommonGroundValidator v;
  private static Path invalidDir;
  private static Map<String, Expectation> expectations;

  @BeforeAll
  static void setUp() throws IOException {
    v = CommonGroundValidator.get();
    invalidDir = CommonGroundValidator.moduleDir().resolve("src/test/resources/invalid");
    expectations = readExpectations(invalidDir.resolve("expectations.csv"));
  }

  @Test
  void everyInvalidFileHasExactlyOneExpectation() throws IOException {
    TreeSet<String> files = new TreeSet<>();
    try (Stream<Path> list = Files.list(invalidDir)) {
      list.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".json"))
          .forEach(files::add);
    }
    assertFalse(files.isEmpty(), "no invalid examples in " + invalidDir);
    assertEquals(
        files,
        new TreeSet<>(expectations.keySet()),
        "the .json files in invalid/ and the rows of invalid/expectations.csv must match");
  }

  @TestFactory
  Stream<DynamicTest> everyInvalidFileIsRejectedWithTheExpectedError() {
    return expectations.values().stream()
        .map(
            exp ->
                DynamicTest.dynamicTest(
                    exp.file(),
                    () -> {
                      String json =
                          Files.readString(invalidDir.resolve(exp.file()), StandardCharsets.UTF_8);
                      List<SingleValidationMessage> errors =
                          CommonGroundValidator.errors(v.validate(json));
                      assertFalse(errors.isEmpty(), exp.file() + " passed validation but must not");
                      boolean found =
                          errors.stream()
                              .anyMatch(
                                  m ->
                                      String.valueOf(m.getLocationString()).contains(exp.location())
                                          && String.valueOf(m.getMessage())
                                              .contains(exp.message()));
                      assertTrue(
                          found,
                          exp.file()
                              + ": expected an ERROR at '"
                              + exp.location()
                              + "' containing '"
                              + exp.message()
                              + "', got:\n"
                              + CommonGroundValidator.describe(errors));
                    }));
  }

  /**
   * Lines "file,location substring,message substring" (the message may contain commas); # starts a
   * comment.
   */
  static Map<String, Expectation> readExpectations(Path csv) throws IOException {
    Map<String, Expectation> out = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#") || line.startsWith("file,")) {
        continue;
      }
      String[] cols = line.split(",", 3);
      if (cols.length != 3 || cols[0].isBlank() || (cols[1].isBlank() && cols[2].isBlank())) {
        problems.add("line " + (i + 1) + ": " + line);
        continue;
      }
      if (out.put(
              cols[0].strip(), new Expectation(cols[0].strip(), cols[1].strip(), cols[2].strip()))
          != null) {
        problems.add("line " + (i + 1) + ": duplicate " + cols[0]);
      }
    }
    assertEquals(List.of(), problems, "malformed rows in " + csv);
    return out;
  }
}
