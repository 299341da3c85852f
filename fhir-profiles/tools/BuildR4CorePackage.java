import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;

import java.io.InputStream;
import java.io.Reader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes the FHIR R4 core definitions shipped in hapi-fhir-validation-resources-r4 (XML bundles on the
 * classpath) as an NPM-style FHIR package folder, one JSON file per resource, so SUSHI can compile offline.
 *
 * Usage (run by sushi.sh with the module's test classpath):
 *   java -cp CLASSPATH tools/BuildR4CorePackage.java TARGET_PACKAGE_DIR
 */
public class BuildR4CorePackage {
  private static final List<String> BUNDLES = List.of(
      "org/hl7/fhir/r4/model/profile/profiles-types.xml",
      "org/hl7/fhir/r4/model/profile/profiles-resources.xml",
      "org/hl7/fhir/r4/model/profile/profiles-others.xml",
      "org/hl7/fhir/r4/model/extension/extension-definitions.xml",
      "org/hl7/fhir/r4/model/valueset/valuesets.xml",
      "org/hl7/fhir/r4/model/valueset/v3-codesystems.xml",
      "org/hl7/fhir/r4/model/valueset/v2-tables.xml",
      "org/hl7/fhir/r4/model/sp/search-parameters.json");

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: BuildR4CorePackage TARGET_PACKAGE_DIR");
      System.exit(2);
    }
    Path target = Path.of(args[0]);
    Files.createDirectories(target);
    FhirContext ctx = FhirContext.forR4();
    IParser json = ctx.newJsonParser();
    int written = 0;
    for (String name : BUNDLES) {
      InputStream in = BuildR4CorePackage.class.getClassLoader().getResourceAsStream(name);
      if (in == null) {
        throw new IllegalStateException(name + " not on the classpath (hapi-fhir-validation-resources-r4 missing?)");
      }
      Bundle bundle;
      try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
        IParser parser = name.endsWith(".json") ? ctx.newJsonParser() : ctx.newXmlParser();
        bundle = parser.parseResource(Bundle.class, reader);
      }
      for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
        Resource r = entry.getResource();
        if (r == null || !r.hasIdElement()) {
          continue;
        }
        String type = r.fhirType();
        String id = r.getIdElement().getIdPart();
        Files.writeString(target.resolve(type + "-" + id + ".json"), json.encodeResourceToString(r));
        written++;
      }
    }
    Files.writeString(target.resolve("package.json"), """
        {
          "name": "hl7.fhir.r4.core",
          "version": "4.0.1",
          "description": "FHIR R4 core definitions, rebuilt offline from hapi-fhir-validation-resources-r4",
          "type": "Core",
          "license": "CC0-1.0",
          "canonical": "http://hl7.org/fhir",
          "url": "http://hl7.org/fhir/R4",
          "fhirVersions": ["4.0.1"],
          "dependencies": {}
        }
        """);
    System.out.println("Wrote " + written + " resources to " + target);
  }
}
