package health.commonground.conformance;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import health.commonground.fhir.FhirInterceptor;
import health.commonground.store.SearchParam;
import health.commonground.store.SearchParamRegistry;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.instance.model.api.IBaseConformance;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceOperationComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceSearchParamComponent;
import org.hl7.fhir.r4.model.Enumerations.SearchParamType;
import org.hl7.fhir.r4.model.OperationDefinition;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.springframework.stereotype.Component;

/**
 * Completes HAPI's generated CapabilityStatement with what it cannot see: the search parameters the
 * store indexes, the profiles each type supports, the published definition of each operation, and
 * what the server is.
 */
@Component
class CapabilityStatementCustomizer implements FhirInterceptor {

  private static final Map<SearchParam.Kind, SearchParamType> TYPES =
      Map.of(
          SearchParam.Kind.TOKEN, SearchParamType.TOKEN,
          SearchParam.Kind.REFERENCE, SearchParamType.REFERENCE,
          SearchParam.Kind.STRING, SearchParamType.STRING);

  /** Operations HAPI provides, by code, to their definitions in the FHIR R4 specification. */
  private static final Map<String, String> CORE_OPERATIONS =
      Map.of("validate", "http://hl7.org/fhir/OperationDefinition/Resource-validate");

  /** Types the server records itself (audit, Provenance of every write). */
  private static final java.util.Set<String> READ_ONLY =
      java.util.Set.of("AuditEvent", "Provenance");

  private final SearchParamRegistry registry;
  private final ImplementationGuide ig;
  private final ca.uhn.fhir.context.FhirContext fhir;

  CapabilityStatementCustomizer(
      SearchParamRegistry registry, ImplementationGuide ig, ca.uhn.fhir.context.FhirContext fhir) {
    this.registry = registry;
    this.ig = ig;
    this.fhir = fhir;
  }

  @Hook(Pointcut.SERVER_CAPABILITY_STATEMENT_GENERATED)
  public void customize(IBaseConformance generated) {
    CapabilityStatement statement = (CapabilityStatement) generated;
    statement.setName("CommonGround");
    statement.setTitle("Common Ground FHIR API");
    statement.getSoftware().setName("Common Ground");
    statement
        .getImplementation()
        .setDescription(
            "Client and therapist goals side by side as linked FHIR Goals, with their divergences");
    statement.addImplementationGuide(
        ImplementationGuide.CANONICAL + "/ImplementationGuide/commonground");
    CapabilityStatement.CapabilityStatementRestComponent rest = statement.getRestFirstRep();
    boolean transaction =
        rest.getInteraction().stream()
            .anyMatch(i -> i.getCode() == CapabilityStatement.SystemRestfulInteraction.TRANSACTION);
    if (transaction) {
      // The same endpoint takes batch Bundles; HAPI only announces the transaction.
      rest.addInteraction().setCode(CapabilityStatement.SystemRestfulInteraction.BATCH);
    }
    statement.setPublisher("Common Ground");
    String version = CapabilityStatementCustomizer.class.getPackage().getImplementationVersion();
    statement.getSoftware().setVersion(version);
    // SMART App Launch: the endpoints are in .well-known/smart-configuration beside this.
    CapabilityStatement.CapabilityStatementRestSecurityComponent security = rest.getSecurity();
    security.setCors(true);
    security
        .addService()
        .addCoding(
            new org.hl7.fhir.r4.model.Coding(
                "http://terminology.hl7.org/CodeSystem/restful-security-service",
                "SMART-on-FHIR",
                "SMART on FHIR"));
    security.setDescription(
        "SMART App Launch 2.x (EHR and standalone launch, backend services); the authorization"
            + " endpoints are published at .well-known/smart-configuration");
    Map<String, java.util.Set<String>> revIncludes = new java.util.LinkedHashMap<>();
    for (CapabilityStatementRestResourceComponent resource :
        statement.getRestFirstRep().getResource()) {
      for (SearchParam param : registry.params(resource.getType())) {
        if (param.kind() == SearchParam.Kind.REFERENCE) {
          revIncludes.put(
              resource.getType() + ":" + param.name(), targets(resource.getType(), param.name()));
        }
      }
    }
    for (CapabilityStatementRestResourceComponent resource :
        statement.getRestFirstRep().getResource()) {
      String type = resource.getType();
      for (SearchParam param : registry.params(type)) {
        CapabilityStatementRestResourceSearchParamComponent sp = resource.addSearchParam();
        sp.setName(param.name())
            .setType(TYPES.get(param.kind()))
            .setDocumentation(param.description());
        ig.byTypeAndId("SearchParameter", type + "-" + param.name())
            .ifPresent(r -> sp.setDefinition(((org.hl7.fhir.r4.model.SearchParameter) r).getUrl()));
      }
      if (!registry.params(type).isEmpty()) {
        // HAPI can only say "*" for our generic include parameters; name the ones that work.
        resource.getSearchInclude().clear();
        resource.getSearchRevInclude().clear();
        for (SearchParam param : registry.params(type)) {
          if (param.kind() == SearchParam.Kind.REFERENCE) {
            resource.addSearchInclude(type + ":" + param.name());
          }
        }
        // Only reverse includes that can match this type: their parameter may point at it.
        revIncludes.forEach(
            (revInclude, targets) -> {
              if (targets.isEmpty() || targets.contains(type)) {
                resource.addSearchRevInclude(revInclude);
              }
            });
        resource.addSearchParam().setName("_id").setType(SearchParamType.TOKEN);
        resource.addSearchParam().setName("_lastUpdated").setType(SearchParamType.DATE);
        resource.setConditionalCreate(true);
        resource.setVersioning(CapabilityStatement.ResourceVersionPolicy.VERSIONEDUPDATE);
        resource.setReadHistory(true);
        resource.setUpdateCreate(true);
        // Literal (relative and absolute) and logical (identifier) references are kept as sent;
        // only relative references to the types held here must resolve, so enforced is not
        // claimed for all.
        for (CapabilityStatement.ReferenceHandlingPolicy policy :
            List.of(
                CapabilityStatement.ReferenceHandlingPolicy.LITERAL,
                CapabilityStatement.ReferenceHandlingPolicy.LOGICAL,
                CapabilityStatement.ReferenceHandlingPolicy.LOCAL)) {
          resource.addReferencePolicy(policy);
        }
      }
      if (registry.params(type).isEmpty()) {
        // The published conformance resources: read and search by id or url, nothing to include.
        resource.getSearchInclude().clear();
        resource.getSearchRevInclude().clear();
      }
      if (READ_ONLY.contains(type)) {
        // Recorded by the server itself: readable, never written through the API.
        resource
            .getInteraction()
            .removeIf(
                i ->
                    i.getCode() == CapabilityStatement.TypeRestfulInteraction.CREATE
                        || i.getCode() == CapabilityStatement.TypeRestfulInteraction.UPDATE
                        || i.getCode() == CapabilityStatement.TypeRestfulInteraction.DELETE);
        resource.setConditionalCreateElement(null);
        resource.setUpdateCreateElement(null);
        resource.getOperation().removeIf(o -> o.getName().equals("validate"));
      }
      for (StructureDefinition profile : ig.ofType(StructureDefinition.class)) {
        if ("resource".equals(profile.getKind().toCode())
            && type.equals(profile.getType())
            && profile.getDerivation() == StructureDefinition.TypeDerivationRule.CONSTRAINT) {
          resource.addSupportedProfile(profile.getUrl());
        }
      }
      for (CapabilityStatementRestResourceOperationComponent operation : resource.getOperation()) {
        String definition = definition(type, operation.getName());
        if (definition != null) {
          operation.setDefinition(definition);
        }
      }
    }
  }

  /** The resource types a reference search parameter may point at; empty for any. */
  private java.util.Set<String> targets(String type, String name) {
    java.util.Set<String> targets = new java.util.HashSet<>();
    ig.byTypeAndId("SearchParameter", type + "-" + name)
        .ifPresent(
            r ->
                ((org.hl7.fhir.r4.model.SearchParameter) r)
                    .getTarget()
                    .forEach(t -> targets.add(t.getValue())));
    if (targets.isEmpty()) {
      ca.uhn.fhir.context.RuntimeSearchParam core =
          fhir.getResourceDefinition(type).getSearchParam(name);
      if (core != null) {
        targets.addAll(core.getTargets());
      }
    }
    return targets;
  }

  /**
   * The canonical URL of the OperationDefinition of {@code $name} on {@code type}: ours, published
   * at /fhir/OperationDefinition, or the FHIR specification's for HAPI's built-in operations; null
   * for an operation nobody published (HAPI's pointer to a stand-in it generates then stays, and
   * the API tests fail: publish its definition in fhir-profiles).
   */
  private String definition(String type, String name) {
    for (OperationDefinition definition : ig.ofType(OperationDefinition.class)) {
      if (definition.getCode().equals(name)
          && definition.getResource().stream().anyMatch(r -> r.getValue().equals(type))) {
        return definition.getUrl();
      }
    }
    return CORE_OPERATIONS.get(name);
  }
}
