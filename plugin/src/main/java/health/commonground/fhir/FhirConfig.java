package health.commonground.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.StrictErrorHandler;
import ca.uhn.fhir.rest.server.IResourceProvider;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The one FhirContext of the process and the FHIR servlet at /fhir. */
@Configuration(proxyBeanMethods = false)
class FhirConfig {

  @Bean
  FhirContext fhirContext() {
    FhirContext context = FhirContext.forR4Cached();
    // Unknown elements and malformed values are refused, not silently dropped.
    context.setParserErrorHandler(new StrictErrorHandler());
    // A Provenance names the exact version it is about; HAPI strips versions from references by
    // default.
    context.getParserOptions().setDontStripVersionsFromReferencesAtPaths("Provenance.target");
    // Our references are always written as Type/id, never as in-memory objects to contain; looking
    // for such objects walked every element of every resource encoded (~8 % of a search).
    context.getParserOptions().setAutoContainReferenceTargetsWithNoId(false);
    return context;
  }

  @Bean
  ServletRegistrationBean<FhirServer> fhirServlet(
      FhirContext fhirContext,
      FhirProperties properties,
      List<IResourceProvider> resourceProviders,
      ObjectProvider<FhirPlainProvider> plainProviders,
      ObjectProvider<FhirInterceptor> interceptors,
      ObjectProvider<OperationDefinitionReader> operationDefinitions) {
    FhirServer server =
        new FhirServer(
            fhirContext,
            properties,
            resourceProviders,
            List.copyOf(plainProviders.orderedStream().toList()),
            List.copyOf(interceptors.orderedStream().toList()),
            operationDefinitions.getIfAvailable());
    ServletRegistrationBean<FhirServer> registration =
        new ServletRegistrationBean<>(server, "/fhir/*");
    registration.setName("fhir");
    registration.setLoadOnStartup(1);
    return registration;
  }

  @Bean
  FilterRegistrationBean<BodySizeLimitFilter> bodySizeLimit(
      FhirContext fhirContext, FhirProperties properties) {
    FilterRegistrationBean<BodySizeLimitFilter> registration =
        new FilterRegistrationBean<>(
            new BodySizeLimitFilter(fhirContext, properties.maxBodyBytes()));
    registration.addUrlPatterns("/fhir/*");
    return registration;
  }
}
