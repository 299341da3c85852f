package health.commonground.fhir;

import ca.uhn.fhir.context.FhirContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/**
 * Error answers of the FHIR API written outside HAPI (servlet filters, the security firewall, the
 * servlet container's own refusals): an OperationOutcome with the status, as HAPI writes its own.
 */
final class FhirErrorResponses {

  static final String CONTENT_TYPE = "application/fhir+json;charset=UTF-8";

  private FhirErrorResponses() {}

  /** Whether the request is one of the FHIR API's, by its path as sent (not decoded). */
  static boolean isFhirPath(String requestUri) {
    return requestUri != null && (requestUri.equals("/fhir") || requestUri.startsWith("/fhir/"));
  }

  static boolean isFhirRequest(HttpServletRequest request) {
    String uri = request.getRequestURI();
    String context = request.getContextPath();
    return uri != null && isFhirPath(uri.substring(Math.min(context.length(), uri.length())));
  }

  static String body(FhirContext fhirContext, IssueType type, String message) {
    return fhirContext
        .newJsonParser()
        .encodeResourceToString(OperationOutcomes.error(type, message, null));
  }

  static void write(
      FhirContext fhirContext,
      HttpServletResponse response,
      int status,
      IssueType type,
      String message)
      throws IOException {
    response.setStatus(status);
    response.setContentType(CONTENT_TYPE);
    response.getWriter().write(body(fhirContext, type, message));
  }
}
