package health.commonground.profiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The committed fsh-generated/resources is exactly what the FSH in input/fsh compiles to. Runs
 * {@code sushi.sh --check}, which needs SUSHI in node_modules ({@code npm ci} in fhir-profiles);
 * skipped without it.
 */
class SushiOutputUpToDateTest {

  @Test
  void committedOutputMatchesTheFsh() throws IOException, InterruptedException {
    Path module = CommonGroundValidator.moduleDir();
    Path sushi = module.resolve("node_modules/.bin/sushi");
    assumeTrue(
        Files.isExecutable(sushi),
        "SUSHI is not installed ("
            + sushi
            + " missing): run `npm ci` in fhir-profiles to enable this check");

    Path log = Files.createTempFile("sushi-check", ".log");
    try {
      Process process =
          new ProcessBuilder("bash", module.resolve("sushi.sh").toString(), "--check")
              .directory(module.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      boolean finished = process.waitFor(10, TimeUnit.MINUTES);
      if (!finished) {
        process.destroyForcibly();
      }
      String output = Files.readString(log, StandardCharsets.UTF_8);
      assertTrue(finished, "sushi.sh --check did not finish within 10 minutes:\n" + output);
      assertEquals(
          0,
          process.exitValue(),
          "fsh-generated/resources is not what input/fsh compiles to; run ./sushi.sh and commit the result.\n"
              + output);
    } finally {
      Files.deleteIfExists(log);
    }
  }
}
