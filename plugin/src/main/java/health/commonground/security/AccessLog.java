package health.commonground.security;

import jakarta.servlet.http.HttpServletRequest;

/** Records FHIR requests refused before they reach the FHIR server (no or an invalid token). */
public interface AccessLog {

  void unauthenticated(HttpServletRequest request, String reason);
}
