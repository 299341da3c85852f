package health.commonground.validation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.context.support.IValidationSupport;
import java.lang.reflect.Constructor;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.common.hapi.validation.validator.WorkerContextValidationSupportAdapter;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.ElementDefinition;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Property;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.r4.model.ValueSet;

/**
 * The core FHIR R4 definitions, a copy of this validation chain's own, held as lean as validation
 * allows: without the documentation it never reads, with repeated texts shared, and without the R4
 * snapshots once the core validator has its R5 copies.
 *
 * <p>Why a copy of its own: HAPI's {@link DefaultProfileValidationSupport} keeps one set of loaded
 * definitions per process, shared by every chain, and validation changes them: the core validator
 * hangs its R5 conversion on each, snapshot generation rewrites the type of {@code Resource.id} in
 * the R5 base it derives from, and we strip and release them. Two chains warming at once in one JVM
 * (test classes, or a retried warm-up) then changed definitions the other was reading, and snapshot
 * generation failed ("HAPI-0707" from a NoSuchElementException in {@code
 * ProfileUtilities.fixTypeOfResourceId}). With a copy per chain, everything a chain changes is its
 * own, changed by its warm-up before any request validates with it. The server builds one chain, so
 * this costs no memory there; HAPI's shared set is never loaded by us.
 *
 * <p>Why so lean: the core definitions are most of the server's live heap, and the core validator
 * holds an R5 conversion of each next to the R4 original.
 *
 * <ul>
 *   <li>Stripped before anything converts them, so both copies shrink: narratives, mappings, the
 *       differentials of the core StructureDefinitions, the definition, comment, requirements,
 *       aliases and examples of every element, and the XPath of every invariant. What validation
 *       reads (types, cardinalities, slicing, bindings, invariants with their human descriptions,
 *       short names, extensions such as the standards status) stays.
 *   <li>Texts repeated across the StructureDefinitions (every element carries the same {@code
 *       ele-1} invariant, the same base paths, short names and type URLs) are made one instance;
 *       the R5 conversions copy the references, so they share them too.
 *   <li>The R4 snapshots are dropped once converted ({@link #releaseConvertedSnapshots}).
 * </ul>
 *
 * <p>{@code LeanCoreDefinitionsTest} proves the messages equal those of plain HAPI on complete
 * definitions.
 */
final class LeanCoreDefinitions implements IValidationSupport {

  /**
   * HAPI's loader of the bundled R4 definitions (8.8.0), the one {@link
   * DefaultProfileValidationSupport} keeps a single shared instance of; package-private there, so
   * built by reflection.
   */
  private static final String HAPI_LOADER =
      "ca.uhn.fhir.context.support.DefaultProfileValidationSupportBundleStrategy";

  /** The package HAPI names as the source of the R4 core definitions. */
  private static final String R4_CORE_PACKAGE = "hl7.fhir.r4.core";

  /** Any code system URL: the first terminology lookup loads all core terminology. */
  private static final String ANY_CODE_SYSTEM = "http://hl7.org/fhir/administrative-gender";

  /**
   * Where HAPI's adapter between the chain and the core validator (8.8.0) keeps its R5 conversion
   * of a definition, the same for every adapter. Should HAPI move it, nothing is released.
   */
  private static final String CONVERTED =
      WorkerContextValidationSupportAdapter.class.getName() + "_TO_CANONICAL_USERDATA_KEY";

  private final FhirContext fhirContext;
  private final IValidationSupport loaded;
  private volatile boolean stripped;

  LeanCoreDefinitions(FhirContext fhirContext) {
    this.fhirContext = fhirContext;
    this.loaded = ownLoader(fhirContext);
  }

  private static IValidationSupport ownLoader(FhirContext fhirContext) {
    try {
      Constructor<?> constructor =
          Class.forName(HAPI_LOADER).getDeclaredConstructor(FhirContext.class);
      constructor.setAccessible(true);
      return (IValidationSupport) constructor.newInstance(fhirContext);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException(
          "Cannot load a copy of the core FHIR definitions of our own: HAPI's "
              + HAPI_LOADER
              + " is not as in HAPI 8.8.0",
          e);
    }
  }

  @Override
  public FhirContext getFhirContext() {
    return fhirContext;
  }

  @Override
  public String getName() {
    return "Common Ground core definitions (R4)";
  }

  @Override
  public List<IBaseResource> fetchAllConformanceResources() {
    stripOnce();
    return loaded.fetchAllConformanceResources();
  }

  @Override
  public <T extends IBaseResource> List<T> fetchAllStructureDefinitions() {
    stripOnce();
    return loaded.fetchAllStructureDefinitions();
  }

  @Override
  public <T extends IBaseResource> List<T> fetchAllNonBaseStructureDefinitions() {
    stripOnce();
    return loaded.fetchAllNonBaseStructureDefinitions();
  }

  @Override
  public <T extends IBaseResource> List<T> fetchAllSearchParameters() {
    stripOnce();
    return loaded.fetchAllSearchParameters();
  }

  @Override
  public IBaseResource fetchCodeSystem(String system) {
    stripOnce();
    return loaded.fetchCodeSystem(system);
  }

  @Override
  public IBaseResource fetchStructureDefinition(String url) {
    stripOnce();
    return loaded.fetchStructureDefinition(url);
  }

  @Override
  public IBaseResource fetchValueSet(String url) {
    stripOnce();
    return loaded.fetchValueSet(url);
  }

  /**
   * Drops the R4 snapshot of every core StructureDefinition the core validator has converted to R5
   * (the warm-up converts them all): from then on the R5 copy is the only one read, as HAPI's
   * adapter looks for its conversion before anything else. Holding both cost ~30 MB.
   *
   * @return how many snapshots were dropped
   */
  int releaseConvertedSnapshots() {
    int released = 0;
    for (IBaseResource resource : loaded.fetchAllStructureDefinitions()) {
      synchronized (resource) {
        StructureDefinition definition = (StructureDefinition) resource;
        if (definition.getUserData(CONVERTED) != null && definition.hasSnapshot()) {
          definition.setSnapshot(null);
          released++;
        }
      }
    }
    return released;
  }

  private void stripOnce() {
    if (stripped) {
      return;
    }
    synchronized (this) {
      if (!stripped) {
        // Loads both halves (HAPI loads structure definitions and terminology separately).
        loaded.fetchAllStructureDefinitions();
        loaded.fetchCodeSystem(ANY_CODE_SYSTEM);
        Set<IBaseResource> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Map<String, String> texts = new HashMap<>();
        for (IBaseResource resource : loaded.fetchAllConformanceResources()) {
          if (seen.add(resource)) {
            // As HAPI's shared loader marks what it hands out; set once here, never again while
            // other threads read.
            resource.setUserData(
                DefaultProfileValidationSupport.SOURCE_PACKAGE_ID, R4_CORE_PACKAGE);
            strip(resource);
            // Terminology shares far less (4 MB for twice the time).
            if (resource instanceof StructureDefinition definition) {
              shareTexts(definition, texts);
            }
          }
        }
        stripped = true;
      }
    }
  }

  /** Makes every text value under {@code element} the first equal one seen in {@code texts}. */
  @SuppressWarnings("unchecked") // a primitive whose value is a String is a PrimitiveType<String>
  private static void shareTexts(Base element, Map<String, String> texts) {
    for (Property property : element.children()) {
      for (Base value : property.getValues()) {
        // An id's value is parsed into parts when set; ids are not repeated anyway.
        if (value instanceof PrimitiveType<?> primitive
            && !(value instanceof IdType)
            && primitive.getValue() instanceof String text) {
          String shared = texts.putIfAbsent(text, text);
          if (shared != null) {
            ((PrimitiveType<String>) primitive).setValue(shared);
          }
        }
        // A primitive's only children are extensions (and an id).
        if (!(value instanceof PrimitiveType<?> primitive) || primitive.hasExtension()) {
          shareTexts(value, texts);
        }
      }
    }
  }

  private static void strip(IBaseResource resource) {
    if (resource instanceof StructureDefinition definition) {
      definition.setText(null);
      definition.setMapping(null);
      // The validator reads snapshots; our profiles' snapshots are generated from the base
      // snapshots too. The differentials of the core definitions are never read.
      definition.setDifferential(null);
      definition.getSnapshot().getElement().forEach(LeanCoreDefinitions::strip);
    } else if (resource instanceof ValueSet valueSet) {
      valueSet.setText(null);
    } else if (resource instanceof CodeSystem codeSystem) {
      codeSystem.setText(null);
    }
  }

  private static void strip(ElementDefinition element) {
    element.setDefinition(null);
    element.setComment(null);
    element.setRequirements(null);
    element.setAlias(null);
    element.setExample(null);
    element.setMapping(null);
    // Invariants are evaluated as FHIRPath; their XPath twins are for schema tools.
    element.getConstraint().forEach(constraint -> constraint.setXpath(null).setRequirements(null));
  }
}
