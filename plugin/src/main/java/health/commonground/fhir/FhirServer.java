package health.commonground.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.api.RequestTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.exceptions.MethodNotAllowedException;
import ca.uhn.fhir.rest.server.interceptor.ResponseHighlighterInterceptor;
import ca.uhn.fhir.rest.server.provider.ServerCapabilityStatementProvider;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/** HAPI's plain RESTful server at /fhir, with our providers. */
class FhirServer extends RestfulServer {

  FhirServer(
      FhirContext fhirContext,
      FhirProperties properties,
      List<IResourceProvider> resourceProviders,
      List<Object> plainProviders,
      List<Object> interceptors,
      OperationDefinitionReader operationDefinitions) {
    super(fhirContext);
    if (operationDefinitions != null) {
      setServerConformanceProvider(new CapabilityStatementProvider(this, operationDefinitions));
    }
    setResourceProviders(resourceProviders);
    setPlainProviders(plainProviders);
    setDefaultResponseEncoding(EncodingEnum.JSON);
    setDefaultPageSize(properties.defaultPageSize());
    setMaximumPageSize(properties.maxPageSize());
    if (properties.baseUrl() != null && !properties.baseUrl().isBlank()) {
      setServerAddressStrategy(
          new ca.uhn.fhir.rest.server.HardcodedServerAddressStrategy(properties.baseUrl()));
    }
    // Errors are answered by HAPI's default exception handler (an OperationOutcome, no stack
    // traces). Registering one of our own made HAPI 8.8 log every 4xx at ERROR (HAPI-2544).
    registerInterceptor(new ResponseHighlighterInterceptor());
    interceptors.forEach(this::registerInterceptor);
  }

  /**
   * HAPI's generated CapabilityStatement; OperationDefinitions are read from the published ones.
   */
  private static final class CapabilityStatementProvider extends ServerCapabilityStatementProvider {

    private final OperationDefinitionReader operationDefinitions;

    CapabilityStatementProvider(RestfulServer server, OperationDefinitionReader definitions) {
      super(server);
      this.operationDefinitions = definitions;
    }

    @Override
    public IBaseResource readOperationDefinition(IIdType id, RequestDetails request) {
      return operationDefinitions.read(id);
    }
  }

  /** DELETE or PATCH of a resource whose type does not offer it is 405 (HAPI says 400). */
  @Override
  protected void throwUnknownFhirOperationException(
      RequestDetails request, String requestPath, RequestTypeEnum requestType) {
    boolean onInstance =
        request.getResourceName() != null
            && request.getId() != null
            && request.getId().hasIdPart()
            && request.getOperation() == null;
    if (onInstance
        && (requestType == RequestTypeEnum.DELETE || requestType == RequestTypeEnum.PATCH)) {
      String message =
          requestType
              + " is not offered on "
              + request.getResourceName()
              + "; read it with GET and change it with PUT (only a Goal can be deleted, which marks it"
              + " entered-in-error)";
      throw new MethodNotAllowedException(
          message,
          OperationOutcomes.error(IssueType.NOTSUPPORTED, message, null),
          RequestTypeEnum.GET,
          RequestTypeEnum.PUT);
    }
    super.throwUnknownFhirOperationException(request, requestPath, requestType);
  }
}
