package health.commonground.smart;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * The launched app session of a request, for the screens: who is signed in and the launch context,
 * with the access token kept fresh. The tokens themselves stay inside this package.
 */
@Component
public class AppSessions {

  private final SmartLauncher launcher;

  AppSessions(SmartLauncher launcher) {
    this.launcher = launcher;
  }

  public Optional<SmartSession> current(HttpServletRequest request) {
    return launcher.current(request);
  }
}
