package health.commonground.sandbox;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a refused start into Spring Boot's short "APPLICATION FAILED TO START" report (what is
 * wrong, what to set) instead of a stack trace. Registered in {@code META-INF/spring.factories}.
 */
class UnsafeDeploymentFailureAnalyzer extends AbstractFailureAnalyzer<UnsafeDeploymentException> {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, UnsafeDeploymentException cause) {
    return new FailureAnalysis(cause.description(), cause.action(), cause);
  }
}
