package health.commonground.fhir;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.io.PrintWriter;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/**
 * Tomcat's error report for what it refuses before any servlet or filter runs (a header or request
 * line over the size limit, a path that is not valid percent-encoding, an encoded NUL or slash):
 * under {@code /fhir}, and when the request line was too long to read a path from, an
 * OperationOutcome with the same status instead of Tomcat's HTML page; elsewhere Tomcat's own page.
 *
 * <p>Tomcat builds it by class name, so it takes the process's one FhirContext (the cached R4
 * context {@code FhirConfig} also uses).
 */
public class FhirErrorReportValve extends ErrorReportValve {

  public FhirErrorReportValve() {
    setShowReport(false);
    setShowServerInfo(false);
  }

  @Override
  protected void report(Request request, Response response, Throwable throwable) {
    int status = response.getStatus();
    String uri = request.getCoyoteRequest().requestURI().toString();
    // No URI: the request line itself was refused (over the size limit), before its path was read.
    boolean fhir = uri == null || uri.isEmpty() || FhirErrorResponses.isFhirPath(uri);
    if (status < 400 || response.getContentWritten() > 0 || !fhir) {
      super.report(request, response, throwable);
      return;
    }
    if (!response.setErrorReported()) {
      return;
    }
    try {
      response.setContentType(FhirErrorResponses.CONTENT_TYPE);
      PrintWriter writer = response.getReporter();
      if (writer != null) {
        writer.write(
            FhirErrorResponses.body(
                FhirContext.forR4Cached(),
                status >= 500 ? IssueType.EXCEPTION : IssueType.INVALID,
                message(status)));
        response.finishResponse();
      }
    } catch (IOException | IllegalStateException e) {
      // The connection is gone or the answer already started: nothing more can be said.
    }
  }

  private static String message(int status) {
    return switch (status) {
      case 400 ->
          "The request was refused before it reached the FHIR API: its request line or headers"
              + " are malformed or too large (e.g. invalid percent-encoding, an encoded NUL or"
              + " slash in the path, a header or URL over 8 KB)";
      case 404 -> "Not found";
      case 405 -> "This HTTP method is not allowed here";
      case 408 -> "The request took too long to arrive";
      case 413 -> "The request is too large";
      case 414 -> "The URL is too long";
      default -> "The request could not be served (HTTP " + status + ")";
    };
  }
}
