package health.commonground.security;

import ca.uhn.fhir.context.FhirContext;
import health.commonground.fhir.OperationOutcomes;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.oauth2.server.resource.web.access.BearerTokenAccessDeniedHandler;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;

/**
 * 401 and 403 from the FHIR API's security filter as FHIR answers: the {@code WWW-Authenticate}
 * header RFC 6750 asks for, and an OperationOutcome saying what was wrong.
 */
final class FhirAuthenticationErrors implements AuthenticationEntryPoint, AccessDeniedHandler {

  private final FhirContext fhirContext;
  private final ObjectProvider<AccessLog> accessLog;
  private final BearerTokenAuthenticationEntryPoint bearer =
      new BearerTokenAuthenticationEntryPoint();
  private final BearerTokenAccessDeniedHandler denied = new BearerTokenAccessDeniedHandler();

  FhirAuthenticationErrors(FhirContext fhirContext, ObjectProvider<AccessLog> accessLog) {
    this.fhirContext = fhirContext;
    this.accessLog = accessLog;
    bearer.setRealmName("fhir");
    denied.setRealmName("fhir");
  }

  @Override
  public void commence(
      HttpServletRequest request, HttpServletResponse response, AuthenticationException failure)
      throws IOException {
    bearer.commence(request, response, failure);
    String message =
        request.getHeader("Authorization") == null
            ? "This FHIR API needs a bearer token (SMART App Launch); see"
                + " /fhir/.well-known/smart-configuration"
            : "The bearer token was not accepted: " + failure.getMessage();
    write(response, IssueType.LOGIN, message);
    accessLog.ifAvailable(log -> log.unauthenticated(request, message));
  }

  @Override
  public void handle(
      HttpServletRequest request, HttpServletResponse response, AccessDeniedException failure)
      throws IOException {
    denied.handle(request, response, failure);
    write(response, IssueType.FORBIDDEN, "Access denied: " + failure.getMessage());
  }

  private void write(HttpServletResponse response, IssueType type, String message)
      throws IOException {
    response.setContentType("application/fhir+json;charset=UTF-8");
    response
        .getWriter()
        .write(
            fhirContext
                .newJsonParser()
                .encodeResourceToString(OperationOutcomes.error(type, message, null)));
  }
}
