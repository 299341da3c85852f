package health.commonground;

import ca.uhn.fhir.context.FhirContext;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class CommonGroundApplication {

  public static void main(String[] args) {
    // The FHIR model scan (~1.5 s of CPU) runs on the second core while Spring starts on the first;
    // FhirConfig then gets the same, already scanned, context.
    Thread scan = new Thread(() -> FhirContext.forR4Cached().getResourceTypes(), "fhir-model-scan");
    scan.setDaemon(true);
    scan.start();
    SpringApplication.run(CommonGroundApplication.class, args);
  }
}
