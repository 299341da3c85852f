package health.commonground.smart;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.util.List;
import java.util.Optional;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.authentication.preauth.PreAuthenticatedAuthenticationToken;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** SMART launch endpoints: EHR launch, standalone launch and the authorization server's return. */
@Controller
class LaunchController {

  private final RegisteredEhrs ehrs;
  private final SmartLauncher launcher;
  private final SecurityContextRepository securityContexts;

  LaunchController(
      RegisteredEhrs ehrs,
      SmartLauncher launcher,
      SecurityContextRepository smartSecurityContexts) {
    this.ehrs = ehrs;
    this.launcher = launcher;
    this.securityContexts = smartSecurityContexts;
  }

  /** EHR launch: the EHR opens the app with its FHIR base and an opaque launch id. */
  @GetMapping("/launch")
  String ehrLaunch(
      @RequestParam(required = false) String iss,
      @RequestParam(required = false) String launch,
      HttpServletRequest request) {
    if (iss == null || iss.isBlank() || launch == null || launch.isBlank()) {
      throw new SmartLaunchException("An EHR launch needs both iss and launch.");
    }
    Optional<String> canonical = ehrs.sameRequestAtOwnBase(request);
    if (canonical.isPresent()) {
      return "redirect:" + canonical.get();
    }
    RegisteredEhrs.ResolvedEhr ehr = registered(iss);
    return "redirect:" + launcher.begin(ehr, LaunchMode.EHR, AppRole.CLINICIAN, launch, request);
  }

  /** Standalone launch from a portal or bookmark, as a clinician or as a client. */
  @GetMapping("/launch/standalone")
  String standaloneLaunch(
      @RequestParam(required = false) String iss,
      @RequestParam(required = false) String role,
      HttpServletRequest request) {
    Optional<String> canonical = ehrs.sameRequestAtOwnBase(request);
    if (canonical.isPresent()) {
      return "redirect:" + canonical.get();
    }
    RegisteredEhrs.ResolvedEhr ehr =
        iss == null || iss.isBlank()
            ? ehrs.defaultEhr()
                .orElseThrow(
                    () -> new SmartLaunchException("No EHR is registered with this app.", 503))
            : registered(iss);
    return "redirect:"
        + launcher.begin(ehr, LaunchMode.STANDALONE, AppRole.parse(role), null, request);
  }

  @GetMapping("/launch/callback")
  String callback(
      @RequestParam(required = false) String state,
      @RequestParam(required = false) String code,
      @RequestParam(required = false) String error,
      @RequestParam(name = "error_description", required = false) String errorDescription,
      HttpServletRequest request,
      HttpServletResponse response) {
    SmartSession smart = launcher.complete(state, code, error, errorDescription, request);
    // A new session id after sign-in: a session id seen before the launch is worth nothing after
    // it.
    request.changeSessionId();
    HttpSession session = request.getSession();
    session.setAttribute(SmartSession.ATTRIBUTE, smart);
    SecurityContext context = SecurityContextHolder.createEmptyContext();
    context.setAuthentication(
        new PreAuthenticatedAuthenticationToken(
            smart.user(),
            null,
            List.of(new SimpleGrantedAuthority("ROLE_" + smart.user().role()))));
    SecurityContextHolder.setContext(context);
    securityContexts.saveContext(context, request, response);
    return "redirect:/app";
  }

  @GetMapping("/launch/ended")
  String ended(@RequestParam(required = false) String reason, Model model) {
    model.addAttribute("loggedOut", "logout".equals(reason));
    return "smart/ended";
  }

  @ExceptionHandler(SmartLaunchException.class)
  String launchFailed(SmartLaunchException e, HttpServletResponse response, Model model) {
    response.setStatus(e.status());
    model.addAttribute("message", e.getMessage());
    return "smart/launch-error";
  }

  private RegisteredEhrs.ResolvedEhr registered(String iss) {
    return ehrs.find(iss)
        .orElseThrow(
            () ->
                new SmartLaunchException(
                    "This app is not registered with the EHR at that address, so it will not launch"
                        + " from it.",
                    403));
  }
}
