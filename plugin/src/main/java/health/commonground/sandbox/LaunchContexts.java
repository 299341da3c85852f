package health.commonground.sandbox;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * EHR launches minted by the sandbox's launcher: an opaque {@code launch} id standing for the
 * patient, encounter and practitioner of the simulated EHR session. Kept in memory for an hour: the
 * sandbox serves the embedded default, a single process.
 */
class LaunchContexts {

  private static final Duration LIFETIME = Duration.ofHours(1);
  private static final SecureRandom RANDOM = new SecureRandom();

  /** What an EHR launch hands over. */
  record Launch(
      String patient,
      String encounter,
      String practitioner,
      boolean needPatientBanner,
      String smartStyleUrl,
      Instant expires) {}

  private final Map<String, Launch> launches = new ConcurrentHashMap<>();

  String mint(
      String patient,
      String encounter,
      String practitioner,
      boolean needPatientBanner,
      String smartStyleUrl) {
    byte[] bytes = new byte[24];
    RANDOM.nextBytes(bytes);
    String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    Instant now = Instant.now();
    launches.values().removeIf(l -> l.expires().isBefore(now));
    launches.put(
        id,
        new Launch(
            patient,
            encounter,
            practitioner,
            needPatientBanner,
            smartStyleUrl,
            now.plus(LIFETIME)));
    return id;
  }

  Optional<Launch> find(String id) {
    if (id == null) {
      return Optional.empty();
    }
    return Optional.ofNullable(launches.get(id)).filter(l -> l.expires().isAfter(Instant.now()));
  }
}
