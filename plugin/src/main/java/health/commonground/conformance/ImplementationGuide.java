package health.commonground.conformance;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.MetadataResource;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.stereotype.Component;

/**
 * Our published conformance resources (profiles, extensions, code systems, value sets, search
 * parameters), compiled from FHIR Shorthand in {@code fhir-profiles/} and read from its jar.
 */
@Component
public class ImplementationGuide {

  /** Canonical base of everything we publish; matches {@code fhir-profiles/sushi-config.yaml}. */
  public static final String CANONICAL = "https://commonground.health/fhir";

  private static final String LOCATION = "classpath*:commonground-ig/*.json";

  private final List<org.hl7.fhir.r4.model.Resource> conformanceResources;

  public ImplementationGuide(FhirContext fhirContext) {
    this.conformanceResources = load(fhirContext);
  }

  private static List<org.hl7.fhir.r4.model.Resource> load(FhirContext fhirContext) {
    List<org.hl7.fhir.r4.model.Resource> loaded = new ArrayList<>();
    try {
      Resource[] files = new PathMatchingResourcePatternResolver().getResources(LOCATION);
      for (Resource file : files) {
        try (InputStream in = file.getInputStream()) {
          String json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
          org.hl7.fhir.r4.model.Resource resource =
              (org.hl7.fhir.r4.model.Resource) fhirContext.newJsonParser().parseResource(json);
          if (resource instanceof MetadataResource) {
            loaded.add(resource);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the implementation guide resources", e);
    }
    loaded.sort(Comparator.comparing(r -> r.fhirType() + "/" + r.getIdPart()));
    return List.copyOf(loaded);
  }

  /** StructureDefinitions, CodeSystems, ValueSets and SearchParameters, in a stable order. */
  public List<org.hl7.fhir.r4.model.Resource> conformanceResources() {
    return conformanceResources;
  }

  public <T extends org.hl7.fhir.r4.model.Resource> List<T> ofType(Class<T> type) {
    return conformanceResources.stream().filter(type::isInstance).map(type::cast).toList();
  }

  public Optional<org.hl7.fhir.r4.model.Resource> byTypeAndId(String type, String id) {
    return conformanceResources.stream()
        .filter(r -> r.fhirType().equals(type) && r.getIdPart().equals(id))
        .findFirst();
  }

  public static String structureDefinition(String id) {
    return CANONICAL + "/StructureDefinition/" + id;
  }
}
