package health.commonground.sandbox;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.stereotype.Component;

/**
 * Refuses to start a server whose sign-in anyone could use. The sandbox lets anyone sign in as any
 * clinician or client without a password and lists every client's name at {@code /sandbox/login};
 * it is for the embedded default on a loopback address. With the {@code postgres} profile or a bind
 * address other than loopback it runs only when {@value #DEMO_FLAG} is true. Without the sandbox a
 * real issuer must be configured, or no token could ever be accepted.
 *
 * <p>A bean factory post-processor, so the check runs on the final configuration (test and
 * command-line properties included) before any bean is made: no database is opened, no port bound.
 */
@Component
class SandboxExposureGuard implements BeanFactoryPostProcessor, EnvironmentAware {

  static final String ENABLED = "commonground.sandbox.enabled";
  static final String DEMO_FLAG = "commonground.sandbox.allow-non-local-demo";

  private Environment environment;

  @Override
  public void setEnvironment(Environment environment) {
    this.environment = environment;
  }

  @Override
  public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
    Optional<UnsafeDeploymentException> problem = problem(environment);
    if (problem.isPresent()) {
      throw problem.get();
    }
  }

  /** What is unsafe about this configuration, if anything. */
  static Optional<UnsafeDeploymentException> problem(Environment environment) {
    boolean sandbox = environment.getProperty(ENABLED, Boolean.class, false);
    if (!sandbox) {
      if (blank(environment.getProperty("commonground.security.issuer-uri"))
          && blank(environment.getProperty("commonground.security.jwk-set-uri"))) {
        return Optional.of(
            new UnsafeDeploymentException(
                "The sandbox is off and no token issuer is configured, so no request to the FHIR"
                    + " API or the app could ever be signed in.",
                "Set commonground.security.issuer-uri (COMMONGROUND_SECURITY_ISSUER_URI) to the"
                    + " Keycloak realm, e.g. https://auth.example.org/realms/commonground"
                    + " (deploy/keycloak/README.md)."));
      }
      return Optional.empty();
    }
    if (environment.getProperty(DEMO_FLAG, Boolean.class, false)) {
      return Optional.empty();
    }
    String where = null;
    if (environment.acceptsProfiles(Profiles.of("postgres"))) {
      where = "the 'postgres' profile is active";
    } else if (!loopback(environment.getProperty("server.address"))) {
      String address = environment.getProperty("server.address");
      where =
          blank(address)
              ? "server.address is not set, so the server listens on every interface"
              : "server.address is " + address + ", not a loopback address";
    }
    if (where == null) {
      return Optional.empty();
    }
    return Optional.of(
        new UnsafeDeploymentException(
            "The built-in sandbox ("
                + ENABLED
                + "=true) lets anyone sign in as any clinician or client without a password and"
                + " lists every client at /sandbox/login, but "
                + where
                + ".",
            "For a real deployment set "
                + ENABLED
                + "=false (COMMONGROUND_SANDBOX_ENABLED=false) and"
                + " commonground.security.issuer-uri to the Keycloak realm (deploy/README.md). Only"
                + " for a demo that others may reach, set "
                + DEMO_FLAG
                + "=true (COMMONGROUND_SANDBOX_ALLOW_NON_LOCAL_DEMO=true)."));
  }

  private static boolean loopback(String address) {
    if (blank(address)) {
      return false;
    }
    try {
      return InetAddress.getByName(address.trim()).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }
}
