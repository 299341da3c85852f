package health.commonground.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Goal;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

/** Goal search: every parameter we publish, paging, includes and totals. */
interface GoalSearchScenarios extends FhirApiSupport {

  /** One client's picture: their goal, their therapist's goal and the shared goal from both. */
  record Picture(
      Patient patient,
      Practitioner therapist,
      Goal clientGoal,
      Goal therapistGoal,
      Goal sharedGoal) {
    String patientRef() {
      return FhirApiSupport.relative(patient.getIdElement());
    }
  }

  default Picture picture() {
    Patient patient = newPatient();
    Practitioner therapist = newPractitioner();
    Goal clientGoal = create(clientGoal(patient.getIdElement(), UUID.randomUUID().toString()));
    Goal therapistGoal = create(therapistGoal(patient.getIdElement(), therapist.getIdElement()));
    Goal sharedGoal =
        create(
            sharedGoal(
                patient.getIdElement(),
                therapist.getIdElement(),
                clientGoal.getIdElement(),
                therapistGoal.getIdElement()));
    return new Picture(patient, therapist, clientGoal, therapistGoal, sharedGoal);
  }

  default Bundle search(String query) {
    return client().search().byUrl(query).returnBundle(Bundle.class).execute();
  }

  /** Ids of the matches (search mode match) of a search, in order. */
  default List<String> matchIds(String query) {
    return matchIds(search(query));
  }

  static List<String> matchIds(Bundle bundle) {
    List<String> ids = new ArrayList<>();
    for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
      if (entry.getSearch().getMode() != Bundle.SearchEntryMode.INCLUDE) {
        ids.add(entry.getResource().getIdElement().getIdPart());
      }
    }
    return ids;
  }

  static String id(Resource resource) {
    return resource.getIdElement().getIdPart();
  }

  @Test
  default void searchByPatientAndSubjectFindsAllOfTheClientsGoalsAndNoOthers() {
    Picture p = picture();
    picture(); // another client's goals must not show up
    List<String> all = List.of(id(p.clientGoal()), id(p.therapistGoal()), id(p.sharedGoal()));

    assertThat(matchIds("Goal?patient=" + p.patientRef())).containsExactlyInAnyOrderElementsOf(all);
    assertThat(matchIds("Goal?subject=" + p.patientRef())).containsExactlyInAnyOrderElementsOf(all);
    assertThat(matchIds("Goal?patient=" + id(p.patient())))
        .containsExactlyInAnyOrderElementsOf(all);
    assertThat(matchIds("Goal?patient:Patient=" + id(p.patient())))
        .containsExactlyInAnyOrderElementsOf(all);
    assertThat(matchIds("Goal?patient=Patient/" + UUID.randomUUID())).isEmpty();
  }

  @Test
  default void searchByStatusCategoryIdentifierAndAuthor() {
    Picture p = picture();
    String mine = "patient=" + p.patientRef();
    Goal onHold = p.therapistGoal().copy();
    onHold.setLifecycleStatus(Goal.GoalLifecycleStatus.ONHOLD);
    update(onHold);

    assertThat(matchIds("Goal?" + mine + "&lifecycle-status=active"))
        .containsExactlyInAnyOrder(id(p.clientGoal()), id(p.sharedGoal()));
    assertThat(matchIds("Goal?" + mine + "&lifecycle-status=on-hold,cancelled"))
        .containsExactly(id(p.therapistGoal()));
    assertThat(matchIds("Goal?" + mine + "&lifecycle-status:not=active"))
        .containsExactly(id(p.therapistGoal()));
    assertThat(
            matchIds(
                "Goal?"
                    + mine
                    + "&achievement-status=http://terminology.hl7.org/CodeSystem/goal-achievement|in-progress"))
        .containsExactlyInAnyOrder(id(p.clientGoal()), id(p.therapistGoal()));
    assertThat(matchIds("Goal?" + mine + "&category=behavioral"))
        .containsExactly(id(p.therapistGoal()));
    String identifier = p.clientGoal().getIdentifierFirstRep().getValue();
    assertThat(matchIds("Goal?identifier=" + TEST_SYSTEM + "|" + identifier))
        .containsExactly(id(p.clientGoal()));
    assertThat(matchIds("Goal?identifier=" + identifier)).containsExactly(id(p.clientGoal()));
    assertThat(matchIds("Goal?identifier=urn:other|" + identifier)).isEmpty();
    assertThat(
            matchIds("Goal?expressed-by=" + FhirApiSupport.relative(p.therapist().getIdElement())))
        .containsExactly(id(p.therapistGoal()));
    assertThat(matchIds("Goal?" + mine + "&expressed-by=" + p.patientRef()))
        .containsExactlyInAnyOrder(id(p.clientGoal()), id(p.sharedGoal()));
  }

  @Test
  default void searchByRoleSeparatesTheTwoVoicesAndWhatTheyShare() {
    Picture p = picture();
    String mine = "Goal?patient=" + p.patientRef();
    assertThat(matchIds(mine + "&role=client")).containsExactly(id(p.clientGoal()));
    assertThat(matchIds(mine + "&role=therapist")).containsExactly(id(p.therapistGoal()));
    assertThat(matchIds(mine + "&role=shared")).containsExactly(id(p.sharedGoal()));
    assertThat(matchIds(mine + "&role=client,therapist"))
        .containsExactlyInAnyOrder(id(p.clientGoal()), id(p.therapistGoal()));
  }

  @Test
  default void searchByIdAndLastUpdated() throws InterruptedException {
    Picture p = picture();
    Thread.sleep(20);
    Instant between = Instant.now();
    Thread.sleep(20);
    Goal later = create(clientGoal(p.patient().getIdElement()));
    String mine = "Goal?patient=" + p.patientRef();

    assertThat(matchIds("Goal?_id=" + id(p.clientGoal()))).containsExactly(id(p.clientGoal()));
    assertThat(matchIds("Goal?_id=" + id(p.clientGoal()) + "," + id(later)))
        .containsExactlyInAnyOrder(id(p.clientGoal()), id(later));
    assertThat(matchIds(mine + "&_lastUpdated=ge" + between)).containsExactly(id(later));
    assertThat(matchIds(mine + "&_lastUpdated=lt" + between)).hasSize(3).doesNotContain(id(later));
    assertThat(matchIds(mine + "&_lastUpdated=gt2000-01-01")).hasSize(4);
  }

  @Test
  default void pagingLinksWalkEveryPageForwardAndBack() {
    Patient patient = newPatient();
    Set<String> created = new HashSet<>();
    for (int i = 0; i < 5; i++) {
      created.add(id(create(clientGoal(patient.getIdElement()))));
    }

    Bundle page =
        search("Goal?patient=" + FhirApiSupport.relative(patient.getIdElement()) + "&_count=2");
    assertThat(page.getTotal()).isEqualTo(5);
    List<List<String>> pages = new ArrayList<>();
    pages.add(matchIds(page));
    while (page.getLink(Bundle.LINK_NEXT) != null) {
      page = client().loadPage().next(page).execute();
      pages.add(matchIds(page));
      assertThat(pages).as("paging must end").hasSizeLessThan(10);
    }
    assertThat(pages).extracting(List::size).containsExactly(2, 2, 1);
    assertThat(pages.stream().flatMap(List::stream)).containsExactlyInAnyOrderElementsOf(created);

    Bundle previous = client().loadPage().previous(page).execute();
    assertThat(matchIds(previous)).isEqualTo(pages.get(1));
    Bundle first = client().loadPage().previous(previous).execute();
    assertThat(matchIds(first)).isEqualTo(pages.get(0));
    assertThat(first.getLink(Bundle.LINK_PREV)).isNull();
  }

  @Test
  default void includeBringsThePatientAndTheLinkedGoals() {
    Picture p = picture();

    Bundle withPatient = search("Goal?_id=" + id(p.clientGoal()) + "&_include=Goal:patient");
    assertThat(matchIds(withPatient)).containsExactly(id(p.clientGoal()));
    assertThat(withPatient.getEntry())
        .filteredOn(e -> e.getSearch().getMode() == Bundle.SearchEntryMode.INCLUDE)
        .extracting(e -> e.getResource().getIdElement().toUnqualifiedVersionless().getValue())
        .containsExactly(p.patientRef());

    Bundle withLinked = search("Goal?_id=" + id(p.sharedGoal()) + "&_include=Goal:linked-goal");
    assertThat(withLinked.getEntry())
        .filteredOn(e -> e.getSearch().getMode() == Bundle.SearchEntryMode.INCLUDE)
        .extracting(e -> e.getResource().getIdElement().getIdPart())
        .containsExactlyInAnyOrder(id(p.clientGoal()), id(p.therapistGoal()));
  }

  @Test
  default void revincludeBringsTheProvenanceOfEveryGoal() {
    Picture p = picture();
    Goal updated = update(p.clientGoal());

    Bundle bundle =
        search("Goal?patient=" + p.patientRef() + "&role=client&_revinclude=Provenance:target");
    assertThat(matchIds(bundle)).containsExactly(id(p.clientGoal()));
    List<Provenance> provenances =
        bundle.getEntry().stream()
            .map(Bundle.BundleEntryComponent::getResource)
            .filter(Provenance.class::isInstance)
            .map(Provenance.class::cast)
            .toList();
    assertThat(provenances)
        .extracting(pr -> pr.getTargetFirstRep().getReference())
        .containsExactlyInAnyOrder(
            "Goal/" + id(updated) + "/_history/1", "Goal/" + id(updated) + "/_history/2");
  }

  @Test
  default void totalIsGivenUnlessTheClientSaysNone() {
    Picture p = picture();
    Bundle accurate = search("Goal?patient=" + p.patientRef() + "&_total=accurate&_count=1");
    assertThat(accurate.getTotal()).isEqualTo(3);
    assertThat(accurate.getEntry()).hasSize(1);
    Bundle none = search("Goal?patient=" + p.patientRef() + "&_total=none");
    assertThat(none.hasTotal()).isFalse();
    assertThat(none.getEntry()).hasSize(3);
    Bundle countOnly = search("Goal?patient=" + p.patientRef() + "&_summary=count");
    assertThat(countOnly.getTotal()).isEqualTo(3);
  }

  @Test
  default void unknownSearchParameterIs400WithOperationOutcome() {
    Response response = get("Goal?favourite-colour=green");
    assertThat(response.status()).isEqualTo(400);
    assertThat(describe(assertOperationOutcome(response))).contains("favourite-colour");

    Response badModifier = get("Goal?category:above=behavioral");
    assertThat(badModifier.status()).isEqualTo(400);
    assertOperationOutcome(badModifier);
  }
}
