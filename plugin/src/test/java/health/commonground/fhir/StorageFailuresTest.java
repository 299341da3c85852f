package health.commonground.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import java.sql.SQLException;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;

/** Which failures mean "storage unavailable, retry" (503) and which stay what they were. */
class StorageFailuresTest {

  private final StorageFailures failures = new StorageFailures();

  @Test
  void unreachableOrUnwritableStorageIs503WithRetryAfterAndAnOperationOutcome() {
    for (Throwable failure :
        new Throwable[] {
          new InternalErrorException(
              "HAPI-0389", new CannotGetJdbcConnectionException("pool", new SQLException("x"))),
          new CannotCreateTransactionException("begin", new SQLException("gone", "08006")),
          new InternalErrorException("x", new SQLException("terminating connection", "57P01")),
          new InternalErrorException("x", new SQLException("read only", "90097")),
          new InternalErrorException("x", new SQLException("IO Exception: disk full", "90031")),
          new InternalErrorException(
              "x",
              new org.springframework.transaction.TransactionSystemException(
                  "JDBC rollback failed", new SQLException("Connection is closed")))
        }) {
      BaseServerResponseException answer = failures.storageUnavailable(request(), failure);
      assertThat(answer).as(failure.toString()).isNotNull();
      assertThat(answer.getStatusCode()).isEqualTo(503);
      assertThat(answer.getResponseHeaders()).containsKey("Retry-After");
      OperationOutcome outcome = (OperationOutcome) answer.getOperationOutcome();
      assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains("Storage is unavailable");
    }
  }

  @Test
  void aLockWaitThatRunsOutIsAConflictToRetryNotAServerError() {
    for (Throwable failure :
        new Throwable[] {
          new InternalErrorException(
              "x",
              new org.springframework.dao.CannotAcquireLockException(
                  "lock", new SQLException("Timeout trying to lock table", "HYT00"))),
          new InternalErrorException("x", new SQLException("deadlock detected", "40P01")),
          new InternalErrorException("x", new SQLException("lock not available", "55P03"))
        }) {
      BaseServerResponseException answer = failures.storageUnavailable(request(), failure);
      assertThat(answer).as(failure.toString()).isNotNull();
      assertThat(answer.getStatusCode()).isEqualTo(409);
      OperationOutcome outcome = (OperationOutcome) answer.getOperationOutcome();
      assertThat(outcome.getIssueFirstRep().getCode())
          .isEqualTo(OperationOutcome.IssueType.CONFLICT);
    }
  }

  @Test
  void otherFailuresAreLeftAsTheyAre() {
    assertThat(
            failures.storageUnavailable(
                request(),
                new InternalErrorException("x", new DataIntegrityViolationException("dup"))))
        .isNull();
    assertThat(
            failures.storageUnavailable(
                request(), new InternalErrorException("x", new SQLException("dup", "23505"))))
        .isNull();
    assertThat(
            failures.storageUnavailable(
                request(),
                new InvalidRequestException("bad", new CannotGetJdbcConnectionException("x"))))
        .isNull();
    assertThat(failures.storageUnavailable(request(), new NullPointerException())).isNull();
  }

  private static ServletRequestDetails request() {
    ServletRequestDetails request = new ServletRequestDetails();
    request.setRequestType(ca.uhn.fhir.rest.api.RequestTypeEnum.POST);
    request.setCompleteUrl("http://127.0.0.1/fhir/Goal");
    return request;
  }
}
