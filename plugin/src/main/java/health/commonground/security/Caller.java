package health.commonground.security;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import health.commonground.store.LocalReference;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * Who calls the FHIR API, as the bearer token says: the app (client id), the person ({@code
 * fhirUser}), the patient in context, the SMART scopes granted and whether an administrator.
 */
public record Caller(
    String clientId,
    LocalReference fhirUser,
    String patientId,
    List<SmartScope> scopes,
    boolean admin) {

  private static final String KEY = Caller.class.getName();

  public static Caller fromToken(Jwt jwt, String adminRole) {
    List<SmartScope> scopes = new ArrayList<>();
    for (String scope : scopeNames(jwt)) {
      SmartScope.parse(scope).ifPresent(scopes::add);
    }
    String clientId = firstClaim(jwt, "client_id", "azp", "cid");
    LocalReference fhirUser = fhirUser(jwt.getClaimAsString("fhirUser")).orElse(null);
    String patient = jwt.getClaimAsString("patient");
    return new Caller(
        clientId == null ? jwt.getSubject() : clientId,
        fhirUser,
        patient,
        List.copyOf(scopes),
        hasRole(jwt, adminRole));
  }

  /** {@code Practitioner/123}, or an absolute URL ending in it. */
  static Optional<LocalReference> fhirUser(String value) {
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    String[] parts = value.split("/");
    if (parts.length < 2) {
      return Optional.empty();
    }
    return LocalReference.parse(parts[parts.length - 2] + "/" + parts[parts.length - 1])
        .filter(
            ref ->
                List.of("Patient", "Practitioner", "PractitionerRole", "RelatedPerson", "Person")
                    .contains(ref.type()));
  }

  private static List<String> scopeNames(Jwt jwt) {
    Object scope = jwt.getClaims().getOrDefault("scope", jwt.getClaims().get("scp"));
    if (scope instanceof String text) {
      return List.of(text.trim().split("\\s+"));
    }
    if (scope instanceof Collection<?> list) {
      return list.stream().map(String::valueOf).toList();
    }
    return List.of();
  }

  private static String firstClaim(Jwt jwt, String... names) {
    for (String name : names) {
      String value = jwt.getClaimAsString(name);
      if (value != null && !value.isBlank()) {
        return value;
      }
    }
    return null;
  }

  private static boolean hasRole(Jwt jwt, String role) {
    Object realmAccess = jwt.getClaims().get("realm_access");
    if (realmAccess instanceof Map<?, ?> map && map.get("roles") instanceof Collection<?> roles) {
      if (roles.contains(role)) {
        return true;
      }
    }
    return jwt.getClaims().get("roles") instanceof Collection<?> roles && roles.contains(role);
  }

  /**
   * The person the request acts for: fhirUser, else the patient of a patient/ token, else the app.
   */
  public ActingUser actingUser() {
    if (fhirUser != null) {
      return new ActingUser(fhirUser.type(), fhirUser.id(), null);
    }
    if (patientId != null
        && scopes.stream().allMatch(s -> s.context() == SmartScope.Context.PATIENT)) {
      return new ActingUser("Patient", patientId, null);
    }
    return new ActingUser(null, null, clientId == null ? ActingUser.SYSTEM.display() : clientId);
  }

  /** The widest context among the scopes granting this permission; empty when none grants it. */
  public Optional<SmartScope.Context> widestGrant(String type, char permission) {
    return scopes.stream()
        .filter(s -> s.grants(type, permission))
        .map(SmartScope::context)
        .max(Enum::compareTo);
  }

  public static Optional<Caller> of(RequestDetails request) {
    return request != null && request.getUserData().get(KEY) instanceof Caller caller
        ? Optional.of(caller)
        : Optional.empty();
  }

  static void set(RequestDetails request, Caller caller) {
    request.getUserData().put(KEY, caller);
  }
}
