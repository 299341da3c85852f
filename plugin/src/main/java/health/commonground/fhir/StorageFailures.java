package health.commonground.fhir;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.util.Set;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

/**
 * A request that fails because the database cannot be reached or cannot write (PostgreSQL
 * restarting, the pool's connections broken, the embedded database's disk full or read-only) is
 * answered 503 with {@code Retry-After} and an OperationOutcome saying storage is unavailable,
 * instead of a 500: the request was not completed (its transaction rolled back, or in the rare case
 * of a connection lost during the commit itself, its outcome is unknown: a conditional create or an
 * If-Match update is safe to retry), and the same request may succeed shortly. The connection pool
 * recovers by itself once the database is back.
 */
@Component
@Interceptor
class StorageFailures implements FhirInterceptor {

  static final String RETRY_AFTER_SECONDS = "5";

  private static final Logger log = LoggerFactory.getLogger(StorageFailures.class);

  /**
   * H2's codes (its SQLState) for a database that cannot read or write its files: I/O errors (a
   * full disk), read-only, closed, called while shutting down.
   */
  /**
   * Lock contention: serialization failure and deadlock (40001, 40P01), PostgreSQL's lock not
   * available (55P03), H2's lock timeout (HYT00).
   */
  private static final Set<String> LOCK_STATES = Set.of("40001", "40P01", "55P03", "HYT00");

  private static final Set<String> H2_STORAGE_STATES =
      Set.of("90028", "90031", "90097", "90098", "90121");

  @Hook(Pointcut.SERVER_PRE_PROCESS_OUTGOING_EXCEPTION)
  public BaseServerResponseException storageUnavailable(RequestDetails request, Throwable failure) {
    if (failure instanceof BaseServerResponseException answered
        && answered.getStatusCode() != 500) {
      return null;
    }
    if (isLockContention(failure)) {
      // Another request held the same rows longer than the lock wait: nothing was written, and the
      // client can read the resource again and retry, as after any concurrent edit.
      String message =
          "Another request was changing the same resource at the same moment; this request was"
              + " not completed. Read the resource again and retry.";
      return new ResourceVersionConflictException(
          message, null, OperationOutcomes.error(IssueType.CONFLICT, message, null));
    }
    if (!isStorageUnavailable(failure)) {
      return null;
    }
    log.warn(
        "Storage unavailable for {} {}: {}",
        request.getRequestType(),
        request.getCompleteUrl(),
        rootMessage(failure));
    return new StorageUnavailable();
  }

  /** A lock wait that ran out or a deadlock: contention between requests, not storage trouble. */
  static boolean isLockContention(Throwable failure) {
    int depth = 0;
    for (Throwable cause = failure; cause != null && depth < 20; cause = cause.getCause()) {
      depth++;
      if (cause instanceof PessimisticLockingFailureException) {
        return true;
      }
      if (cause instanceof SQLException sql
          && sql.getSQLState() != null
          && LOCK_STATES.contains(sql.getSQLState())) {
        return true;
      }
    }
    return false;
  }

  static boolean isStorageUnavailable(Throwable failure) {
    int depth = 0;
    for (Throwable cause = failure; cause != null && depth < 20; cause = cause.getCause()) {
      depth++;
      if (cause instanceof DataAccessResourceFailureException
          || cause instanceof TransientDataAccessException
          || cause instanceof CannotCreateTransactionException
          // Begin, commit or rollback failed: the connection broke under the transaction.
          || cause instanceof TransactionSystemException
          || cause instanceof SQLTransientConnectionException
          || cause instanceof SQLNonTransientConnectionException) {
        return true;
      }
      if (cause instanceof SQLException sql && sql.getSQLState() != null) {
        String state = sql.getSQLState();
        // Class 08: connection exception; 57P: operator intervention (shutdown, crash).
        if (state.startsWith("08")
            || state.startsWith("57P")
            || H2_STORAGE_STATES.contains(state)) {
          return true;
        }
      }
    }
    return false;
  }

  private static String rootMessage(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName() + ": " + root.getMessage();
  }

  /** 503: storage is unavailable for now. */
  static final class StorageUnavailable extends BaseServerResponseException {

    private static final long serialVersionUID = 1L;

    private static final String MESSAGE =
        "Storage is unavailable for now (the database cannot be reached or cannot write); this"
            + " request was not completed. Retry after "
            + RETRY_AFTER_SECONDS
            + " seconds.";

    StorageUnavailable() {
      super(503, MESSAGE, OperationOutcomes.error(IssueType.TRANSIENT, MESSAGE, null));
      addResponseHeader("Retry-After", RETRY_AFTER_SECONDS);
    }
  }
}
