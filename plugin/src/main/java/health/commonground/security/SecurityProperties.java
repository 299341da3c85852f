package health.commonground.security;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How the FHIR API checks bearer tokens, under {@code commonground.security}.
 *
 * @param issuerUri the authorization server whose tokens are accepted (e.g. a Keycloak realm);
 *     blank when the built-in sandbox issues them (its issuer is this server's own base URL)
 * @param jwkSetUri where the issuer's signing keys are, when not found by discovery
 * @param audience the {@code aud} a token must carry; blank for the FHIR base URL
 * @param adminRole the realm role (Keycloak {@code realm_access.roles}) that may read AuditEvents
 * @param corsAllowedOrigins the web origins whose browser apps may call the FHIR API (CORS); {@code
 *     *} (the default) for any, as tokens travel in a header, never in cookies
 * @param trustLaunchPatient whether a clinician also reaches the patient an EHR launched them with
 *     (the token's {@code patient}), besides the clients they treat; default true
 */
@ConfigurationProperties("commonground.security")
public record SecurityProperties(
    String issuerUri,
    String jwkSetUri,
    String audience,
    String adminRole,
    List<String> corsAllowedOrigins,
    Boolean trustLaunchPatient) {

  public SecurityProperties {
    issuerUri = blankToNull(issuerUri);
    jwkSetUri = blankToNull(jwkSetUri);
    audience = blankToNull(audience);
    adminRole = adminRole == null || adminRole.isBlank() ? "admin" : adminRole;
    corsAllowedOrigins =
        corsAllowedOrigins == null || corsAllowedOrigins.isEmpty()
            ? List.of("*")
            : List.copyOf(corsAllowedOrigins);
    trustLaunchPatient = trustLaunchPatient == null || trustLaunchPatient;
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.replaceAll("/+$", "");
  }
}
