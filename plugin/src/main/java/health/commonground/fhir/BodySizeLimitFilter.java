package health.commonground.fhir;

import ca.uhn.fhir.context.FhirContext;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.springframework.web.filter.OncePerRequestFilter;

/** Refuses request bodies above the configured size with 413 and an OperationOutcome. */
class BodySizeLimitFilter extends OncePerRequestFilter {

  private final FhirContext fhirContext;
  private final long maxBytes;

  BodySizeLimitFilter(FhirContext fhirContext, long maxBytes) {
    this.fhirContext = fhirContext;
    this.maxBytes = maxBytes;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    long length = request.getContentLengthLong();
    boolean chunked =
        length < 0 && "chunked".equalsIgnoreCase(request.getHeader("Transfer-Encoding"));
    if (length > maxBytes || chunked) {
      response.setStatus(413);
      response.setContentType("application/fhir+json;charset=UTF-8");
      String message =
          chunked
              ? "Send the request body with a Content-Length (at most " + maxBytes + " bytes)"
              : "The request body has " + length + " bytes; the limit is " + maxBytes;
      response
          .getWriter()
          .write(
              fhirContext
                  .newJsonParser()
                  .encodeResourceToString(
                      OperationOutcomes.error(IssueType.TOOCOSTLY, message, null)));
      return;
    }
    chain.doFilter(request, response);
  }
}
