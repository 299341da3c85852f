package health.commonground.security;

import health.commonground.fhir.FhirProperties;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * The public URLs tokens are bound to: the FHIR base URL (a token's {@code aud}) and the issuer.
 * Configured, or else taken from the request being served (the embedded default, where the
 * sandbox's issuer is this server itself).
 */
@Component
public class ServerUrls {

  private final FhirProperties fhir;
  private final SecurityProperties security;

  ServerUrls(FhirProperties fhir, SecurityProperties security) {
    this.fhir = fhir;
    this.security = security;
  }

  /** The FHIR base URL, e.g. {@code https://clinic.example/fhir}. */
  public String fhirBase() {
    if (fhir.baseUrl() != null && !fhir.baseUrl().isBlank()) {
      return fhir.baseUrl().replaceAll("/+$", "");
    }
    return requestBase() + "/fhir";
  }

  /** The {@code aud} every access token must carry. */
  public String audience() {
    return security.audience() != null ? security.audience() : fhirBase();
  }

  /** The configured issuer, or this server when the sandbox issues tokens. */
  public String issuer() {
    return security.issuerUri() != null ? security.issuerUri() : requestBase();
  }

  /** Scheme, host, port and context path of the request being served. */
  public static String requestBase() {
    return ServletUriComponentsBuilder.fromCurrentContextPath().build().toUriString();
  }
}
