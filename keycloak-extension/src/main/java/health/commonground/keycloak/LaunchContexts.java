package health.commonground.keycloak;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.keycloak.models.KeycloakSession;

/**
 * Launch contexts registered by an EHR, kept in Keycloak's single-use object store (replicated in a
 * cluster) under an unguessable launch id until an authorization request uses them.
 */
final class LaunchContexts {

  /**
   * Client-session notes that carry a launch's context from the authorization request to tokens.
   */
  static final String NOTE_PREFIX = "smart.";

  static final String PATIENT = "patient";
  static final String ENCOUNTER = "encounter";
  static final String NEED_PATIENT_BANNER = "need_patient_banner";
  static final String SMART_STYLE_URL = "smart_style_url";
  static final String FHIR_CONTEXT = "fhirContext";
  static final String INTENT = "intent";
  static final Set<String> FIELDS =
      Set.of(PATIENT, ENCOUNTER, NEED_PATIENT_BANNER, SMART_STYLE_URL, FHIR_CONTEXT, INTENT);

  static final Pattern FHIR_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

  private static final String KEY_PREFIX = "commonground.smart-launch.";
  private static final SecureRandom RANDOM = new SecureRandom();

  private LaunchContexts() {}

  static String register(
      KeycloakSession session, Map<String, String> context, long lifespanSeconds) {
    byte[] bytes = new byte[24];
    RANDOM.nextBytes(bytes);
    String launch = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    session.singleUseObjects().put(KEY_PREFIX + launch, lifespanSeconds, new HashMap<>(context));
    return launch;
  }

  /** The context of a launch id, removed so that the id works only once; null when unknown. */
  static Map<String, String> consume(KeycloakSession session, String launch) {
    if (launch == null || launch.length() > 128) {
      return null;
    }
    return session.singleUseObjects().remove(KEY_PREFIX + launch);
  }
}
