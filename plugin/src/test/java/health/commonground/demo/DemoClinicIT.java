package health.commonground.demo;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import health.commonground.CommonGroundApplication;
import health.commonground.goal.GoalExtensions;
import health.commonground.testing.SandboxTokens;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Goal;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The demo clinic a newcomer sees on the first start, read back through the FHIR API. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DemoClinicIT {

  private static final String IDS = "https://commonground.health/demo-clinic";
  private static final Path DATA_DIR = tempDir();

  @DynamicPropertySource
  static void dataDir(DynamicPropertyRegistry registry) {
    registry.add("commonground.data-dir", DATA_DIR::toString);
    registry.add("commonground.demo.enabled", () -> "true");
  }

  @LocalServerPort int port;
  @Autowired FhirContext fhirContext;

  @Test
  void theClinicHasTwoTherapistsWithThreeClientsEach() {
    assertThat(search("Practitioner")).hasSize(2);
    assertThat(search("PractitionerRole")).hasSize(2);
    List<Patient> clients = search("Patient").stream().map(Patient.class::cast).toList();
    assertThat(clients).hasSize(6);
    Map<String, Long> clientsPerRole =
        clients.stream()
            .collect(
                Collectors.groupingBy(
                    p -> p.getGeneralPractitionerFirstRep().getReference(), Collectors.counting()));
    assertThat(clientsPerRole.keySet()).allMatch(ref -> ref.startsWith("PractitionerRole/"));
    assertThat(clientsPerRole.values()).containsExactly(3L, 3L);
    assertThat(search("RelatedPerson")).hasSize(1);
  }

  @Test
  void goalsAreCountedByRole() {
    assertThat(goals("role=client")).hasSize(13);
    assertThat(goals("role=therapist")).hasSize(13);
    assertThat(goals("role=shared")).hasSize(12);
    assertThat(goals("")).hasSize(38);
  }

  @Test
  void everyClientHasTheirOwnGoalsTherapistGoalsAndBothKindsOfSharedGoal() {
    Map<String, Resource> clientsById = byId(search("Patient"));
    for (String patient : clientsById.keySet()) {
      List<Goal> goals = goals("patient=" + patient);
      String name = ((Patient) clientsById.get(patient)).getNameFirstRep().getNameAsSingleString();
      assertThat(goals).as(name + ": client goals").anyMatch(g -> isExpressedBy(g, "Patient"));
      assertThat(goals)
          .as(name + ": therapist goals")
          .anyMatch(g -> isExpressedBy(g, "Practitioner"));
      assertThat(goals)
          .as(name + ": a shared goal both accepted")
          .anyMatch(
              g ->
                  isShared(g)
                      && g.getLifecycleStatus() == Goal.GoalLifecycleStatus.ACTIVE
                      && acceptanceStatuses(g).stream().allMatch("agree"::equals));
      assertThat(goals)
          .as(name + ": a proposed shared goal with an acceptance pending")
          .anyMatch(
              g ->
                  isShared(g)
                      && g.getLifecycleStatus() == Goal.GoalLifecycleStatus.PROPOSED
                      && acceptanceStatuses(g).contains("pending"));
      assertThat(goals)
          .as(name + ": client and therapist goals linked as counterparts")
          .anyMatch(g -> !relationshipTargets(g, "other").isEmpty());
      assertThat(goals).as(name + ": a divergence").anyMatch(g -> !divergences(g).isEmpty());
    }
  }

  @Test
  void divergencesCoverEveryDimensionStatusAndStrategy() {
    List<Goal> clientGoals = goals("role=client");
    Map<String, Resource> therapistGoals = byId(goals("role=therapist"));
    Set<String> dimensions = new HashSet<>();
    Set<String> statuses = new HashSet<>();
    Set<String> strategies = new HashSet<>();
    for (Goal goal : clientGoals) {
      for (Extension divergence : divergences(goal)) {
        String counterpart =
            ((Reference) divergence.getExtensionByUrl("counterpart").getValue()).getReference();
        assertThat(therapistGoals).as("counterpart is a therapist goal").containsKey(counterpart);
        divergence
            .getExtensionsByUrl("dimension")
            .forEach(d -> dimensions.add(((Coding) d.getValue()).getCode()));
        statuses.add(((CodeType) divergence.getExtensionByUrl("status").getValue()).getValue());
        for (Extension strategy : divergence.getExtensionsByUrl("strategy")) {
          strategies.add(((Coding) strategy.getExtensionByUrl("code").getValue()).getCode());
          assertThat(strategy.getExtensionByUrl("date")).as("strategy date").isNotNull();
          assertThat(strategy.getExtensionByUrl("author")).as("strategy author").isNotNull();
          assertThat(strategy.getExtensionByUrl("note")).as("strategy note").isNotNull();
        }
      }
    }
    assertThat(dimensions)
        .containsExactlyInAnyOrder(
            "different-perspectives",
            "client-readiness",
            "miscommunication",
            "evolving-goals",
            "cultural-differences",
            "other");
    assertThat(statuses)
        .containsExactlyInAnyOrder(
            "identified", "exploring", "common-ground", "agreed-to-differ", "superseded");
    assertThat(strategies)
        .containsExactlyInAnyOrder(
            "open-communication",
            "collaboration",
            "reassess-regularly",
            "educate-and-explore",
            "flexibility",
            "empower-the-client");
  }

  @Test
  void aSupersededGoalPointsToTheGoalThatReplacedIt() {
    Map<String, Resource> all = byId(goals(""));
    Goal old = goalByIdentifier("jordan-manager");
    assertThat(divergences(old))
        .anyMatch(
            d ->
                "superseded"
                    .equals(((CodeType) d.getExtensionByUrl("status").getValue()).getValue()));
    List<String> replacements = relationshipTargets(old, "replacement");
    assertThat(replacements).hasSize(1);
    Goal revised = (Goal) all.get(replacements.get(0));
    assertThat(revised.getIdentifierFirstRep().getValue()).isEqualTo("jordan-stay-or-go");
    assertThat(revised.getLifecycleStatus()).isEqualTo(Goal.GoalLifecycleStatus.ACTIVE);
    assertThat(old.getLifecycleStatus()).isEqualTo(Goal.GoalLifecycleStatus.CANCELLED);
  }

  @Test
  void theSpanishSpeakingClientsWordsAreKeptVerbatimWithTheirTranslation() {
    Goal goal = goalByIdentifier("rosa-paciencia");
    assertThat(goal.getLanguage()).isEqualTo("es");
    assertThat(goal.getExpressedBy().getReference()).startsWith("Patient/");
    assertThat(goal.getDescription().getText())
        .isEqualTo(
            "Quiero tener más paciencia con mi mamá. Ella me cuidó toda la vida y ahora me toca a mí"
                + " cuidarla a ella.");
    Extension translation =
        goal.getDescription().getTextElement().getExtensionByUrl(GoalExtensions.TRANSLATION);
    assertThat(translation).isNotNull();
    assertThat(((CodeType) translation.getExtensionByUrl("lang").getValue()).getValue())
        .isEqualTo("en");
    assertThat(translation.getExtensionByUrl("content").getValue().primitiveValue())
        .isEqualTo(
            "I want to have more patience with my mom. She took care of me my whole life and now"
                + " it's my turn to take care of her.");
  }

  @Test
  void aParentCanExpressAGoalForATeenageClient() {
    Goal goal = goalByIdentifier("grace-dinner");
    assertThat(goal.getExpressedBy().getReference()).startsWith("RelatedPerson/");
    assertThat(
            goal.getMeta()
                .hasProfile("https://commonground.health/fhir/StructureDefinition/client-goal"))
        .isTrue();
  }

  @Test
  void everyWriteOfTheClinicHasItsProvenance() {
    // 49 resources written; each has one Provenance naming the loader.
    assertThat(search("Provenance")).hasSizeGreaterThanOrEqualTo(49);
  }

  @Test
  void aRestartDoesNotLoadTheClinicAgain() {
    int resources = search("Patient").size() + goals("").size();
    try (ConfigurableApplicationContext restarted =
        new SpringApplicationBuilder(CommonGroundApplication.class)
            .run(
                "--server.port=0",
                "--commonground.data-dir=" + DATA_DIR,
                "--commonground.demo.enabled=true")) {
      assertThat(restarted.getBean(DemoClinicLoader.class).load()).isFalse();
    }
    assertThat(search("Patient")).hasSize(6);
    assertThat(goals("")).hasSize(38);
    assertThat(search("Patient").size() + goals("").size()).isEqualTo(resources);
  }

  private List<Goal> goals(String query) {
    return search("Goal" + (query.isEmpty() ? "" : "?" + query)).stream()
        .map(Goal.class::cast)
        .toList();
  }

  private Goal goalByIdentifier(String value) {
    List<Goal> found = goals("identifier=" + IDS + "/goal%7C" + value);
    assertThat(found).as("goal " + value).hasSize(1);
    return found.get(0);
  }

  /** Every match of a search, following the next links. */
  private List<Resource> search(String query) {
    IGenericClient client = client();
    String separator = query.contains("?") ? "&" : "?";
    Bundle page =
        client
            .search()
            .byUrl(query + separator + "_count=100")
            .returnBundle(Bundle.class)
            .execute();
    List<Resource> matches = new ArrayList<>();
    while (true) {
      for (BundleEntryComponent entry : page.getEntry()) {
        if (entry.getSearch().getMode() != Bundle.SearchEntryMode.INCLUDE) {
          matches.add(entry.getResource());
        }
      }
      if (page.getLink(Bundle.LINK_NEXT) == null) {
        return matches;
      }
      page = client.loadPage().next(page).execute();
    }
  }

  private IGenericClient client() {
    fhirContext.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
    IGenericClient client =
        fhirContext.newRestfulGenericClient("http://127.0.0.1:" + port + "/fhir");
    client.registerInterceptor(SandboxTokens.at("http://127.0.0.1:" + port).backendInterceptor());
    return client;
  }

  private static Map<String, Resource> byId(List<? extends Resource> resources) {
    return resources.stream()
        .collect(
            Collectors.toMap(
                r -> r.fhirType() + "/" + r.getIdElement().getIdPart(), Function.identity()));
  }

  private static boolean isExpressedBy(Goal goal, String type) {
    String reference = goal.getExpressedBy().getReference();
    return reference != null && reference.startsWith(type + "/") && !isShared(goal);
  }

  private static boolean isShared(Goal goal) {
    return goal.getMeta()
        .hasProfile("https://commonground.health/fhir/StructureDefinition/shared-goal");
  }

  private static List<String> acceptanceStatuses(Goal goal) {
    return goal.getExtensionsByUrl(GoalExtensions.ACCEPTANCE).stream()
        .map(a -> ((CodeType) a.getExtensionByUrl("status").getValue()).getValue())
        .toList();
  }

  private static List<String> relationshipTargets(Goal goal, String type) {
    return goal.getExtensionsByUrl(GoalExtensions.RELATIONSHIP).stream()
        .filter(
            r ->
                type.equals(
                    ((org.hl7.fhir.r4.model.CodeableConcept) r.getExtensionByUrl("type").getValue())
                        .getCodingFirstRep()
                        .getCode()))
        .map(r -> ((Reference) r.getExtensionByUrl("target").getValue()).getReference())
        .toList();
  }

  private static List<Extension> divergences(Goal goal) {
    return goal.getExtensionsByUrl(GoalExtensions.DIVERGENCE);
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("commonground-demo-it");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
