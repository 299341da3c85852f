package health.commonground.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Goal;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

/** Conditional create (If-None-Exist) and versioned update (If-Match), alone and in parallel. */
interface ConditionalWriteScenarios extends FhirApiSupport {

  @Test
  default void conditionalCreateReturnsTheExistingMatchInsteadOfCreatingAnother() {
    Patient patient = newPatient();
    String identifier = UUID.randomUUID().toString();
    String body = json(clientGoal(patient.getIdElement(), identifier));
    String criteria = "identifier=" + TEST_SYSTEM + "|" + identifier;

    Response first = post("Goal", "application/fhir+json", body, "If-None-Exist", criteria);
    assertThat(first.status()).isEqualTo(201);
    String id = parse(Goal.class, first).getIdElement().getIdPart();
    long size = storeSize();

    Response second = post("Goal", "application/fhir+json", body, "If-None-Exist", criteria);
    assertThat(second.status()).isEqualTo(200);
    assertThat(parse(Goal.class, second).getIdElement().getIdPart()).isEqualTo(id);
    assertThat(storeSize()).as("nothing new stored, no Provenance either").isEqualTo(size);
  }

  @Test
  default void conditionalCreateMatchingTwoResourcesIs412AndStoresNothing() {
    Patient patient = newPatient();
    String identifier = UUID.randomUUID().toString();
    create(clientGoal(patient.getIdElement(), identifier));
    create(clientGoal(patient.getIdElement(), identifier));
    long size = storeSize();

    Response response =
        post(
            "Goal",
            "application/fhir+json",
            json(clientGoal(patient.getIdElement(), identifier)),
            "If-None-Exist",
            "identifier=" + TEST_SYSTEM + "|" + identifier);
    assertThat(response.status()).isEqualTo(412);
    assertOperationOutcome(response);
    assertThat(storeSize()).isEqualTo(size);
  }

  @Test
  default void updateWithStaleIfMatchIs412AndChangesNothing() {
    Goal goal = create(clientGoal(newPatient().getIdElement()));
    String id = goal.getIdElement().getIdPart();
    Goal current = update(goal);
    assertThat(current.getMeta().getVersionId()).isEqualTo("2");
    long size = storeSize();

    goal.setLifecycleStatus(Goal.GoalLifecycleStatus.CANCELLED);
    Response stale = put("Goal/" + id, json(goal), "If-Match", "W/\"1\"");
    assertThat(stale.status()).isEqualTo(412);
    assertOperationOutcome(stale);
    assertThat(storeSize()).isEqualTo(size);
    Goal read = client().read().resource(Goal.class).withId(id).execute();
    assertThat(read.getMeta().getVersionId()).isEqualTo("2");
    assertThat(read.getLifecycleStatus()).isEqualTo(Goal.GoalLifecycleStatus.ACTIVE);

    Response matching = put("Goal/" + id, json(goal), "If-Match", "W/\"2\"");
    assertThat(matching.status()).isEqualTo(200);
    assertThat(matching.header("ETag")).isEqualTo("W/\"3\"");
    assertThat(client().read().resource(Goal.class).withId(id).execute().getLifecycleStatus())
        .isEqualTo(Goal.GoalLifecycleStatus.CANCELLED);
  }

  @Test
  default void tenParallelUpdatesWithTheSameIfMatchLetExactlyOneThrough() throws Exception {
    Goal goal = create(clientGoal(newPatient().getIdElement()));
    String id = goal.getIdElement().getIdPart();
    String body = json(goal);

    List<Integer> statuses =
        inParallel(10, () -> put("Goal/" + id, body, "If-Match", "W/\"1\"").status());

    assertThat(statuses).filteredOn(s -> s == 200).hasSize(1);
    assertThat(statuses).filteredOn(s -> s == 412).hasSize(9);
    Bundle history =
        client().history().onInstance("Goal/" + id).returnBundle(Bundle.class).execute();
    assertThat(history.getTotal()).isEqualTo(2);
  }

  @Test
  default void tenParallelIdenticalConditionalCreatesLeaveExactlyOneResource() throws Exception {
    Patient patient = newPatient();
    String identifier = UUID.randomUUID().toString();
    String body = json(clientGoal(patient.getIdElement(), identifier));
    String criteria = "identifier=" + TEST_SYSTEM + "|" + identifier;

    List<Integer> statuses =
        inParallel(
            10,
            () -> post("Goal", "application/fhir+json", body, "If-None-Exist", criteria).status());

    assertThat(statuses).filteredOn(s -> s == 201).hasSize(1);
    assertThat(statuses).filteredOn(s -> s == 200).hasSize(9);
    Bundle found =
        client()
            .search()
            .byUrl("Goal?" + criteria + "&_total=accurate")
            .returnBundle(Bundle.class)
            .execute();
    assertThat(found.getTotal()).isEqualTo(1);
  }

  /** Runs the same request from n threads released at one moment; returns what each got. */
  default <T> List<T> inParallel(int n, Supplier<T> request) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<T>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  return request.get();
                }));
      }
      start.countDown();
      List<T> results = new ArrayList<>();
      for (Future<T> future : futures) {
        results.add(future.get(60, TimeUnit.SECONDS));
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }
}
