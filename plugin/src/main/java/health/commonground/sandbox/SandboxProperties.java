package health.commonground.sandbox;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The built-in SMART sandbox of the embedded default, under {@code commonground.sandbox}.
 *
 * @param enabled whether this server also acts as the SMART authorization server
 * @param clients the OAuth clients it knows
 */
@ConfigurationProperties("commonground.sandbox")
public record SandboxProperties(boolean enabled, List<Client> clients) {

  public SandboxProperties {
    clients = clients == null ? List.of() : List.copyOf(clients);
  }

  /** What sort of OAuth client, and so how it authenticates and which grants it uses. */
  public enum Kind {
    /** A server-side app with a secret: authorization code with PKCE S256, refresh tokens. */
    CONFIDENTIAL,
    /** A browser or native app without a secret: authorization code with PKCE S256. */
    PUBLIC,
    /** A backend service: client credentials, authenticated by a signed JWT (private_key_jwt). */
    BACKEND
  }

  /**
   * @param clientId the OAuth client id
   * @param kind how the client authenticates and what it may ask for
   * @param clientSecret the secret of a confidential client
   * @param redirectUris exact redirect URIs; {@code {baseUrl}} stands for this server's base URL
   * @param jwks the public keys (a JWK Set as JSON) that verify a backend client's assertions
   */
  public record Client(
      String clientId, Kind kind, String clientSecret, List<String> redirectUris, String jwks) {

    public Client {
      redirectUris = redirectUris == null ? List.of() : List.copyOf(redirectUris);
    }
  }
}
