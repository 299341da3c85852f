package health.commonground.audit;

import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.hl7.fhir.r4.model.AuditEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Stores AuditEvents in batches, on a thread of its own, so that a request does not wait for its
 * own log entry.
 *
 * <p>Why: one small transaction per request was ~30 % of a read's CPU; a batch of a few hundred
 * costs little more than one. An entry is stored milliseconds after its request has been answered;
 * whoever reads the log first calls {@link #flush()}, so a reader never misses an entry of a
 * request that was answered before. The queue is bounded: when it is full (the database is slower
 * than the requests) or the application is stopping, the caller stores its entry itself, so a slow
 * database slows the requests down instead of growing the queue, and entries are never dropped to
 * keep up. An entry the database refuses (it is down, or full) cannot be stored: each such entry is
 * counted ({@link #lost()}) and logged with the running total, never dropped silently. Entries
 * still queued when the process is killed outright are lost; a normal shutdown stores them first.
 */
@Component
class AuditTrail {

  private static final int QUEUE_SIZE = 10_000;
  private static final int BATCH_SIZE = 500;
  private static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(10);
  private static final Logger log = LoggerFactory.getLogger(AuditTrail.class);

  private final AuditLog auditLog;
  private final TransactionTemplate transactions;
  private final BlockingQueue<AuditEvent> queue;
  private final Thread writer;
  private final AtomicLong stored = new AtomicLong();
  private final AtomicLong lost = new AtomicLong();

  // Guarded by this: entries queued so far, entries taken off the queue and stored (or failed).
  private long queued;
  private long done;
  private boolean stopping;

  @Autowired
  AuditTrail(AuditLog auditLog, TransactionTemplate transactions) {
    this(auditLog, transactions, QUEUE_SIZE);
  }

  AuditTrail(AuditLog auditLog, TransactionTemplate transactions, int queueSize) {
    this.queue = new ArrayBlockingQueue<>(queueSize);
    this.auditLog = auditLog;
    this.transactions = transactions;
    this.writer = new Thread(this::drain, "audit-trail");
    writer.setDaemon(true);
    writer.start();
  }

  /** Stores the event soon (or now, when the queue is full or the application is stopping). */
  void add(AuditEvent event) {
    synchronized (this) {
      if (!stopping && queue.offer(event)) {
        queued++;
        return;
      }
    }
    store(List.of(event));
  }

  /** Waits until every event added before this call is stored. */
  void flush() {
    long deadline = System.nanoTime() + FLUSH_TIMEOUT.toNanos();
    synchronized (this) {
      long target = queued;
      while (done < target) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          log.warn(
              "AuditEvents still being stored after {}; reading the log anyway", FLUSH_TIMEOUT);
          return;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(this, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /** Stores what is queued, then lets the writer end; later events are stored by their callers. */
  @PreDestroy
  void stop() throws InterruptedException {
    synchronized (this) {
      stopping = true;
    }
    writer.join(FLUSH_TIMEOUT.toMillis());
  }

  private void drain() {
    List<AuditEvent> batch = new ArrayList<>(BATCH_SIZE);
    while (true) {
      AuditEvent first;
      try {
        first = queue.poll(200, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        return;
      }
      if (first == null) {
        synchronized (this) {
          if (stopping && queue.isEmpty()) {
            return;
          }
        }
        continue;
      }
      batch.add(first);
      queue.drainTo(batch, BATCH_SIZE - 1);
      store(batch);
      synchronized (this) {
        done += batch.size();
        notifyAll();
      }
      batch.clear();
    }
  }

  /** Entries stored so far. */
  long stored() {
    return stored.get();
  }

  /** Entries the database refused, so not stored, since the start. */
  long lost() {
    return lost.get();
  }

  /** Entries waiting on the queue; never more than its bound. */
  int waiting() {
    return queue.size();
  }

  private void store(List<AuditEvent> events) {
    try {
      transactions.executeWithoutResult(status -> auditLog.insert(events));
      stored.addAndGet(events.size());
    } catch (RuntimeException e) {
      // The answers to the callers must not depend on the log; a lost entry is counted and logged.
      long total = lost.addAndGet(events.size());
      log.error(
          "Could not store {} AuditEvent(s); {} lost since the start. What was lost: {}",
          events.size(),
          total,
          events.stream().map(AuditTrail::describe).toList(),
          e);
    }
  }

  /** What a lost entry was about, for whoever reads the log instead. */
  private static String describe(AuditEvent event) {
    StringBuilder text = new StringBuilder();
    text.append(event.hasAction() ? event.getAction().toCode() : "?");
    text.append(' ').append(event.hasOutcome() ? event.getOutcome().toCode() : "?");
    if (event.hasRecorded()) {
      text.append(' ').append(event.getRecordedElement().getValueAsString());
    }
    event.getAgent().stream()
        .filter(a -> a.hasWho() && a.getWho().hasReference())
        .forEach(a -> text.append(" by ").append(a.getWho().getReference()));
    event.getEntity().stream()
        .filter(e -> e.hasWhat() && e.getWhat().hasReference())
        .forEach(e -> text.append(" on ").append(e.getWhat().getReference()));
    return text.toString();
  }
}
