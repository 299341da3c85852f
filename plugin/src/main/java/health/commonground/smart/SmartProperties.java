package health.commonground.smart;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the SMART app, under {@code commonground.smart}: the EHRs allowed to launch it and
 * how its browser session behaves.
 */
@ConfigurationProperties("commonground.smart")
public record SmartProperties(
    String appBaseUrl,
    List<Ehr> ehrs,
    Duration refreshSkew,
    Duration discoveryCacheTtl,
    Duration launchTimeout,
    Boolean cookieSecure) {

  public SmartProperties {
    appBaseUrl = appBaseUrl == null ? "" : stripTrailingSlash(appBaseUrl.trim());
    ehrs = ehrs == null ? List.of() : List.copyOf(ehrs);
    refreshSkew = refreshSkew == null ? Duration.ofSeconds(60) : refreshSkew;
    discoveryCacheTtl = discoveryCacheTtl == null ? Duration.ofMinutes(10) : discoveryCacheTtl;
    launchTimeout = launchTimeout == null ? Duration.ofMinutes(10) : launchTimeout;
  }

  /** Framed over https the session cookie must be SameSite=None to reach the app inside the EHR. */
  public String cookieSameSite() {
    return Boolean.TRUE.equals(cookieSecure) ? "None" : "Lax";
  }

  /**
   * One EHR (or portal, or authorization server) allowed to launch the app. An empty {@code iss}
   * stands for this server's own FHIR base (the embedded default).
   */
  public record Ehr(
      String name,
      String iss,
      String clientId,
      String clientSecret,
      String ehrLaunchScope,
      String clinicianScope,
      String clientScope,
      List<String> frameAncestors) {

    public Ehr {
      iss = iss == null ? "" : stripTrailingSlash(iss.trim());
      name = name == null || name.isBlank() ? (iss.isEmpty() ? "This server" : iss) : name;
      ehrLaunchScope =
          blankTo(ehrLaunchScope, "launch openid fhirUser user/Patient.rs user/Goal.cruds");
      clinicianScope = blankTo(clinicianScope, "openid fhirUser user/Patient.rs user/Goal.cruds");
      clientScope =
          blankTo(
              clientScope, "launch/patient openid fhirUser patient/Patient.rs patient/Goal.cruds");
      frameAncestors = frameAncestors == null ? List.of() : List.copyOf(frameAncestors);
    }

    boolean isSelf() {
      return iss.isEmpty();
    }

    boolean confidential() {
      return clientSecret != null && !clientSecret.isBlank();
    }

    String scopeFor(LaunchMode mode, AppRole role) {
      if (mode == LaunchMode.EHR) {
        return ehrLaunchScope;
      }
      return role == AppRole.CLIENT ? clientScope : clinicianScope;
    }

    private static String blankTo(String value, String fallback) {
      return value == null || value.isBlank() ? fallback : value.trim();
    }
  }

  static String stripTrailingSlash(String url) {
    String result = url;
    while (result.endsWith("/")) {
      result = result.substring(0, result.length() - 1);
    }
    return result;
  }
}
