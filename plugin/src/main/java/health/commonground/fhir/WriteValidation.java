package health.commonground.fhir;

import ca.uhn.fhir.validation.ValidationResult;
import health.commonground.validation.ProfileValidator;
import health.commonground.validation.ValidShapes;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Validates a write on a thread of its own while the writing thread stores it.
 *
 * <p>Why: validating a resource of a new shape costs about as much as the store work (index rows,
 * Provenance, read models); run side by side on two cores, a single client's write waits for the
 * longer of the two instead of their sum. The write's transaction commits only once validation has
 * passed ({@link ResourceWriter}), so an invalid resource still leaves nothing behind.
 *
 * <p>A resource of a shape that passed before is not validated again ({@link ValidShapes}): a
 * client's goals mostly differ only in their words, ids and dates.
 *
 * <p>When every validation thread is busy (many clients at once, so the cores are busy anyway), the
 * writing thread validates the resource itself, before going on.
 */
@Component
class WriteValidation implements DisposableBean {

  private final ProfileValidator validator;
  private final ThreadPoolExecutor threads;
  private final ValidShapes shapes;
  private final ValidationResult passed;

  WriteValidation(ProfileValidator validator) {
    this.validator = validator;
    this.shapes = validator.shapes();
    this.passed = new ValidationResult(validator.fhirContext(), List.of());
    int cores = Runtime.getRuntime().availableProcessors();
    AtomicInteger count = new AtomicInteger();
    this.threads =
        new ThreadPoolExecutor(
            cores,
            cores,
            1,
            TimeUnit.MINUTES,
            new SynchronousQueue<>(),
            task -> {
              Thread thread = new Thread(task, "write-validation-" + count.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            },
            new ThreadPoolExecutor.CallerRunsPolicy());
    threads.allowCoreThreadTimeOut(true);
  }

  /**
   * Starts validating the resource as it is now; the caller may go on changing it (a copy is
   * validated). A resource whose shape passed before passes at once (see {@link ValidShapes}).
   */
  CompletableFuture<ValidationResult> start(Resource resource) {
    Optional<String> shape = shapes.shapeOf(resource);
    if (shape.isPresent() && shapes.passed(shape.get())) {
      return CompletableFuture.completedFuture(passed);
    }
    Resource snapshot = resource.copy();
    return CompletableFuture.supplyAsync(
        () -> {
          ValidationResult result = validator.validate(snapshot);
          shape.ifPresent(s -> shapes.remember(s, snapshot.fhirType(), result));
          return result;
        },
        threads);
  }

  @Override
  public void destroy() {
    threads.shutdown();
  }
}
