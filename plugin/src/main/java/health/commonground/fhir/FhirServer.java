package health.commonground.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.interceptor.ExceptionHandlingInterceptor;
import ca.uhn.fhir.rest.server.interceptor.ResponseHighlighterInterceptor;
import java.util.List;

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
}
