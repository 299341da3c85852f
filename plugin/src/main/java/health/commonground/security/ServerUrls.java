package health.commonground.security;

import health.commonground.fhir.FhirProperties;
import org.springframework.boot.web.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * The public URLs tokens are bound to: the FHIR base URL (a token's {@code aud}) and the issuer.
 * Configured, or else this server's own address as it was bound at start-up (the embedded default,
 * where the sandbox's issuer is this server itself). Never taken from a request's Host header: a
 * request could otherwise name another server as this one.
 */
@Component
public class ServerUrls implements ApplicationListener<WebServerInitializedEvent> {

  private final FhirProperties fhir;
  private final SecurityProperties security;
  private final Environment environment;
  private volatile String boundBase;

  ServerUrls(FhirProperties fhir, SecurityProperties security, Environment environment) {
    this.fhir = fhir;
    this.security = security;
    this.environment = environment;
  }

  /** The FHIR base URL, e.g. {@code https://clinic.example/fhir}. */
  public String fhirBase() {
    if (fhir.baseUrl() != null && !fhir.baseUrl().isBlank()) {
      return fhir.baseUrl().trim().replaceAll("/+$", "");
    }
    return ownBase() + "/fhir";
  }

  /** The {@code aud} every access token must carry. */
  public String audience() {
    return security.audience() != null ? security.audience() : fhirBase();
  }

  /** The configured issuer, or this server when the sandbox issues tokens. */
  public String issuer() {
    return security.issuerUri() != null ? security.issuerUri() : ownBase();
  }

  /**
   * This server's base URL (scheme, host, port, context path): the configured FHIR base URL without
   * its {@code /fhir}, or else the address the server is bound to, a wildcard address read as
   * loopback.
   */
  public String ownBase() {
    String configured = fhir.baseUrl() == null ? "" : fhir.baseUrl().trim().replaceAll("/+$", "");
    if (configured.endsWith("/fhir")) {
      return configured.substring(0, configured.length() - "/fhir".length());
    }
    String bound = boundBase;
    return bound != null ? bound : base(environment.getProperty("server.port", "8080"));
  }

  @Override
  public void onApplicationEvent(WebServerInitializedEvent event) {
    // The management server (when on a port of its own) is not where the app is served.
    if (event.getApplicationContext().getServerNamespace() == null) {
      boundBase = base(String.valueOf(event.getWebServer().getPort()));
    }
  }

  private String base(String port) {
    String address = environment.getProperty("server.address", "").trim();
    String host =
        address.isEmpty() || address.equals("0.0.0.0") || address.equals("::")
            ? "127.0.0.1"
            : address.contains(":") && !address.startsWith("[") ? "[" + address + "]" : address;
    String scheme =
        Boolean.parseBoolean(environment.getProperty("server.ssl.enabled", "false"))
            ? "https"
            : "http";
    String contextPath =
        environment.getProperty("server.servlet.context-path", "").replaceAll("/+$", "");
    return scheme + "://" + host + ":" + port + contextPath;
  }
}
