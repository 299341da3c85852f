package health.commonground.smart;

import java.io.Serial;
import java.io.Serializable;
import java.time.Instant;

/**
 * A launched app session: the tokens and the launch context from the token response. Lives only in
 * the server-side session store; never rendered, logged or sent to the browser (hence no toString
 * with its fields).
 */
public final class SmartSession implements Serializable {

  @Serial private static final long serialVersionUID = 1L;

  static final String ATTRIBUTE = SmartSession.class.getName();

  private final String ehrName;
  private final String iss;
  private final LaunchMode mode;
  private final SmartUser user;
  private final Instant launchedAt;
  private final LaunchContext context;
  private String accessToken;
  private String refreshToken;
  private Instant expiresAt;
  private String scope;
  private int refreshCount;

  SmartSession(
      String ehrName,
      String iss,
      LaunchMode mode,
      SmartUser user,
      LaunchContext context,
      TokenResponse tokens,
      Instant now) {
    this.ehrName = ehrName;
    this.iss = iss;
    this.mode = mode;
    this.user = user;
    this.context = context;
    this.launchedAt = now;
    apply(tokens, now);
  }

  void apply(TokenResponse tokens, Instant now) {
    this.accessToken = tokens.accessToken();
    if (tokens.refreshToken() != null) {
      this.refreshToken = tokens.refreshToken();
    }
    this.expiresAt = now.plusSeconds(tokens.expiresIn() > 0 ? tokens.expiresIn() : 300);
    if (tokens.scope() != null) {
      this.scope = tokens.scope();
    }
  }

  void refreshed(TokenResponse tokens, Instant now) {
    apply(tokens, now);
    refreshCount++;
  }

  String accessToken() {
    return accessToken;
  }

  String refreshToken() {
    return refreshToken;
  }

  public String ehrName() {
    return ehrName;
  }

  public String iss() {
    return iss;
  }

  public LaunchMode mode() {
    return mode;
  }

  public SmartUser user() {
    return user;
  }

  public LaunchContext context() {
    return context;
  }

  public Instant launchedAt() {
    return launchedAt;
  }

  public Instant expiresAt() {
    return expiresAt;
  }

  public String scope() {
    return scope;
  }

  public int refreshCount() {
    return refreshCount;
  }

  @Override
  public String toString() {
    return "SmartSession[" + ehrName + ", " + user.getName() + "]";
  }
}
