package health.commonground.validation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.ElementDefinition;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.r4.model.ValueSet;

/**
 * The core FHIR R4 definitions (HAPI's {@link DefaultProfileValidationSupport}) without the
 * documentation validation never reads: narratives, mappings, differentials, the definition,
 * comment, requirements, aliases and examples of every element, and the XPath of every invariant.
 *
 * <p>Why: the core definitions are most of the server's live heap, and the core validator holds an
 * R5 conversion of each next to the R4 original. Documentation is the bulk of both. Stripping the
 * R4 originals before anything converts them shrinks both copies. What validation reads (types,
 * cardinalities, slicing, bindings, invariants with their human descriptions, short names,
 * extensions such as the standards status) stays; {@code LeanCoreDefinitionsTest} proves the
 * messages equal those of an unstripped chain.
 *
 * <p>HAPI keeps the loaded definitions once per process, shared by every {@link
 * DefaultProfileValidationSupport}; they are stripped there, in place, all at the first lookup (the
 * start-up warm-up), before anyone converts or reads them.
 */
final class LeanCoreDefinitions extends DefaultProfileValidationSupport {

  /** Any code system URL: the first terminology lookup loads all core terminology. */
  private static final String ANY_CODE_SYSTEM = "http://hl7.org/fhir/administrative-gender";

  private volatile boolean stripped;

  LeanCoreDefinitions(FhirContext fhirContext) {
    super(fhirContext);
  }

  @Override
  public List<IBaseResource> fetchAllConformanceResources() {
    stripOnce();
    return super.fetchAllConformanceResources();
  }

  @Override
  public <T extends IBaseResource> List<T> fetchAllStructureDefinitions() {
    stripOnce();
    return super.fetchAllStructureDefinitions();
  }

  @Override
  public <T extends IBaseResource> List<T> fetchAllNonBaseStructureDefinitions() {
    stripOnce();
    return super.fetchAllNonBaseStructureDefinitions();
  }

  @Override
  public IBaseResource fetchCodeSystem(String system) {
    stripOnce();
    return super.fetchCodeSystem(system);
  }

  @Override
  public IBaseResource fetchStructureDefinition(String url) {
    stripOnce();
    return super.fetchStructureDefinition(url);
  }

  @Override
  public IBaseResource fetchValueSet(String url) {
    stripOnce();
    return super.fetchValueSet(url);
  }

  private void stripOnce() {
    if (stripped) {
      return;
    }
    synchronized (this) {
      if (!stripped) {
        // Loads both halves (HAPI loads structure definitions and terminology separately).
        super.fetchAllStructureDefinitions();
        super.fetchCodeSystem(ANY_CODE_SYSTEM);
        Set<IBaseResource> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (IBaseResource resource : super.fetchAllConformanceResources()) {
          if (seen.add(resource)) {
            strip(resource);
          }
        }
        stripped = true;
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
