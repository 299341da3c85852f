package health.commonground.smart;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/** The app's start page after a launch (a placeholder until the joint review screens arrive). */
@Controller
class AppController {

  private final SmartLauncher launcher;
  private final RegisteredEhrs ehrs;

  AppController(SmartLauncher launcher, RegisteredEhrs ehrs) {
    this.launcher = launcher;
    this.ehrs = ehrs;
  }

  /** Standalone sign-in: one link per registered EHR, as a clinician or as a client. */
  @GetMapping("/launch/start")
  String start(HttpServletRequest request, Model model) {
    model.addAttribute("ehrs", ehrs.all(request));
    return "smart/index";
  }

  @GetMapping("/app")
  String app(HttpServletRequest request, Model model) {
    return launcher
        .current(request)
        .map(
            smart -> {
              model.addAttribute("smart", smart);
              model.addAttribute("user", smart.user());
              model.addAttribute("context", smart.context());
              return "smart/app";
            })
        .orElseGet(
            () -> {
              HttpSession session = request.getSession(false);
              if (session != null) {
                session.invalidate();
              }
              SecurityContextHolder.clearContext();
              return "redirect:/launch/ended?reason=expired";
            });
  }
}
