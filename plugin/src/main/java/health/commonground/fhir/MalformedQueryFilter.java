package health.commonground.fhir;

import ca.uhn.fhir.context.FhirContext;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses a FHIR request whose query string is not valid percent-encoding ({@code ?patient=%zz})
 * with 400 and an OperationOutcome; HAPI would fail on it with a 500.
 */
class MalformedQueryFilter extends OncePerRequestFilter {

  private final FhirContext fhirContext;

  MalformedQueryFilter(FhirContext fhirContext) {
    this.fhirContext = fhirContext;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String query = request.getQueryString();
    if (query != null) {
      for (String part : query.split("[&=]")) {
        try {
          URLDecoder.decode(part, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
          FhirErrorResponses.write(
              fhirContext,
              response,
              400,
              IssueType.INVALID,
              "The query string is not valid: '"
                  + (part.length() > 40 ? part.substring(0, 40) + "…" : part)
                  + "' (a % must be followed by two hex digits)");
          return;
        }
      }
    }
    chain.doFilter(request, response);
  }
}
