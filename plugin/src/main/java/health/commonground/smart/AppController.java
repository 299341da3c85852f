package health.commonground.smart;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * The app's front door: where to launch it from. The screens after a launch live in the web
 * package.
 */
@Controller
class AppController {

  private final RegisteredEhrs ehrs;

  AppController(RegisteredEhrs ehrs) {
    this.ehrs = ehrs;
  }

  /** Standalone sign-in: one link per registered EHR, as a clinician or as a client. */
  @GetMapping("/launch/start")
  String start(HttpServletRequest request, Model model) {
    Optional<String> canonical = ehrs.sameRequestAtOwnBase(request);
    if (canonical.isPresent()) {
      return "redirect:" + canonical.get();
    }
    model.addAttribute("ehrs", ehrs.all());
    return "smart/index";
  }
}
