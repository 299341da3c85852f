package health.commonground.sandbox;

import health.commonground.security.ServerUrls;
import health.commonground.store.LocalReference;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Arrays;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.HtmlUtils;

/**
 * What SMART adds to an authorization request: {@code aud} must name this FHIR server (so a token
 * meant for it cannot be phished for another), and a {@code launch} must be one the launcher
 * minted, not yet used, for the signed-in clinician and the requesting {@code client_id}; it is
 * redeemed (used up) once the clinician is signed in. A signed-in clinician's standalone launch
 * that asks for a patient ({@code launch/patient}, no {@code launch}) first goes to the patient
 * picker, as SMART has the authorization server ask which patient; the pick comes back as a launch.
 */
class SmartAuthorizeRequestCheck extends OncePerRequestFilter {

  private final ServerUrls urls;
  private final LaunchContexts launches;

  SmartAuthorizeRequestCheck(ServerUrls urls, LaunchContexts launches) {
    this.urls = urls;
    this.launches = launches;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return !(request.getRequestURI().substring(request.getContextPath().length()))
        .equals("/oauth2/authorize");
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String aud = request.getParameter("aud");
    String launch = request.getParameter("launch");
    String problem = null;
    if (aud == null || !aud.replaceAll("/+$", "").equals(urls.fhirBase())) {
      problem =
          "aud must be this FHIR server's base URL, " + urls.fhirBase() + " (got " + aud + ")";
    } else if (launch != null && request.getParameterValues("launch").length > 1) {
      problem = "launch must be given once";
    } else if (launch != null && !launches.isPending(launch)) {
      problem = "launch is unknown, expired or already used; start again from the EHR launcher";
    } else if (launch != null && SandboxPages.signedInUser().isPresent()) {
      // Signed in: the launch is used up now, by this clinician and this app only. (Not signed in
      // yet, the request comes back here after the sign-in.)
      try {
        launches.redeem(
            launch,
            SandboxPages.signedInPractitioner().map(LocalReference::id).orElse(""),
            request.getParameter("client_id"));
      } catch (LaunchContexts.RefusedLaunch refused) {
        problem = refused.getMessage();
      }
    }
    if (problem == null
        && launch == null
        && asksForPatient(request)
        && SandboxPages.signedInPractitioner().isPresent()) {
      request
          .getSession()
          .setAttribute(
              SandboxPages.AUTHORIZATION_AWAITING_PATIENT,
              request.getRequestURI() + "?" + request.getQueryString());
      response.sendRedirect(request.getContextPath() + SandboxPages.PATIENT_PICKER_PATH);
      return;
    }
    if (problem != null) {
      response.setStatus(400);
      response.setContentType("text/html;charset=UTF-8");
      response
          .getWriter()
          .write(
              SandboxPages.page(
                  "Authorization refused",
                  "<p>invalid_request: " + HtmlUtils.htmlEscape(problem) + "</p>"));
      return;
    }
    chain.doFilter(request, response);
  }

  private static boolean asksForPatient(HttpServletRequest request) {
    String scope = request.getParameter("scope");
    return scope != null && Arrays.asList(scope.split(" ")).contains("launch/patient");
  }
}
