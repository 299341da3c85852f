package health.commonground.profiles;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.PrePopulatedValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * HAPI's validator loaded with the compiled Common Ground conformance resources, read from the
 * classpath folder {@code commonground-ig/} exactly as the plugin reads them from the fhir-profiles
 * jar. Building it takes seconds, so the test classes share one instance per JVM.
 */
final class CommonGroundValidator {

  static final String CLASSPATH_FOLDER = "commonground-ig";
  static final Set<String> CONFORMANCE_TYPES =
      Set.of("StructureDefinition", "ValueSet", "CodeSystem");

  private static CommonGroundValidator instance;

  final FhirContext ctx;
  final FhirValidator validator;

  /**
   * Every compiled resource, by file name (e.g. Goal-client-goal-sunday-nights.json), in name
   * order.
   */
  final Map<String, IBaseResource> resources;

  static synchronized CommonGroundValidator get() {
    if (instance == null) {
      instance = new CommonGroundValidator();
    }
    return instance;
  }

  private CommonGroundValidator() {
    ctx = FhirContext.forR4();
    resources = Collections.unmodifiableMap(loadCompiledResources(ctx));

    PrePopulatedValidationSupport ours = new PrePopulatedValidationSupport(ctx);
    resources.values().stream()
        .filter(r -> CONFORMANCE_TYPES.contains(ctx.getResourceType(r)))
        .forEach(ours::addResource);

    ValidationSupportChain chain =
        new ValidationSupportChain(
            new DefaultProfileValidationSupport(ctx),
            ours,
            new SnapshotGeneratingValidationSupport(ctx),
            new InMemoryTerminologyServerValidationSupport(ctx),
            new CommonCodeSystemsTerminologyService(ctx));
    FhirInstanceValidator module = new FhirInstanceValidator(chain);
    validator = ctx.newValidator();
    validator.registerValidatorModule(module);
  }

  ValidationResult validate(IBaseResource resource) {
    return validator.validateWithResult(resource);
  }

  ValidationResult validate(String json) {
    return validator.validateWithResult(json);
  }

  static List<SingleValidationMessage> errors(ValidationResult result) {
    return result.getMessages().stream()
        .filter(
            m ->
                m.getSeverity() == ResultSeverityEnum.ERROR
                    || m.getSeverity() == ResultSeverityEnum.FATAL)
        .collect(Collectors.toList());
  }

  static String describe(List<SingleValidationMessage> messages) {
    return messages.stream()
        .map(m -> "  " + m.getSeverity() + " @ " + m.getLocationString() + ": " + m.getMessage())
        .collect(Collectors.joining("\n"));
  }

  private static Map<String, IBaseResource> loadCompiledResources(FhirContext ctx) {
    Map<String, IBaseResource> out = new LinkedHashMap<>();
    for (Path file : listClasspathFolder(CLASSPATH_FOLDER)) {
      try {
        String json = Files.readString(file, StandardCharsets.UTF_8);
        out.put(file.getFileName().toString(), ctx.newJsonParser().parseResource(json));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    if (out.isEmpty()) {
      throw new IllegalStateException(
          "No compiled resources on the classpath under "
              + CLASSPATH_FOLDER
              + "/ - run ./sushi.sh in fhir-profiles");
    }
    return out;
  }

  /**
   * The JSON files in a classpath folder, whether it is a directory (target/classes) or inside a
   * jar.
   */
  static List<Path> listClasspathFolder(String folder) {
    URL url = CommonGroundValidator.class.getClassLoader().getResource(folder);
    if (url == null) {
      throw new IllegalStateException("Classpath folder " + folder + "/ not found");
    }
    try {
      URI uri = url.toURI();
      Path dir;
      if ("jar".equals(uri.getScheme())) {
        FileSystem fs;
        try {
          fs = FileSystems.getFileSystem(uri);
        } catch (FileSystemNotFoundException e) {
          fs = FileSystems.newFileSystem(uri, Map.of());
        }
        dir = fs.provider().getPath(uri);
      } else {
        dir = Path.of(uri);
      }
      try (Stream<Path> files = Files.list(dir)) {
        List<Path> list =
            new ArrayList<>(
                files.filter(p -> p.getFileName().toString().endsWith(".json")).toList());
        list.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
        return list;
      }
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The fhir-profiles module folder (surefire sets fhirProfiles.dir; falls back to the working
   * directory).
   */
  static Path moduleDir() {
    return Path.of(System.getProperty("fhirProfiles.dir", System.getProperty("user.dir")))
        .toAbsolutePath();
  }
}
