package health.commonground.sandbox;

/** The configuration would expose the sandbox, or accept no token at all: start-up stops. */
class UnsafeDeploymentException extends RuntimeException {

  private final String description;
  private final String action;

  UnsafeDeploymentException(String description, String action) {
    super(description + " " + action);
    this.description = description;
    this.action = action;
  }

  String description() {
    return description;
  }

  String action() {
    return action;
  }
}
