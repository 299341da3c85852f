package health.commonground.divergence;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import health.commonground.conformance.ImplementationGuide;
import health.commonground.fhir.FhirInterceptor;
import java.util.Map;
import org.hl7.fhir.instance.model.api.IBaseConformance;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceOperationComponent;
import org.springframework.stereotype.Component;

/**
 * Points each divergence operation in the CapabilityStatement at the OperationDefinition we publish
 * (fhir-profiles/input/fsh/operations.fsh) instead of the one HAPI would generate.
 */
@Component
class DivergenceCapabilities implements FhirInterceptor {

  /** "Type/operation" to the id of its published OperationDefinition. */
  static final Map<String, String> DEFINITIONS =
      Map.of(
          "Goal/link", "goal-link",
          "Goal/name-divergence", "goal-name-divergence",
          "Goal/log-strategy", "goal-log-strategy",
          "Goal/move-divergence", "goal-move-divergence",
          "Goal/align", "goal-align",
          "Goal/accept", "goal-accept",
          "Goal/revise", "goal-revise",
          "Patient/divergences", "patient-divergences",
          "Patient/alignment", "patient-alignment",
          "Practitioner/alignment", "practitioner-alignment");

  @Hook(Pointcut.SERVER_CAPABILITY_STATEMENT_GENERATED)
  public void pointAtPublishedDefinitions(IBaseConformance generated) {
    CapabilityStatement statement = (CapabilityStatement) generated;
    for (CapabilityStatementRestResourceComponent resource :
        statement.getRestFirstRep().getResource()) {
      for (CapabilityStatementRestResourceOperationComponent operation : resource.getOperation()) {
        String id = DEFINITIONS.get(resource.getType() + "/" + operation.getName());
        if (id != null) {
          operation.setDefinition(ImplementationGuide.CANONICAL + "/OperationDefinition/" + id);
        }
      }
    }
  }
}
