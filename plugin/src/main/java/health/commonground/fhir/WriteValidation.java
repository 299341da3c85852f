package health.commonground.fhir;

import ca.uhn.fhir.validation.ValidationResult;
import health.commonground.validation.ProfileValidator;
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
 * <p>Why: validation and the store work (index rows, Provenance, read models) are each about half
 * of a write's time; run side by side on two cores, a single client's write waits for the longer of
 * the two instead of their sum. The write's transaction commits only once validation has passed
 * ({@link ResourceWriter}), so an invalid resource still leaves nothing behind.
 *
 * <p>When every validation thread is busy (many clients at once, so the cores are busy anyway), the
 * writing thread validates the resource itself, before going on.
 */
@Component
class WriteValidation implements DisposableBean {

  private final ProfileValidator validator;
  private final ThreadPoolExecutor threads;

  WriteValidation(ProfileValidator validator) {
    this.validator = validator;
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
   * validated).
   */
  CompletableFuture<ValidationResult> start(Resource resource) {
    Resource snapshot = resource.copy();
    return CompletableFuture.supplyAsync(() -> validator.validate(snapshot), threads);
  }

  @Override
  public void destroy() {
    threads.shutdown();
  }
}
