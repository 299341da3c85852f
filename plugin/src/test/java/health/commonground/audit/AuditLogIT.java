package health.commonground.audit;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import health.commonground.store.OwnTableDatabases;
import health.commonground.store.ResourceStore;
import health.commonground.store.SearchParamRegistry;
import health.commonground.store.StoredVersion;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAction;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventOutcome;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The access log's own table (V22) answers every AuditEvent search exactly as the shared index rows
 * did before, on H2 and PostgreSQL: for events the recorder writes now and for events stored before
 * V22, which the migration moves.
 */
class AuditLogIT {

  /** The queries an administrator can ask, each parameter form and modifier the store supports. */
  private static final List<String> QUERIES =
      List.of(
          "",
          "patient=a",
          "patient=b",
          "patient=Patient/c",
          "patient:Patient=a",
          "patient=a,b",
          "patient=g1",
          "entity=Goal/g1",
          "entity=g1",
          "entity=Patient/a",
          "entity=Patient/b",
          "entity:Goal=g2",
          "entity=Practitioner/a",
          "agent=Patient/a",
          "agent=Practitioner/pr",
          "agent=pr",
          "altid=common-ground",
          "altid=" + AuditRecorder.CLIENT_ID_SYSTEM + "|common-ground-backend",
          "altid=|common-ground",
          "altid=" + AuditRecorder.CLIENT_ID_SYSTEM + "|",
          "altid:not=common-ground",
          "action=R",
          "action=R,C",
          "action=http://hl7.org/fhir/audit-event-action|E",
          "action=other|R",
          "subtype=read",
          "subtype=" + AuditRecorder.INTERACTION + "|create",
          "subtype:not=read",
          "outcome=4",
          "outcome:not=0",
          "outcome=http://hl7.org/fhir/audit-event-outcome|4",
          "patient=a&subtype=read",
          "entity=Goal/g1&outcome=0&subtype=read",
          "outcome=4&agent=Patient/a",
          "patient=a&_sort=_id",
          "_lastUpdated=ge2020-01-01");

  @ParameterizedTest
  @MethodSource(OwnTableDatabases.NAMES)
  void theTableAnswersEverySearchAsTheIndexRowsDid(String database) {
    DataSource dataSource = OwnTableDatabases.fresh(database);
    OwnTableDatabases.migrate(dataSource, null);
    JdbcTemplate jdbc = new JdbcTemplate(dataSource);
    List<AuditEvent> events = events();
    new AuditLog(FhirContext.forR4Cached(), jdbc).insert(events);
    // The same events as general resources with index rows, as they were kept before V22.
    ResourceStore indexed = new ResourceStore(jdbc, indexRowsRegistry());
    events.forEach(event -> writeWithIndexRows(indexed, event));

    ResourceStore store = new ResourceStore(jdbc, tableRegistry());
    for (String query : QUERIES) {
      assertThat(ids(store, tableRegistry(), query))
          .as(query)
          .isEqualTo(ids(indexed, indexRowsRegistry(), query));
    }
    assertThat(ids(store, tableRegistry(), "patient=a")).hasSize(4);
    assertThat(QUERIES.stream().filter(q -> !ids(store, tableRegistry(), q).isEmpty()))
        .hasSizeGreaterThan(QUERIES.size() * 2 / 3);
    List<String> allIds = events.stream().map(e -> e.getIdElement().getIdPart()).toList();
    assertThat(store.referencesFrom("AuditEvent", allIds, "patient"))
        .containsExactlyInAnyOrderElementsOf(
            indexed.referencesFrom("AuditEvent", allIds, "patient"));
    StoredVersion read = store.read("AuditEvent", allIds.get(0)).orElseThrow();
    assertThat(read.json()).isEqualTo(indexed.read("AuditEvent", allIds.get(0)).get().json());
    assertThat(store.readVersion("AuditEvent", allIds.get(0), 2)).isEmpty();
    assertThat(store.history("AuditEvent", null, null, 0, 100)).hasSize(events.size());
    assertThat(store.historyCount("AuditEvent", allIds.get(1), null)).isEqualTo(1);
  }

  @ParameterizedTest
  @MethodSource(OwnTableDatabases.NAMES)
  void eventsStoredBeforeTheTableMoveThereAndAreFoundAsBefore(String database) {
    DataSource dataSource = OwnTableDatabases.fresh(database);
    OwnTableDatabases.migrate(dataSource, "21");
    JdbcTemplate jdbc = new JdbcTemplate(dataSource);
    ResourceStore before = new ResourceStore(jdbc, indexRowsRegistry());
    List<AuditEvent> events = events();
    for (AuditEvent event : events) {
      event.setIdElement(new IdType("AuditEvent", UUID.randomUUID().toString(), "1"));
      event.getMeta().setVersionId("1").setLastUpdated(new java.util.Date());
      writeWithIndexRows(before, event);
    }
    Map<String, List<String>> found = new LinkedHashMap<>();
    for (String query : QUERIES) {
      found.put(query, ids(before, indexRowsRegistry(), query));
    }

    OwnTableDatabases.migrate(dataSource, null);

    ResourceStore after = new ResourceStore(jdbc, tableRegistry());
    for (String query : QUERIES) {
      assertThat(ids(after, tableRegistry(), query)).as(query).isEqualTo(found.get(query));
    }
    for (String table :
        List.of("fhir_resource", "fhir_resource_history", "search_token", "search_reference")) {
      assertThat(jdbc.queryForObject("select count(*) from " + table, Integer.class))
          .as(table)
          .isZero();
    }
  }

  /** The search parameters as they are, kept in the log's own table. */
  private static SearchParamRegistry tableRegistry() {
    return new SearchParamRegistry(List.of(new AuditEventIndexer()));
  }

  /** The same parameters kept in the shared index rows, as before V22. */
  private static SearchParamRegistry indexRowsRegistry() {
    return OwnTableDatabases.indexRows(new AuditEventIndexer());
  }

  private static List<String> ids(ResourceStore store, SearchParamRegistry registry, String query) {
    return OwnTableDatabases.ids(store, registry, "AuditEvent", query);
  }

  private static void writeWithIndexRows(ResourceStore store, AuditEvent event) {
    OwnTableDatabases.writeWithIndexRows(store, indexRowsRegistry(), event);
  }

  /** Events in the shapes the recorder writes (see AuditRecorder). */
  private static List<AuditEvent> events() {
    List<AuditEvent> events = new ArrayList<>();
    // A client reads a goal of her own through the app.
    events.add(
        event("read", AuditEventAction.R, AuditEventOutcome._0)
            .agent(new Reference("Patient/a"), "common-ground")
            .named("Goal/g1")
            .patient("a")
            .done());
    // ... a version of another goal of hers, and her own Patient record.
    events.add(
        event("vread", AuditEventAction.R, AuditEventOutcome._0)
            .agent(new Reference("Patient/a"), "common-ground")
            .named("Goal/g2/_history/2")
            .patient("a")
            .done());
    events.add(
        event("read", AuditEventAction.R, AuditEventOutcome._0)
            .agent(new Reference("Patient/a"), "common-ground")
            .named("Patient/a")
            .patient("a")
            .done());
    // ... and is refused another client's record.
    events.add(
        event("read", AuditEventAction.R, AuditEventOutcome._4)
            .agent(new Reference("Patient/a"), "common-ground")
            .named("Patient/b")
            .patient("a")
            .description("403 Forbidden")
            .done());
    // A backend service searches one client's goals (no what: a query).
    events.add(
        event("search-type", AuditEventAction.E, AuditEventOutcome._0)
            .agent(null, "common-ground-backend")
            .query("Goal", "patient=b")
            .patient("b")
            .done());
    // A therapist creates a goal.
    events.add(
        event("create", AuditEventAction.C, AuditEventOutcome._0)
            .agent(new Reference("Practitioner/pr"), "common-ground")
            .patient("b")
            .done());
    // Someone without a token asks for a Patient.
    events.add(
        event("read", AuditEventAction.R, AuditEventOutcome._4)
            .agent(new Reference().setDisplay("unauthenticated caller"), null)
            .named("Patient/c")
            .description("401 no token")
            .done());
    return events;
  }

  private static EventBuilder event(
      String subtype, AuditEventAction action, AuditEventOutcome outcome) {
    AuditEvent event = new AuditEvent();
    event.setType(
        new Coding("http://terminology.hl7.org/CodeSystem/audit-event-type", "rest", null));
    event.addSubtype(new Coding(AuditRecorder.INTERACTION, subtype, null));
    event.setAction(action);
    event.setOutcome(outcome);
    event.setRecorded(new java.util.Date());
    return new EventBuilder(event);
  }

  private record EventBuilder(AuditEvent event) {

    EventBuilder agent(Reference who, String clientId) {
      if (who != null) {
        event.addAgent().setRequestor(true).setWho(who);
      }
      if (clientId != null) {
        event
            .addAgent()
            .setRequestor(who == null)
            .setWho(
                new Reference()
                    .setIdentifier(
                        new Identifier()
                            .setSystem(AuditRecorder.CLIENT_ID_SYSTEM)
                            .setValue(clientId)));
      }
      return this;
    }

    EventBuilder named(String reference) {
      event.addEntity().setWhat(new Reference(reference));
      return this;
    }

    EventBuilder query(String type, String query) {
      event.addEntity().setDescription(type).setQuery(query.getBytes());
      return this;
    }

    EventBuilder patient(String id) {
      event
          .addEntity()
          .setWhat(new Reference("Patient/" + id))
          .setRole(
              new Coding(
                  "http://terminology.hl7.org/CodeSystem/object-role",
                  AuditRecorder.PATIENT_ROLE,
                  "Patient"));
      return this;
    }

    EventBuilder description(String text) {
      event.setOutcomeDesc(text);
      return this;
    }

    AuditEvent done() {
      return event;
    }
  }
}
