package health.commonground.smart;

/**
 * A launch that cannot go on. The message is shown to the user, so it never carries a token, a code
 * or a secret.
 */
class SmartLaunchException extends RuntimeException {

  private final int status;

  SmartLaunchException(String message) {
    this(message, 400);
  }

  SmartLaunchException(String message, int status) {
    super(message);
    this.status = status;
  }

  int status() {
    return status;
  }
}
