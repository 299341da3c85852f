package health.commonground.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.api.RequestTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.exceptions.MethodNotAllowedException;
import ca.uhn.fhir.rest.server.interceptor.ExceptionHandlingInterceptor;
import ca.uhn.fhir.rest.server.interceptor.ResponseHighlighterInterceptor;
import java.util.List;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/** HAPI's plain RESTful server at /fhir, with our providers. */
class FhirServer extends RestfulServer {

  FhirServer(
      FhirContext fhirContext,
      FhirProperties properties,
      List<IResourceProvider> resourceProviders,
      List<Object> plainProviders,
      List<Object> interceptors) {
    super(fhirContext);
    setResourceProviders(resourceProviders);
    setPlainProviders(plainProviders);
    setDefaultResponseEncoding(EncodingEnum.JSON);
    setDefaultPageSize(properties.defaultPageSize());
    setMaximumPageSize(properties.maxPageSize());
    if (properties.baseUrl() != null && !properties.baseUrl().isBlank()) {
      setServerAddressStrategy(
          new ca.uhn.fhir.rest.server.HardcodedServerAddressStrategy(properties.baseUrl()));
    }
    ExceptionHandlingInterceptor exceptions = new ExceptionHandlingInterceptor();
    exceptions.setReturnStackTracesForExceptionTypes();
    registerInterceptor(exceptions);
    registerInterceptor(new ResponseHighlighterInterceptor());
    interceptors.forEach(this::registerInterceptor);
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
