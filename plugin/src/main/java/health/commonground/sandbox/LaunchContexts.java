package health.commonground.sandbox;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * EHR launches minted by the sandbox's launcher: an opaque {@code launch} id standing for the
 * patient, encounter and practitioner of the simulated EHR session. A launch is minted for one
 * signed-in clinician and one OAuth client, and is redeemed once, within minutes, by an
 * authorization request of that clinician and that client; the tokens of that authorization then
 * carry its context. Kept in memory: the sandbox serves the embedded default, a single process.
 */
class LaunchContexts {

  /** How long a minted launch waits for its authorization request. */
  static final Duration LIFETIME = Duration.ofMinutes(5);

  /** How long a redeemed launch's context is kept for the tokens (and refreshes) it was for. */
  private static final Duration REDEEMED_LIFETIME = Duration.ofHours(12);

  private static final SecureRandom RANDOM = new SecureRandom();

  /** What an EHR launch hands over, and to whom. */
  record Launch(
      String patient,
      String encounter,
      String practitioner,
      String clientId,
      boolean needPatientBanner,
      String smartStyleUrl,
      Instant expires) {}

  /** Why a launch cannot be redeemed. */
  static final class RefusedLaunch extends RuntimeException {
    RefusedLaunch(String message) {
      super(message);
    }
  }

  private final Map<String, Launch> pending = new ConcurrentHashMap<>();
  private final Map<String, Launch> redeemed = new ConcurrentHashMap<>();
  private final Clock clock;

  LaunchContexts() {
    this(Clock.systemUTC());
  }

  LaunchContexts(Clock clock) {
    this.clock = clock;
  }

  String mint(
      String patient,
      String encounter,
      String practitioner,
      String clientId,
      boolean needPatientBanner,
      String smartStyleUrl) {
    byte[] bytes = new byte[24];
    RANDOM.nextBytes(bytes);
    String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    Instant now = clock.instant();
    pending.values().removeIf(l -> !l.expires().isAfter(now));
    redeemed.values().removeIf(l -> !l.expires().isAfter(now));
    pending.put(
        id,
        new Launch(
            patient,
            encounter,
            practitioner,
            clientId,
            needPatientBanner,
            smartStyleUrl,
            now.plus(LIFETIME)));
    return id;
  }

  /** A launch minted and not yet redeemed nor expired. */
  boolean isPending(String id) {
    return id != null
        && Optional.ofNullable(pending.get(id))
            .filter(l -> l.expires().isAfter(clock.instant()))
            .isPresent();
  }

  /**
   * Redeems a launch for the authorization request of {@code practitioner} (a Practitioner id) and
   * {@code clientId}: once only, and only by the clinician and client it was minted for.
   *
   * @throws RefusedLaunch when it is unknown, expired, used, or for someone else
   */
  Launch redeem(String id, String practitioner, String clientId) {
    Launch launch = id == null ? null : pending.get(id);
    if (launch == null || !launch.expires().isAfter(clock.instant())) {
      throw new RefusedLaunch(
          "launch is unknown, expired or already used; start again from the EHR launcher");
    }
    if (!launch.practitioner().equals(practitioner)) {
      throw new RefusedLaunch("launch was made for another clinician");
    }
    if (!launch.clientId().equals(clientId)) {
      throw new RefusedLaunch("launch was made for another app (client_id)");
    }
    if (!pending.remove(id, launch)) {
      throw new RefusedLaunch("launch is already used");
    }
    redeemed.put(id, withExpiry(launch, clock.instant().plus(REDEEMED_LIFETIME)));
    return launch;
  }

  /** The context of a redeemed launch, for the tokens of the authorization that redeemed it. */
  Optional<Launch> redeemed(String id) {
    if (id == null) {
      return Optional.empty();
    }
    return Optional.ofNullable(redeemed.get(id)).filter(l -> l.expires().isAfter(clock.instant()));
  }

  private static Launch withExpiry(Launch launch, Instant expires) {
    return new Launch(
        launch.patient(),
        launch.encounter(),
        launch.practitioner(),
        launch.clientId(),
        launch.needPatientBanner(),
        launch.smartStyleUrl(),
        expires);
  }
}
