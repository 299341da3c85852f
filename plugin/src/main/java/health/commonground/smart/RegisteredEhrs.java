package health.commonground.smart;

import health.commonground.fhir.FhirProperties;
import health.commonground.security.ServerUrls;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * The allow-list of EHRs that may launch the app. The app only ever talks to (and sends tokens to)
 * an {@code iss} listed here. The app's own EHR (an empty {@code iss}) is this server's FHIR base
 * as configured or as bound at start-up, never as a request's Host header names it.
 */
@Component
class RegisteredEhrs {

  private final SmartProperties properties;
  private final ServerUrls urls;
  private final FhirProperties fhirProperties;

  RegisteredEhrs(SmartProperties properties, ServerUrls urls, FhirProperties fhirProperties) {
    this.properties = properties;
    this.urls = urls;
    this.fhirProperties = fhirProperties;
  }

  /** The registered EHR whose FHIR base is {@code iss}, with {@code iss} made concrete. */
  Optional<ResolvedEhr> find(String iss) {
    if (iss == null || iss.isBlank()) {
      return Optional.empty();
    }
    String wanted = SmartProperties.stripTrailingSlash(iss.trim());
    for (SmartProperties.Ehr ehr : properties.ehrs()) {
      String ehrIss = ehr.isSelf() ? urls.fhirBase() : ehr.iss();
      if (ehrIss.equals(wanted)) {
        return Optional.of(new ResolvedEhr(ehr, ehrIss));
      }
    }
    return Optional.empty();
  }

  /** The EHR used by a standalone launch that names no {@code iss}: the first registered. */
  Optional<ResolvedEhr> defaultEhr() {
    return properties.ehrs().stream()
        .findFirst()
        .map(ehr -> new ResolvedEhr(ehr, ehr.isSelf() ? urls.fhirBase() : ehr.iss()));
  }

  List<ResolvedEhr> all() {
    return properties.ehrs().stream()
        .map(ehr -> new ResolvedEhr(ehr, ehr.isSelf() ? urls.fhirBase() : ehr.iss()))
        .toList();
  }

  /** Origins allowed to frame the app: every registered EHR's, for pages not tied to one EHR. */
  Set<String> allFrameAncestors() {
    Set<String> origins = new LinkedHashSet<>();
    properties.ehrs().forEach(ehr -> origins.addAll(ehr.frameAncestors()));
    return origins;
  }

  Optional<SmartProperties.Ehr> byName(String name) {
    return properties.ehrs().stream().filter(ehr -> ehr.name().equals(name)).findFirst();
  }

  /** Where the app is served: configured, or this server's own base URL. */
  String appBaseUrl() {
    return properties.appBaseUrl().isEmpty() ? urls.ownBase() : properties.appBaseUrl();
  }

  /**
   * With no base URL configured the app lives at the address it is bound to (e.g. {@code
   * http://127.0.0.1:8080}); a browser that reached it by another name (say {@code localhost}) is
   * sent there first, so that its session cookie is the one the sign-in comes back to. Empty when
   * the request already is there, or when a base URL is configured (a proxy may then show the app
   * another Host, and the configured URL is already what redirect URIs use).
   */
  Optional<String> sameRequestAtOwnBase(HttpServletRequest request) {
    if (!properties.appBaseUrl().isEmpty()
        || (fhirProperties.baseUrl() != null && !fhirProperties.baseUrl().isBlank())) {
      return Optional.empty();
    }
    URI own = URI.create(appBaseUrl());
    String scheme = request.getScheme();
    int port = request.getServerPort();
    if (own.getScheme().equalsIgnoreCase(scheme)
        && own.getHost().equalsIgnoreCase(request.getServerName())
        && effectivePort(own.getPort(), own.getScheme()) == effectivePort(port, scheme)) {
      return Optional.empty();
    }
    String query = request.getQueryString();
    return Optional.of(
        appBaseUrl()
            + request.getRequestURI().substring(request.getContextPath().length())
            + (query == null ? "" : "?" + query));
  }

  private static int effectivePort(int port, String scheme) {
    return port > 0 ? port : "https".equalsIgnoreCase(scheme) ? 443 : 80;
  }

  /** A registered EHR together with its concrete FHIR base URL. */
  record ResolvedEhr(SmartProperties.Ehr ehr, String iss) {}
}
