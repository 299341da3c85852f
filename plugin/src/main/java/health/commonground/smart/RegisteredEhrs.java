package health.commonground.smart;

import health.commonground.fhir.FhirProperties;
import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * The allow-list of EHRs that may launch the app. The app only ever talks to (and sends tokens to)
 * an {@code iss} listed here.
 */
@Component
class RegisteredEhrs {

  private final SmartProperties properties;
  private final FhirProperties fhirProperties;

  RegisteredEhrs(SmartProperties properties, FhirProperties fhirProperties) {
    this.properties = properties;
    this.fhirProperties = fhirProperties;
  }

  /** The registered EHR whose FHIR base is {@code iss}, with {@code iss} made concrete. */
  Optional<ResolvedEhr> find(String iss, HttpServletRequest request) {
    if (iss == null || iss.isBlank()) {
      return Optional.empty();
    }
    String wanted = SmartProperties.stripTrailingSlash(iss.trim());
    for (SmartProperties.Ehr ehr : properties.ehrs()) {
      String ehrIss = ehr.isSelf() ? ownFhirBase(request) : ehr.iss();
      if (ehrIss.equals(wanted)) {
        return Optional.of(new ResolvedEhr(ehr, ehrIss));
      }
    }
    return Optional.empty();
  }

  /** The EHR used by a standalone launch that names no {@code iss}: the first registered. */
  Optional<ResolvedEhr> defaultEhr(HttpServletRequest request) {
    return properties.ehrs().stream()
        .findFirst()
        .map(ehr -> new ResolvedEhr(ehr, ehr.isSelf() ? ownFhirBase(request) : ehr.iss()));
  }

  List<ResolvedEhr> all(HttpServletRequest request) {
    return properties.ehrs().stream()
        .map(ehr -> new ResolvedEhr(ehr, ehr.isSelf() ? ownFhirBase(request) : ehr.iss()))
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

  String appBaseUrl(HttpServletRequest request) {
    if (!properties.appBaseUrl().isEmpty()) {
      return properties.appBaseUrl();
    }
    return ServletUriComponentsBuilder.fromContextPath(request)
        .replaceQuery(null)
        .build()
        .toUriString();
  }

  private String ownFhirBase(HttpServletRequest request) {
    String configured = fhirProperties.baseUrl();
    if (configured != null && !configured.isBlank()) {
      return SmartProperties.stripTrailingSlash(configured.trim());
    }
    return appBaseUrl(request) + "/fhir";
  }

  /** A registered EHR together with its concrete FHIR base URL. */
  record ResolvedEhr(SmartProperties.Ehr ehr, String iss) {}
}
