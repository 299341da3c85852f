package health.commonground.fhir;

import ca.uhn.fhir.context.FhirContext;
import java.util.Set;
import org.apache.catalina.core.StandardHost;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.security.web.firewall.HttpStatusRequestRejectedHandler;
import org.springframework.security.web.firewall.RequestRejectedHandler;

/**
 * Every answer under {@code /fhir} is an OperationOutcome, whichever layer refuses the request:
 * Tomcat before any servlet runs ({@link FhirErrorReportValve}), Spring Security's firewall (an
 * encoded {@code ..}, a NUL, an unknown HTTP method), a query string that is not valid
 * percent-encoding ({@link MalformedQueryFilter}); HAPI writes its own.
 */
@Configuration(proxyBeanMethods = false)
class FhirErrorAnswers {

  /** The methods Spring Security's firewall lets through (its defaults). */
  private static final Set<String> FIREWALL_METHODS =
      Set.of("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT");

  @Bean
  WebServerFactoryCustomizer<TomcatServletWebServerFactory> fhirErrorReports() {
    return factory -> {
      factory.addContextCustomizers(
          context -> {
            if (context.getParent() instanceof StandardHost host) {
              host.setErrorReportValveClass(FhirErrorReportValve.class.getName());
            }
          });
      // Tomcat's own TRACE refusal answers 400 with an empty body before any filter runs. Let
      // TRACE through to Spring Security's firewall instead, which refuses it on every path (it
      // is not among the methods the firewall allows): 405 with an OperationOutcome under /fhir.
      factory.addConnectorCustomizers(connector -> connector.setAllowTrace(true));
    };
  }

  /**
   * Spring Security's firewall refusals: for FHIR requests an OperationOutcome (405 for a method
   * the API does not know, 400 otherwise), elsewhere the firewall's plain 400.
   */
  @Bean
  RequestRejectedHandler requestRejectedHandler(FhirContext fhirContext) {
    RequestRejectedHandler plain = new HttpStatusRequestRejectedHandler();
    return (request, response, rejected) -> {
      if (!FhirErrorResponses.isFhirRequest(request)) {
        plain.handle(request, response, rejected);
        return;
      }
      if (!FIREWALL_METHODS.contains(request.getMethod())) {
        response.setHeader("Allow", "GET, HEAD, POST, PUT, DELETE, OPTIONS");
        FhirErrorResponses.write(
            fhirContext,
            response,
            405,
            IssueType.NOTSUPPORTED,
            "The HTTP method " + abbreviate(request.getMethod()) + " is not offered by this API");
        return;
      }
      FhirErrorResponses.write(
          fhirContext,
          response,
          400,
          IssueType.INVALID,
          "The request was refused: its URL is not allowed (an encoded '..', '/', '\\', ';' or"
              + " NUL, a double slash, or characters that are not printable)");
    };
  }

  @Bean
  FilterRegistrationBean<MalformedQueryFilter> malformedQueries(FhirContext fhirContext) {
    FilterRegistrationBean<MalformedQueryFilter> registration =
        new FilterRegistrationBean<>(new MalformedQueryFilter(fhirContext));
    registration.addUrlPatterns("/fhir/*");
    registration.setOrder(Ordered.LOWEST_PRECEDENCE - 10);
    return registration;
  }

  private static String abbreviate(String text) {
    return text.length() > 20 ? text.substring(0, 20) + "…" : text;
  }
}
