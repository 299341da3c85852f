package health.commonground.validation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.validation.ValidationResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import org.hl7.fhir.r4.model.Goal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.stereotype.Component;

/**
 * Builds and warms the validation chain at start-up by validating one published example Goal of
 * each profile (client, therapist, shared goal), so the first request is not the one that loads the
 * core definitions, generates snapshots and compiles the invariants.
 *
 * <p>The warm-up starts on its own thread as soon as the {@link ProfileValidator} exists, alongside
 * the rest of the start-up; this runner holds the application back from reporting ready (Spring
 * runs runners before it does, and readiness stays "refusing traffic" until then) until the warm-up
 * has finished. A failed attempt is retried on a freshly built chain; when every attempt failed,
 * this runner fails the start-up, so the process exits and its supervisor starts it again, instead
 * of serving without a validator.
 */
@Component
class ValidationWarmUp implements ApplicationRunner {

  private static final Logger log = LoggerFactory.getLogger(ValidationWarmUp.class);

  /** The implementation guide's example Goals, shipped in the fhir-profiles jar. */
  private static final String EXAMPLES = "classpath*:commonground-ig/Goal-*.json";

  private final ProfileValidator validator;

  ValidationWarmUp(ProfileValidator validator) {
    this.validator = validator;
  }

  @Override
  public void run(ApplicationArguments args) {
    try {
      validator.awaitWarmUp();
    } catch (IllegalStateException e) {
      log.error("Start-up given up: the validation chain could not be warmed", e);
      throw e;
    }
  }

  /**
   * On a thread of its own: builds a chain and validates one example Goal of each profile with it,
   * up to {@code attempts} times, each on a new chain, until one attempt succeeds.
   */
  static CompletableFuture<ValidationChain> startInBackground(
      FhirContext fhirContext,
      Supplier<ValidationChain> build,
      int attempts,
      IntConsumer beforeAttempt) {
    return CompletableFuture.supplyAsync(
        () -> {
          List<Goal> goals = exampleGoalPerProfile(fhirContext);
          RuntimeException failure = null;
          for (int attempt = 1; attempt <= attempts; attempt++) {
            try {
              ValidationChain chain = build.get();
              beforeAttempt.accept(attempt);
              warmUp(chain, goals);
              return chain;
            } catch (RuntimeException e) {
              log.warn(
                  "Warming the validation chain failed (attempt {} of {})", attempt, attempts, e);
              if (failure == null) {
                failure = e;
              } else {
                failure.addSuppressed(e);
              }
            }
          }
          throw failure;
        },
        task -> {
          Thread thread = new Thread(task, "validation-warm-up");
          thread.setDaemon(true);
          thread.start();
        });
  }

  private static void warmUp(ValidationChain chain, List<Goal> goals) {
    long start = System.nanoTime();
    int profiles = chain.prepareProfiles();
    for (Goal goal : goals) {
      ValidationResult result = chain.validate(goal);
      if (ProfileValidator.hasErrors(result)) {
        log.warn(
            "Example {} does not validate against its profile: {}",
            goal.getIdElement().getIdPart(),
            result.getMessages());
      }
    }
    int released = chain.releaseConvertedSnapshots();
    log.info(
        "Validation chain warmed with {} profiles and {} example Goals in {} ms; {} R4 core"
            + " snapshots released",
        profiles,
        goals.size(),
        (System.nanoTime() - start) / 1_000_000,
        released);
  }

  /** The first example Goal (by file name) declaring each profile. */
  static List<Goal> exampleGoalPerProfile(FhirContext fhirContext) {
    Map<String, Goal> byProfile = new LinkedHashMap<>();
    try {
      Resource[] files = new PathMatchingResourcePatternResolver().getResources(EXAMPLES);
      List<Resource> sorted = new ArrayList<>(List.of(files));
      sorted.sort((a, b) -> String.valueOf(a.getFilename()).compareTo(b.getFilename()));
      for (Resource file : sorted) {
        try (InputStream in = file.getInputStream()) {
          Goal goal =
              fhirContext
                  .newJsonParser()
                  .parseResource(Goal.class, new String(in.readAllBytes(), StandardCharsets.UTF_8));
          goal.getMeta().getProfile().forEach(p -> byProfile.putIfAbsent(p.getValue(), goal));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the example Goals", e);
    }
    return byProfile.values().stream().distinct().toList();
  }
}
