package health.commonground.validation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ValidationResult;
import health.commonground.conformance.ImplementationGuide;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.PrePopulatedValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.springframework.stereotype.Component;

/**
 * Validates resources against base R4 and the profiles they declare, with one validation chain
 * (core definitions, our implementation guide, in-memory terminology) built and warmed at start-up.
 */
@Component
public class ProfileValidator {

  private final FhirValidator validator;

  public ProfileValidator(FhirContext fhirContext, ImplementationGuide implementationGuide) {
    PrePopulatedValidationSupport ours = new PrePopulatedValidationSupport(fhirContext);
    implementationGuide.conformanceResources().forEach(ours::addResource);
    ValidationSupportChain chain =
        new ValidationSupportChain(
            new DefaultProfileValidationSupport(fhirContext),
            ours,
            new SnapshotGeneratingValidationSupport(fhirContext),
            new InMemoryTerminologyServerValidationSupport(fhirContext),
            new CommonCodeSystemsTerminologyService(fhirContext));
    FhirInstanceValidator instanceValidator = new FhirInstanceValidator(chain);
    this.validator = fhirContext.newValidator();
    this.validator.setValidateAgainstStandardSchema(false);
    this.validator.setValidateAgainstStandardSchematron(false);
    this.validator.registerValidatorModule(instanceValidator);
  }

  public ValidationResult validate(IBaseResource resource) {
    return validator.validateWithResult(resource);
  }
}
