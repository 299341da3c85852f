package health.commonground.fhir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Every FHIR API scenario on the embedded H2 database, in a fresh data folder. */
class FhirApiH2IT extends AbstractFhirApiIT {

  @DynamicPropertySource
  static void dataDir(DynamicPropertyRegistry registry) throws IOException {
    Path dir = Files.createTempDirectory("commonground-h2-it");
    registry.add("commonground.data-dir", dir::toString);
  }
}
