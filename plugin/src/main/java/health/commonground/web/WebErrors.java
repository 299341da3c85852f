package health.commonground.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;

/** Errors of the screens as pages a person understands; never a stack trace. */
@ControllerAdvice(basePackageClasses = WebErrors.class)
class WebErrors {

  @ExceptionHandler(Viewers.SessionEnded.class)
  String sessionEnded(HttpServletRequest request, HttpServletResponse response) {
    if ("true".equals(request.getHeader("HX-Request"))) {
      // htmx follows this header with a full page load instead of swapping a fragment.
      response.setHeader("HX-Redirect", request.getContextPath() + "/launch/ended?reason=expired");
      return "error :: empty";
    }
    return "redirect:/launch/ended?reason=expired";
  }

  /** A client the viewer may not open, or a goal not of that client: answered as not found. */
  @ExceptionHandler(Viewers.NotYours.class)
  String notYours(HttpServletResponse response, Model model) {
    response.setStatus(404);
    model.addAttribute("status", 404);
    model.addAttribute("reasonKey", "error.page.not-found");
    return "error";
  }
}
