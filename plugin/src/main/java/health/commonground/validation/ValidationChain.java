package health.commonground.validation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ValidationResult;
import health.commonground.conformance.ImplementationGuide;
import java.util.List;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.PrePopulatedValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.r5.context.IWorkerContext;

/**
 * One validation chain (core definitions, our implementation guide, in-memory terminology) with the
 * validator around it. Everything it changes while warming (conversions, snapshots, stripped and
 * released definitions) is its own: the core definitions are a copy of its own ({@link
 * LeanCoreDefinitions}) and so are the implementation guide's resources, so chains built at the
 * same time in one JVM never touch each other's definitions.
 */
final class ValidationChain {

  private final LeanCoreDefinitions coreDefinitions;
  private final ValidationSupportChain support;
  private final ReusingInstanceValidator instanceValidator;
  private final FhirValidator validator;
  private final List<String> profiles;

  private ValidationChain(FhirContext fhirContext, ImplementationGuide implementationGuide) {
    PrePopulatedValidationSupport ours = new PrePopulatedValidationSupport(fhirContext);
    // Copies: snapshot generation and conversion mark what they read; the guide's own resources
    // are the ones the API serves.
    implementationGuide.conformanceResources().forEach(r -> ours.addResource(r.copy()));
    this.profiles =
        implementationGuide.ofType(StructureDefinition.class).stream()
            .map(StructureDefinition::getUrl)
            .toList();
    this.coreDefinitions = new LeanCoreDefinitions(fhirContext);
    this.support =
        new ValidationSupportChain(
            coreDefinitions,
            ours,
            new SnapshotGeneratingValidationSupport(fhirContext),
            new InMemoryTerminologyServerValidationSupport(fhirContext),
            new CommonCodeSystemsTerminologyService(fhirContext));
    // Idle core validators kept: enough for every core to validate at once, with headroom. A core
    // validator is rebuilt (~15 ms) every 1000 calls, which bounds what it accumulates.
    this.instanceValidator =
        new ReusingInstanceValidator(support, 2 * Runtime.getRuntime().availableProcessors(), 1000);
    this.validator = ProfileValidator.newValidator(fhirContext, instanceValidator);
  }

  static ValidationChain build(FhirContext fhirContext, ImplementationGuide implementationGuide) {
    return new ValidationChain(fhirContext, implementationGuide);
  }

  ValidationResult validate(IBaseResource resource) {
    return validator.validateWithResult(resource);
  }

  IValidationSupport support() {
    return support;
  }

  /**
   * Converts every profile and extension of our implementation guide for the core validator, which
   * generates its snapshot: done by the warm-up, so that no request ever generates a snapshot (a
   * generation rewrites parts of the core definition it derives from, which other threads read).
   *
   * @return how many were prepared
   */
  int prepareProfiles() {
    IWorkerContext context = instanceValidator.workerContext();
    for (String url : profiles) {
      if (context.fetchResource(org.hl7.fhir.r5.model.StructureDefinition.class, url) == null) {
        throw new IllegalStateException("Our profile " + url + " is not in the validation chain");
      }
    }
    return profiles.size();
  }

  /** Once warm: the core validator reads only its R5 copies of the core definitions. */
  int releaseConvertedSnapshots() {
    return coreDefinitions.releaseConvertedSnapshots();
  }

  int coreValidatorsBuilt() {
    return instanceValidator.coreValidatorsBuilt();
  }
}
