package health.commonground.demo;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import health.commonground.fhir.TransactionProvider;
import health.commonground.security.ActingUser;
import health.commonground.security.ResourceAccess;
import health.commonground.store.ResourceStore;
import health.commonground.store.SearchParamRegistry;
import health.commonground.store.SearchQuery;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.ClassPathResource;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Loads the demo clinic (two therapists, six clients and their goals, links and divergences) into a
 * store that holds no Goal yet, once the application is up. The clinic is one transaction Bundle
 * posted through the same path as {@code POST /fhir}, so it is validated against the profiles and
 * gets its Provenance like any other write.
 */
@Component
@ConditionalOnProperty(
    prefix = "commonground.demo",
    name = "enabled",
    havingValue = "true",
    matchIfMissing = true)
class DemoClinicLoader {

  static final String BUNDLE = "demo/clinic.json";

  /**
   * The author of the demo clinic's writes in their Provenance: the system, named for what it did.
   */
  static final ActingUser LOADER = new ActingUser(null, null, "Common Ground demo clinic loader");

  private static final Logger log = LoggerFactory.getLogger(DemoClinicLoader.class);

  private final FhirContext fhirContext;
  private final TransactionProvider transactionProvider;
  private final ResourceStore store;
  private final SearchParamRegistry registry;
  private final TransactionTemplate transactions;

  DemoClinicLoader(
      FhirContext fhirContext,
      TransactionProvider transactionProvider,
      ResourceStore store,
      SearchParamRegistry registry,
      TransactionTemplate transactions) {
    this.fhirContext = fhirContext;
    this.transactionProvider = transactionProvider;
    this.store = store;
    this.registry = registry;
    this.transactions = transactions;
  }

  // Before the start-up message, so that it is printed once the clinic is there.
  @EventListener(ApplicationReadyEvent.class)
  @Order(Ordered.HIGHEST_PRECEDENCE)
  public void onApplicationReady() {
    try {
      load();
    } catch (BaseServerResponseException e) {
      // The API is still useful without the demo; say clearly why the clinic is missing.
      log.error(
          "The demo clinic ({}) was not loaded, nothing of it was written: {}",
          BUNDLE,
          describe(e));
    }
  }

  /**
   * Posts the clinic when the store holds no Goal; a store that has goals (the clinic from an
   * earlier start, or real data) is left alone. Returns whether it loaded.
   */
  boolean load() {
    long started = System.nanoTime();
    Bundle response =
        transactions.execute(
            status -> {
              // Replicas starting together against one database: the first loads, the others see
              // goals.
              store.lockKey("demo-clinic");
              if (store.count(SearchQuery.parse("Goal", Map.of(), registry)) > 0) {
                return null;
              }
              return transactionProvider.process(readBundle(), ResourceAccess.system(LOADER));
            });
    if (response == null) {
      log.info(
          "Demo clinic: the store already holds goals, so the demo clinic is not loaded again");
      return false;
    }
    Map<String, Integer> written = new TreeMap<>();
    response
        .getEntry()
        .forEach(entry -> written.merge(entry.getResource().fhirType(), 1, Integer::sum));
    log.info("Demo clinic loaded in {} ms: {}", (System.nanoTime() - started) / 1_000_000, written);
    return true;
  }

  private Bundle readBundle() {
    try (InputStream in = new ClassPathResource(BUNDLE).getInputStream()) {
      return fhirContext.newJsonParser().parseResource(Bundle.class, in);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the demo clinic " + BUNDLE, e);
    }
  }

  private static String describe(BaseServerResponseException e) {
    if (e.getOperationOutcome() instanceof OperationOutcome outcome && outcome.hasIssue()) {
      StringBuilder text = new StringBuilder();
      for (OperationOutcome.OperationOutcomeIssueComponent issue : outcome.getIssue()) {
        text.append(System.lineSeparator()).append("  ").append(issue.getDiagnostics());
        if (issue.hasExpression()) {
          text.append(" at ").append(issue.getExpression().get(0).getValue());
        }
      }
      return text.toString();
    }
    return e.getMessage();
  }
}
