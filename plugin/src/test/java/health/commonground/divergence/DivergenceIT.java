package health.commonground.divergence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import health.commonground.goal.GoalAcceptances;
import health.commonground.goal.GoalRelationships;
import health.commonground.testsupport.TestActingUser;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Goal;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;

/**
 * The divergence feature through the FHIR API, on a small clinic built per test: two clinicians, a
 * client of the first, each party acting as themselves (test header, see {@link TestActingUser}).
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.datasource.url=jdbc:h2:mem:divergence-it;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;"
          + "DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000",
      "commonground.demo.enabled=false",
      "server.address=127.0.0.1"
    })
@Import(TestActingUser.class)
class DivergenceIT {

  @LocalServerPort int port;
  @Autowired FhirContext fhirContext;

  IGenericClient fhir;
  String okafor;
  String other;
  String client;
  String otherClient;

  @BeforeEach
  void clinic() {
    fhirContext.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
    fhirContext.getRestfulClientFactory().setSocketTimeout(120_000);
    fhir = fhirContext.newRestfulGenericClient("http://127.0.0.1:" + port + "/fhir");
    fhir.registerInterceptor(
        health.commonground.testing.SandboxTokens.at("http://127.0.0.1:" + port)
            .backendInterceptor());
    okafor =
        create(
            new Practitioner().addName(new org.hl7.fhir.r4.model.HumanName().setFamily("Okafor")));
    other =
        create(new Practitioner().addName(new org.hl7.fhir.r4.model.HumanName().setFamily("Berg")));
    Patient sam = new Patient();
    sam.addName().setFamily("Sam");
    sam.addGeneralPractitioner(new Reference(okafor));
    client = create(sam);
    Patient lucia = new Patient();
    lucia.addName().setFamily("Lucía");
    lucia.addGeneralPractitioner(new Reference(okafor));
    otherClient = create(lucia);
  }

  // --- the small clinic ------------------------------------------------------------------------

  private String create(IBaseResource resource) {
    return fhir.create().resource(resource).execute().getId().toUnqualifiedVersionless().getValue();
  }

  private Goal clientGoal(String text) {
    Goal goal = new Goal();
    goal.setLifecycleStatus(Goal.GoalLifecycleStatus.ACTIVE);
    goal.setLanguage("en");
    goal.getDescription().setText(text);
    goal.setSubject(new Reference(client));
    goal.setExpressedBy(new Reference(client));
    return goal;
  }

  private Goal therapistGoal(String text) {
    Goal goal = new Goal();
    goal.setLifecycleStatus(Goal.GoalLifecycleStatus.ACTIVE);
    goal.getDescription().setText(text);
    goal.setSubject(new Reference(client));
    goal.setExpressedBy(new Reference(okafor));
    return goal;
  }

  private String write(String who, Goal goal) {
    return fhir.create()
        .resource(goal)
        .withAdditionalHeader(TestActingUser.HEADER, who)
        .execute()
        .getId()
        .toUnqualifiedVersionless()
        .getValue();
  }

  private Goal read(String id) {
    return fhir.read().resource(Goal.class).withId(id).execute();
  }

  private Goal put(String who, Goal goal) {
    return (Goal)
        fhir.update()
            .resource(goal)
            .withAdditionalHeader(TestActingUser.HEADER, who)
            .execute()
            .getResource();
  }

  private <T extends IBaseResource> T op(
      String who, String goalId, String name, Parameters in, Class<T> out) {
    return fhir.operation()
        .onInstance(new IdType(goalId))
        .named(name)
        .withParameters(in)
        .returnResourceType(out)
        .withAdditionalHeader(TestActingUser.HEADER, who)
        .execute();
  }

  private static Parameters params(Object... nameValue) {
    Parameters p = new Parameters();
    for (int i = 0; i < nameValue.length; i += 2) {
      Object value = nameValue[i + 1];
      if (value instanceof org.hl7.fhir.r4.model.Resource resource) {
        p.addParameter().setName((String) nameValue[i]).setResource(resource);
        continue;
      }
      org.hl7.fhir.r4.model.Type type =
          value instanceof org.hl7.fhir.r4.model.Type t
              ? t
              : ((String) value).matches("[A-Z][A-Za-z]+/.+")
                  ? new Reference((String) value)
                  : new CodeType((String) value);
      p.addParameter().setName((String) nameValue[i]).setValue(type);
    }
    return p;
  }

  private static int status(Runnable call) {
    BaseServerResponseException e = assertThrows(BaseServerResponseException.class, call::run);
    return e.getStatusCode();
  }

  private static String diagnostics(Runnable call) {
    BaseServerResponseException e = assertThrows(BaseServerResponseException.class, call::run);
    OperationOutcome outcome = (OperationOutcome) e.getOperationOutcome();
    return e.getStatusCode()
        + " "
        + (outcome == null ? e.getMessage() : outcome.getIssueFirstRep().getDiagnostics());
  }

  /** A client goal and a therapist goal with a divergence named between them. */
  private String[] divergedPair() {
    String c = write(client, clientGoal("I want to sleep through the night"));
    String t = write(okafor, therapistGoal("Reduce avoidance of social situations"));
    op(
        okafor,
        c,
        "$name-divergence",
        params(
            "counterpart",
            t,
            "dimension",
            "different-perspectives",
            "dimension",
            "client-readiness",
            "note",
            new StringType("Sam wants rest first")),
        Goal.class);
    return new String[] {c, t};
  }

  private static String divergenceStatus(Goal goal, int index) {
    return Divergence.on(goal).get(index).statusCode();
  }

  // --- transitions -----------------------------------------------------------------------------

  @Nested
  class Transitions {

    @Test
    void namedDivergenceStartsIdentifiedOnTheClientGoalAndLinksBoth() {
      String[] pair = divergedPair();
      Goal c = read(pair[0]);
      assertEquals("identified", divergenceStatus(c, 0));
      assertEquals(pair[1], Divergence.on(c).get(0).counterpart());
      assertEquals(
          List.of("different-perspectives", "client-readiness"),
          Divergence.on(c).get(0).dimensionCodes());
      assertThat(GoalRelationships.has(c, "other", pair[1])).isTrue();
      assertThat(GoalRelationships.has(read(pair[1]), "other", pair[0])).isTrue();
    }

    @Test
    void everyAllowedMoveThroughTheOperation() {
      String[] pair = divergedPair();
      Goal g = op(okafor, pair[1], "$move-divergence", params("status", "exploring"), Goal.class);
      assertEquals("exploring", divergenceStatus(g, 0));
      g = op(client, pair[0], "$move-divergence", params("status", "common-ground"), Goal.class);
      assertEquals("common-ground", divergenceStatus(g, 0));

      String[] second = divergedPair();
      op(okafor, second[0], "$move-divergence", params("status", "exploring"), Goal.class);
      g =
          op(
              okafor,
              second[0],
              "$move-divergence",
              params("status", "agreed-to-differ", "note", new StringType("We keep both")),
              Goal.class);
      assertEquals("agreed-to-differ", divergenceStatus(g, 0));
    }

    @Test
    void impossibleMovesAre422NamingTheAllowedOnes() {
      String[] pair = divergedPair();
      assertThat(
              diagnostics(
                  () ->
                      op(
                          okafor,
                          pair[0],
                          "$move-divergence",
                          params("status", "common-ground"),
                          Goal.class)))
          .startsWith("422")
          .contains("Allowed from identified: exploring, superseded");
      assertThat(
              diagnostics(
                  () ->
                      op(
                          okafor,
                          pair[0],
                          "$move-divergence",
                          params("status", "agreed-to-differ"),
                          Goal.class)))
          .startsWith("422");
      op(okafor, pair[0], "$move-divergence", params("status", "exploring"), Goal.class);
      op(okafor, pair[0], "$move-divergence", params("status", "common-ground"), Goal.class);
      assertThat(
              diagnostics(
                  () ->
                      op(
                          okafor,
                          pair[0],
                          "$move-divergence",
                          params("status", "exploring"),
                          Goal.class)))
          .startsWith("422")
          .contains("none");
      assertThat(
              status(
                  () ->
                      op(
                          okafor,
                          pair[0],
                          "$move-divergence",
                          params("status", "finished"),
                          Goal.class)))
          .isEqualTo(400);
    }

    @Test
    void supersededOnlyWhenAGoalIsReplaced() {
      String[] pair = divergedPair();
      assertThat(
              diagnostics(
                  () ->
                      op(
                          okafor,
                          pair[0],
                          "$move-divergence",
                          params("status", "superseded"),
                          Goal.class)))
          .startsWith("422")
          .contains("$revise");
    }

    @Test
    void plainPutIsHeldToTheSameMachine() {
      String[] pair = divergedPair();
      Goal goal = read(pair[0]);
      Divergence.on(goal).get(0).setStatus(DivergenceStatus.AGREED_TO_DIFFER);
      assertThat(diagnostics(() -> put(client, goal)))
          .startsWith("422")
          .contains("cannot move from identified to agreed-to-differ");

      Goal again = read(pair[0]);
      Divergence.on(again).get(0).setStatus(DivergenceStatus.EXPLORING);
      assertEquals("exploring", divergenceStatus(put(client, again), 0));

      Goal removed = read(pair[0]);
      removed.getExtension().removeIf(e -> e.getUrl().endsWith("goal-divergence"));
      assertThat(diagnostics(() -> put(client, removed)))
          .startsWith("422")
          .contains("never removed");
    }

    @Test
    void strategiesAreALogOnOpenDivergences() {
      String[] pair = divergedPair();
      Goal g =
          op(
              okafor,
              pair[1],
              "$log-strategy",
              params(
                  "strategy",
                  "open-communication",
                  "note",
                  new StringType("Asked Sam what rest means")),
              Goal.class);
      g =
          op(
              client,
              pair[0],
              "$log-strategy",
              params("strategy", "empower-the-client"),
              Goal.class);
      List<Divergence.StrategyUse> uses = Divergence.on(g).get(0).strategies();
      assertEquals(
          List.of("open-communication", "empower-the-client"),
          uses.stream().map(Divergence.StrategyUse::code).toList());
      assertEquals(okafor, uses.get(0).author());
      assertEquals(client, uses.get(1).author());

      Goal edited = read(pair[0]);
      Extension strategy =
          Divergence.on(edited).get(0).extension().getExtensionsByUrl("strategy").get(0);
      strategy.getExtensionByUrl("code").setValue(AlignmentStrategy.FLEXIBILITY.coding());
      assertThat(diagnostics(() -> put(okafor, edited))).startsWith("422").contains("log");
      assertThat(
              status(
                  () ->
                      op(
                          okafor,
                          pair[0],
                          "$log-strategy",
                          params("strategy", "shouting"),
                          Goal.class)))
          .isEqualTo(400);
    }
  }

  // --- who may change what ---------------------------------------------------------------------

  @Nested
  class WhoMayChangeWhat {

    @Test
    void theClientRewordsTheirOwnGoal() {
      String c = write(client, clientGoal("Sleep better"));
      Goal goal = read(c);
      goal.getDescription().setText("Sleep through the night");
      assertEquals("Sleep through the night", put(client, goal).getDescription().getText());
    }

    @Test
    void aClinicianNeverRewritesTheClientsWords() {
      String c = write(client, clientGoal("Sleep better"));
      Goal goal = read(c);
      goal.getDescription().setText("Improve sleep hygiene");
      assertThat(diagnostics(() -> put(okafor, goal)))
          .startsWith("403")
          .contains("only by the client");
      Goal language = read(c);
      language.setLanguage("nl");
      assertThat(status(() -> put(okafor, language))).isEqualTo(403);
    }

    @Test
    void aClinicianMayAddATranslationOrRecordTheGoalOnTheClientsBehalf() {
      Goal spanish = clientGoal("Quiero dormir mejor");
      spanish.setLanguage("es");
      String c = write(okafor, spanish);
      Goal goal = read(c);
      Extension translation =
          goal.getDescription()
              .getTextElement()
              .addExtension()
              .setUrl("http://hl7.org/fhir/StructureDefinition/translation");
      translation.addExtension("lang", new CodeType("en"));
      translation.addExtension("content", new StringType("I want to sleep better"));
      Goal written = put(okafor, goal);
      assertEquals("Quiero dormir mejor", written.getDescription().getText());
      assertEquals(1, written.getDescription().getTextElement().getExtension().size());
    }

    @Test
    void aTherapistGoalIsWordedOnlyByAClinician() {
      String t = write(okafor, therapistGoal("Reduce avoidance"));
      Goal goal = read(t);
      goal.getDescription().setText("Reduce avoidance at work");
      assertEquals("Reduce avoidance at work", put(okafor, goal).getDescription().getText());
      Goal byClient = read(t);
      byClient.getDescription().setText("Go to parties");
      assertThat(diagnostics(() -> put(client, byClient)))
          .startsWith("403")
          .contains("only by a clinician");
      assertThat(status(() -> write(client, therapistGoal("I decide this")))).isEqualTo(403);
    }

    @Test
    void eachPartySetsOnlyTheirOwnAcceptance() {
      String t = write(okafor, therapistGoal("Reduce avoidance"));
      Goal accepted = op(client, t, "$accept", params("status", "agree"), Goal.class);
      assertEquals("agree", GoalAcceptances.of(accepted, client).orElseThrow().status());
      Goal own = op(okafor, t, "$accept", params("status", "agree"), Goal.class);
      assertEquals("agree", GoalAcceptances.of(own, okafor).orElseThrow().status());

      assertThat(
              diagnostics(
                  () ->
                      op(
                          client,
                          t,
                          "$accept",
                          params("status", "disagree", "individual", okafor),
                          Goal.class)))
          .startsWith("403")
          .contains("only their own acceptance");
      Goal forged = read(t);
      GoalAcceptances.set(forged, client, "disagree");
      assertThat(status(() -> put(okafor, forged))).isEqualTo(403);
      Goal forged2 = read(t);
      GoalAcceptances.set(forged2, okafor, "disagree");
      assertThat(status(() -> put(client, forged2))).isEqualTo(403);
    }

    @Test
    void aClientWritesOnlyTheirOwnGoals() {
      Goal foreign =
          clientGoal("Not mine")
              .setSubject(new Reference(otherClient))
              .setExpressedBy(new Reference(otherClient));
      assertThat(status(() -> write(client, foreign))).isEqualTo(403);
      assertThat(write(otherClient, foreign)).startsWith("Goal/");
    }

    @Test
    void onlyTheClientRevisesTheirGoal() {
      String c = write(client, clientGoal("Sleep better"));
      assertThat(
              status(
                  () ->
                      op(
                          okafor,
                          c,
                          "$revise",
                          params("goal", clientGoal("Sleep hygiene")),
                          Parameters.class)))
          .isEqualTo(403);
    }
  }

  // --- the shared-goal handshake ---------------------------------------------------------------

  @Nested
  class SharedGoal {

    private Goal align(String who, String[] pair) {
      Parameters in =
          params(
              "clientGoal",
              pair[0],
              "therapistGoal",
              pair[1],
              "description",
              new StringType("Sleep better so I can face people again"));
      return fhir.operation()
          .onType(Goal.class)
          .named("$align")
          .withParameters(in)
          .returnResourceType(Goal.class)
          .withAdditionalHeader(TestActingUser.HEADER, who)
          .execute();
    }

    @Test
    void alignProposesASharedGoalBothMustAccept() {
      String[] pair = divergedPair();
      Goal shared = align(client, pair);
      String sharedId = shared.getIdElement().toUnqualifiedVersionless().getValue();
      assertEquals(Goal.GoalLifecycleStatus.PROPOSED, shared.getLifecycleStatus());
      assertEquals(
          List.of("pending", "pending"),
          GoalAcceptances.of(shared).stream().map(GoalAcceptances.Acceptance::status).toList());
      assertEquals(client, shared.getExpressedBy().getReference());
      assertThat(GoalRelationships.has(read(pair[0]), "successor", sharedId)).isTrue();
      assertThat(GoalRelationships.has(read(pair[1]), "successor", sharedId)).isTrue();
      assertEquals("common-ground", divergenceStatus(read(pair[0]), 0));

      Goal half = op(client, sharedId, "$accept", params("status", "agree"), Goal.class);
      assertEquals(Goal.GoalLifecycleStatus.PROPOSED, half.getLifecycleStatus());
      Goal both = op(okafor, sharedId, "$accept", params("status", "agree"), Goal.class);
      assertEquals(Goal.GoalLifecycleStatus.ACTIVE, both.getLifecycleStatus());
      Goal declined = op(client, sharedId, "$accept", params("status", "disagree"), Goal.class);
      assertEquals(Goal.GoalLifecycleStatus.PROPOSED, declined.getLifecycleStatus());

      assertThat(
              status(() -> op(other, sharedId, "$accept", params("status", "agree"), Goal.class)))
          .as("a clinician who is not a party")
          .isEqualTo(403);
    }

    @Test
    void aSharedGoalIsNotActiveThroughAPlainPutWhileAPartyIsPending() {
      String[] pair = divergedPair();
      Goal shared = align(okafor, pair);
      shared.setLifecycleStatus(Goal.GoalLifecycleStatus.ACTIVE);
      assertThat(status(() -> put(okafor, shared))).isEqualTo(422);
    }

    @Test
    void bothPartiesAcceptingAtTheSameMomentLoseNoAcceptance() throws Exception {
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        for (int round = 0; round < 3; round++) {
          String[] pair = divergedPair();
          String sharedId =
              align(okafor, pair).getIdElement().toUnqualifiedVersionless().getValue();
          CountDownLatch start = new CountDownLatch(1);
          List<Future<Goal>> answers = new ArrayList<>();
          for (String who : List.of(client, okafor)) {
            Callable<Goal> accept =
                () -> {
                  start.await();
                  return op(who, sharedId, "$accept", params("status", "agree"), Goal.class);
                };
            answers.add(pool.submit(accept));
          }
          start.countDown();
          for (Future<Goal> answer : answers) {
            answer.get();
          }
          Goal result = read(sharedId);
          assertEquals(
              List.of("agree", "agree"),
              GoalAcceptances.of(result).stream().map(GoalAcceptances.Acceptance::status).toList());
          assertEquals(Goal.GoalLifecycleStatus.ACTIVE, result.getLifecycleStatus());
          assertEquals(
              "3", result.getMeta().getVersionId(), "created, then one version per acceptance");
        }
      } finally {
        pool.shutdownNow();
      }
    }

    @Test
    void ifMatchOnAStaleVersionIs412() {
      String[] pair = divergedPair();
      Goal shared = align(okafor, pair);
      String id = shared.getIdElement().toUnqualifiedVersionless().getValue();
      op(client, id, "$accept", params("status", "agree"), Goal.class);
      assertThat(
              status(
                  () ->
                      fhir.operation()
                          .onInstance(new IdType(id))
                          .named("$accept")
                          .withParameters(params("status", "agree"))
                          .returnResourceType(Goal.class)
                          .withAdditionalHeader(TestActingUser.HEADER, okafor)
                          .withAdditionalHeader("If-Match", "W/\"1\"")
                          .execute()))
          .isEqualTo(412);
    }
  }

  // --- revision --------------------------------------------------------------------------------

  @Nested
  class Revision {

    @Test
    void openDivergencesNeedAnExplicitChoice() {
      String[] pair = divergedPair();
      assertThat(
              diagnostics(
                  () ->
                      op(
                          client,
                          pair[0],
                          "$revise",
                          params("goal", clientGoal("Sleep and see friends")),
                          Parameters.class)))
          .startsWith("422")
          .contains("carry-over");
    }

    @Test
    void carryOverContinuesTheDivergenceOnTheNewGoalAndTheChainStaysReadable() {
      String[] pair = divergedPair();
      op(okafor, pair[0], "$move-divergence", params("status", "exploring"), Goal.class);
      Parameters out =
          op(
              client,
              pair[0],
              "$revise",
              params(
                  "goal",
                  clientGoal("Sleep and see one friend a week"),
                  "oldLifecycleStatus",
                  "completed",
                  "divergences",
                  "carry-over"),
              Parameters.class);
      Goal old = read(pair[0]);
      String newId =
          ((Goal) out.getParameter("new").getResource())
              .getIdElement()
              .toUnqualifiedVersionless()
              .getValue();
      assertEquals(Goal.GoalLifecycleStatus.COMPLETED, old.getLifecycleStatus());
      assertThat(GoalRelationships.has(old, "replacement", newId)).isTrue();
      assertEquals("superseded", divergenceStatus(old, 0));
      Goal replacement = read(newId);
      assertEquals("exploring", divergenceStatus(replacement, 0));
      assertEquals(pair[1], Divergence.on(replacement).get(0).counterpart());
      assertEquals(
          List.of("different-perspectives", "client-readiness"),
          Divergence.on(replacement).get(0).dimensionCodes());
      Bundle chain =
          fhir.search()
              .forResource(Goal.class)
              .where(new ca.uhn.fhir.rest.gclient.ReferenceClientParam("linked-goal").hasId(newId))
              .returnBundle(Bundle.class)
              .execute();
      assertThat(chain.getEntry())
          .extracting(e -> e.getResource().getIdElement().toUnqualifiedVersionless().getValue())
          .contains(pair[0]);
    }

    @Test
    void supersedeEndsTheDivergenceAgainstARevisedTherapistGoal() {
      String[] pair = divergedPair();
      Parameters out =
          op(
              okafor,
              pair[1],
              "$revise",
              params(
                  "goal",
                  therapistGoal("Reduce avoidance, one step a week"),
                  "divergences",
                  "supersede"),
              Parameters.class);
      assertEquals(Goal.GoalLifecycleStatus.CANCELLED, read(pair[1]).getLifecycleStatus());
      Goal c = read(pair[0]);
      assertEquals(1, Divergence.on(c).size());
      assertEquals("superseded", divergenceStatus(c, 0));
      assertThat(out.getParameter("old")).isNotNull();
    }

    @Test
    void carryOverAgainstARevisedTherapistGoalRetargetsTheDivergence() {
      String[] pair = divergedPair();
      Parameters out =
          op(
              okafor,
              pair[1],
              "$revise",
              params(
                  "goal",
                  therapistGoal("Reduce avoidance, one step a week"),
                  "divergences",
                  "carry-over"),
              Parameters.class);
      String newId =
          ((Goal) out.getParameter("new").getResource())
              .getIdElement()
              .toUnqualifiedVersionless()
              .getValue();
      Goal c = read(pair[0]);
      assertEquals(
          List.of("superseded", "identified"),
          Divergence.on(c).stream().map(Divergence::statusCode).toList());
      assertEquals(newId, Divergence.on(c).get(1).counterpart());
    }
  }

  // --- history, Provenance, detection and summaries -------------------------------------------

  @Test
  void theDivergencesStoryIsReadableFromHistoryAndProvenance() {
    String c = write(okafor, clientGoal("Sleep better"));
    Provenance recorded = provenanceOf(c, 1);
    assertEquals(okafor, recorded.getAgentFirstRep().getWho().getReference());
    assertEquals(client, recorded.getAgentFirstRep().getOnBehalfOf().getReference());
    assertThat(recorded.getActivity().getCoding())
        .extracting(Coding::getCode)
        .contains("record-goal");

    String t = write(okafor, therapistGoal("Reduce avoidance"));
    op(
        okafor,
        c,
        "$name-divergence",
        params("counterpart", t, "dimension", "miscommunication"),
        Goal.class);
    op(client, c, "$log-strategy", params("strategy", "open-communication"), Goal.class);
    op(client, c, "$move-divergence", params("status", "exploring"), Goal.class);

    Bundle history = fhir.history().onInstance(new IdType(c)).returnBundle(Bundle.class).execute();
    List<String> statuses = new ArrayList<>();
    for (Bundle.BundleEntryComponent entry : history.getEntry()) {
      List<Divergence> d = Divergence.on((Goal) entry.getResource());
      statuses.add(
          0, d.isEmpty() ? "-" : d.get(0).statusCode() + "/" + d.get(0).strategies().size());
    }
    assertEquals(List.of("-", "identified/0", "identified/1", "exploring/1"), statuses);
    assertThat(provenanceOf(c, 2).getActivity().getCoding())
        .extracting(Coding::getCode)
        .contains("name-divergence");
    Provenance strategy = provenanceOf(c, 3);
    assertThat(strategy.getActivity().getCoding())
        .extracting(Coding::getCode)
        .contains("log-strategy");
    assertEquals(client, strategy.getAgentFirstRep().getWho().getReference());
    assertThat(strategy.getAgentFirstRep().hasOnBehalfOf()).isFalse();
    assertThat(provenanceOf(c, 4).getActivity().getText()).contains("identified → exploring");
  }

  private Provenance provenanceOf(String goal, int version) {
    Bundle found =
        fhir.search()
            .forResource(Provenance.class)
            .where(Provenance.TARGET.hasId(goal + "/_history/" + version))
            .returnBundle(Bundle.class)
            .execute();
    if (found.getEntry().isEmpty()) {
      found =
          fhir.search()
              .forResource(Provenance.class)
              .where(Provenance.TARGET.hasId(goal))
              .returnBundle(Bundle.class)
              .count(100)
              .execute();
      for (Bundle.BundleEntryComponent e : found.getEntry()) {
        Provenance p = (Provenance) e.getResource();
        if (p.getTargetFirstRep().getReference().endsWith("/_history/" + version)) {
          return p;
        }
      }
      throw new AssertionError(
          "no Provenance for "
              + goal
              + " version "
              + version
              + " among "
              + found.getEntry().stream()
                  .map(e -> ((Provenance) e.getResource()).getTargetFirstRep().getReference())
                  .toList());
    }
    return (Provenance) found.getEntryFirstRep().getResource();
  }

  @Test
  void divergencesListsRecordedAndDetectedCitingTheirRule() {
    String[] pair = divergedPair();
    String lonely = write(client, clientGoal("Walk the dog every day"));
    String declined = write(okafor, therapistGoal("Keep a thought record"));
    op(client, declined, "$accept", params("status", "disagree"), Goal.class);

    Parameters out =
        fhir.operation()
            .onInstance(new IdType(client))
            .named("$divergences")
            .withNoParameters(Parameters.class)
            .useHttpGet()
            .execute();
    List<String> found = new ArrayList<>();
    for (ParametersParameterComponent d : out.getParameter()) {
      if (d.getName().equals("divergence")) {
        String goal = ((Reference) part(d, "goal")).getReference();
        String kind = ((CodeType) part(d, "kind")).getCode();
        String cite =
            kind.equals("recorded")
                ? ((CodeType) part(d, "status")).getCode()
                : ((Coding) part(d, "rule")).getCode();
        found.add(goal + " " + kind + " " + cite);
      }
    }
    assertThat(found)
        .containsExactlyInAnyOrder(
            pair[0] + " recorded identified",
            lonely + " detected client-goal-unlinked",
            declined + " detected therapist-goal-declined",
            declined + " detected therapist-goal-unlinked");
  }

  @Test
  void alignmentSummarisesOneClientAndTheCaseload() {
    String[] pair = divergedPair();
    write(client, clientGoal("Walk the dog every day"));
    Parameters summary = alignment(client);
    assertEquals(
        2,
        ((org.hl7.fhir.r4.model.IntegerType) summary.getParameter("openDivergences").getValue())
            .getValue());
    assertEquals(
        2,
        ((org.hl7.fhir.r4.model.IntegerType) summary.getParameter("separateClientGoals").getValue())
            .getValue());
    List<ParametersParameterComponent> toDiscuss =
        summary.getParameter().stream().filter(p -> p.getName().equals("toDiscuss")).toList();
    assertEquals(
        pair[0],
        ((Reference) part(toDiscuss.get(0), "goal")).getReference(),
        "the divergence along two dimensions comes first");
    assertThat(
            summary.getParameter().stream().filter(p -> p.getName().equals("byDimension")).count())
        .isEqualTo(2);

    Parameters caseload = alignment(okafor);
    assertEquals(
        2,
        ((org.hl7.fhir.r4.model.IntegerType) caseload.getParameter("clients").getValue())
            .getValue());
    assertEquals(
        2,
        ((org.hl7.fhir.r4.model.IntegerType) caseload.getParameter("openDivergences").getValue())
            .getValue());
    Parameters none = alignment(other);
    assertEquals(
        0,
        ((org.hl7.fhir.r4.model.IntegerType) none.getParameter("clients").getValue()).getValue());
    assertThat(status(() -> alignment("Patient/nobody"))).isEqualTo(404);
  }

  @Test
  void theCaseloadListsEachClientInBriefWithWhatToDiscuss() {
    String[] pair = divergedPair();
    Parameters caseload = alignment(okafor);
    ParametersParameterComponent sam =
        caseload.getParameter().stream()
            .filter(p -> p.getName().equals("client"))
            .filter(p -> ((Reference) part(p, "patient")).getReference().equals(client))
            .findFirst()
            .orElseThrow();
    assertEquals(1, ((org.hl7.fhir.r4.model.IntegerType) part(sam, "openDivergences")).getValue());
    List<ParametersParameterComponent> toDiscuss =
        sam.getPart().stream().filter(p -> p.getName().equals("toDiscuss")).toList();
    assertThat(toDiscuss).hasSize(1);
    assertThat(((Reference) part(toDiscuss.get(0), "goal")).getReference()).isEqualTo(pair[0]);
    assertThat(((CodeType) part(toDiscuss.get(0), "status")).getCode()).isEqualTo("identified");
    assertThat(((StringType) part(toDiscuss.get(0), "goalDescription")).getValue())
        .isEqualTo("I want to sleep through the night");
    assertThat(toDiscuss.get(0).getPart())
        .extracting(ParametersParameterComponent::getName)
        .as("in brief: Patient/[id]/$alignment has the rest")
        .containsExactly("kind", "goal", "goalDescription", "status", "ageDays");
    assertThat(sam.getPart())
        .extracting(ParametersParameterComponent::getName)
        .doesNotContain("divergence");
  }

  @Test
  void theCaseloadFollowsThePractitionersRoles() {
    String role =
        create(new org.hl7.fhir.r4.model.PractitionerRole().setPractitioner(new Reference(okafor)));
    Patient viaRole = new Patient();
    viaRole.addName().setFamily("Noor");
    viaRole.addGeneralPractitioner(new Reference(role));
    String noor = create(viaRole);
    Goal noorsGoal = clientGoal("Sleep before midnight");
    noorsGoal.setSubject(new Reference(noor));
    noorsGoal.setExpressedBy(new Reference(noor));
    String goal = write(noor, noorsGoal);
    String otherRole =
        create(new org.hl7.fhir.r4.model.PractitionerRole().setPractitioner(new Reference(other)));
    Patient ofAnother = new Patient();
    ofAnother.addName().setFamily("Ines");
    ofAnother.addGeneralPractitioner(new Reference(otherRole));
    String ines = create(ofAnother);

    Parameters caseload = alignment(okafor);
    List<ParametersParameterComponent> clients =
        caseload.getParameter().stream().filter(p -> p.getName().equals("client")).toList();
    assertThat(clients)
        .extracting(p -> ((Reference) part(p, "patient")).getReference())
        .as("Sam and Lucía point at the Practitioner, Noor at their PractitionerRole")
        .containsExactlyInAnyOrder(client, otherClient, noor)
        .doesNotContain(ines);
    assertEquals(
        3,
        ((org.hl7.fhir.r4.model.IntegerType) caseload.getParameter("clients").getValue())
            .getValue());
    ParametersParameterComponent noorsPart =
        clients.stream()
            .filter(p -> ((Reference) part(p, "patient")).getReference().equals(noor))
            .findFirst()
            .orElseThrow();
    assertEquals(
        1, ((org.hl7.fhir.r4.model.IntegerType) part(noorsPart, "openDivergences")).getValue());
    ParametersParameterComponent noorsNext =
        noorsPart.getPart().stream()
            .filter(p -> p.getName().equals("toDiscuss"))
            .findFirst()
            .orElseThrow();
    assertThat(((Reference) part(noorsNext, "goal")).getReference()).isEqualTo(goal);
    assertThat(((Coding) part(noorsNext, "rule")).getCode()).isEqualTo("client-goal-unlinked");

    Parameters others = alignment(other);
    assertThat(others.getParameter())
        .filteredOn(p -> p.getName().equals("client"))
        .extracting(p -> ((Reference) part(p, "patient")).getReference())
        .containsExactly(ines);
  }

  private static org.hl7.fhir.r4.model.Type part(ParametersParameterComponent p, String name) {
    return p.getPart().stream()
        .filter(x -> x.getName().equals(name))
        .findFirst()
        .orElseThrow()
        .getValue();
  }

  @Test
  void theCapabilityStatementDeclaresTheOperations() {
    CapabilityStatement cs = fhir.capabilities().ofType(CapabilityStatement.class).execute();
    List<String> names = new ArrayList<>();
    cs.getRestFirstRep()
        .getResource()
        .forEach(
            r ->
                r.getOperation()
                    .forEach(
                        o -> names.add(r.getType() + "/" + o.getName() + " " + o.getDefinition())));
    cs.getRestFirstRep()
        .getOperation()
        .forEach(o -> names.add("/" + o.getName() + " " + o.getDefinition()));
    assertThat(names)
        .anyMatch(
            n -> n.startsWith("Goal/align ") && n.endsWith("/OperationDefinition/goal-align"));
    for (String op :
        List.of("link", "name-divergence", "log-strategy", "move-divergence", "accept", "revise")) {
      assertThat(names).anyMatch(n -> n.startsWith("Goal/" + op + " "));
    }
    assertThat(names).anyMatch(n -> n.startsWith("Patient/divergences "));
    assertThat(names).anyMatch(n -> n.startsWith("Patient/alignment "));
    assertThat(names).anyMatch(n -> n.startsWith("Practitioner/alignment "));
  }

  /** {@code GET [id]/$alignment}: one client's summary, or a practitioner's caseload. */
  private Parameters alignment(String id) {
    return fhir.operation()
        .onInstance(new IdType(id))
        .named("$alignment")
        .withNoParameters(Parameters.class)
        .useHttpGet()
        .execute();
  }
}
