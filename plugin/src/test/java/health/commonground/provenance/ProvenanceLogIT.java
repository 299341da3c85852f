package health.commonground.provenance;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import health.commonground.store.OwnTableDatabases;
import health.commonground.store.ResourceStore;
import health.commonground.store.SearchParamRegistry;
import health.commonground.store.SearchQuery;
import health.commonground.store.StoredVersion;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Provenance's own table (V24) answers every Provenance search, {@code _revinclude} and read
 * exactly as the shared index rows did before, on H2 and PostgreSQL: for Provenance the recorder
 * writes now and for Provenance stored before V24, which the migration moves.
 */
class ProvenanceLogIT {

  /** Each parameter form and modifier the store supports, alone and combined. */
  private static final List<String> QUERIES =
      List.of(
          "",
          "target=Goal/g1",
          "target=g1",
          "target:Goal=g2",
          "target=Goal/g1,Goal/g2",
          "target=Patient/a",
          "target=a",
          "target=Goal/a",
          "agent=Practitioner/pr",
          "agent=pr",
          "agent=Patient/a",
          "agent:Patient=a",
          "patient=a",
          "patient=Patient/a",
          "patient=b",
          "patient=g1",
          "target=Goal/g1&agent=Practitioner/pr",
          "target=Goal/g1&agent=Patient/a",
          "target=Goal/g1&_sort=_id",
          "_lastUpdated=ge2020-01-01",
          "_lastUpdated=lt2020-01-01");

  @ParameterizedTest
  @MethodSource(OwnTableDatabases.NAMES)
  void theTableAnswersEverySearchAsTheIndexRowsDid(String database) {
    DataSource dataSource = OwnTableDatabases.fresh(database);
    OwnTableDatabases.migrate(dataSource, null);
    JdbcTemplate jdbc = new JdbcTemplate(dataSource);
    ProvenanceLog log = new ProvenanceLog(FhirContext.forR4Cached(), jdbc);
    List<Provenance> provenances = provenances();
    // Stored both ways: in the table, and as general resources with index rows, as before V24.
    ResourceStore indexed = new ResourceStore(jdbc, indexRows());
    Instant stored = Instant.parse("2026-03-02T09:00:00Z");
    for (Provenance provenance : provenances) {
      stored = stored.plusSeconds(60);
      log.insert(provenance, stored);
      OwnTableDatabases.writeWithIndexRows(indexed, indexRows(), provenance);
    }

    ResourceStore store = new ResourceStore(jdbc, table());
    for (String query : QUERIES) {
      assertThat(ids(store, table(), query)).as(query).isEqualTo(ids(indexed, indexRows(), query));
    }
    assertThat(ids(store, table(), "target=Goal/g1")).hasSize(3);
    assertThat(ids(store, table(), "patient=a")).hasSize(1);
    assertThat(QUERIES.stream().filter(q -> !ids(store, table(), q).isEmpty()))
        .hasSizeGreaterThan(QUERIES.size() * 2 / 3);

    // _revinclude=Provenance:target of a page of goals
    List<String> goals = List.of("g1", "g2", "g3");
    assertThat(revincluded(store, table(), goals))
        .hasSize(4)
        .containsExactlyInAnyOrderElementsOf(revincluded(indexed, indexRows(), goals));

    List<String> allIds = provenances.stream().map(p -> p.getIdElement().getIdPart()).toList();
    assertThat(store.referencesFrom("Provenance", allIds, "agent"))
        .containsExactlyInAnyOrderElementsOf(indexed.referencesFrom("Provenance", allIds, "agent"));
    StoredVersion read = store.read("Provenance", allIds.get(0)).orElseThrow();
    assertThat(read.json())
        .contains("\"id\":\"" + allIds.get(0) + "\"", "\"reference\":\"Goal/g1/_history/1\"");
    assertThat(store.readVersion("Provenance", allIds.get(0), 1)).isPresent();
    assertThat(store.readVersion("Provenance", allIds.get(0), 2)).isEmpty();
    assertThat(store.exists("Provenance", allIds.get(1))).isTrue();
    assertThat(store.exists("Provenance", "no-such-provenance")).isFalse();
    assertThat(store.history("Provenance", null, null, 0, 100)).hasSize(provenances.size());
    assertThat(store.historyCount("Provenance", allIds.get(1), null)).isEqualTo(1);
  }

  @ParameterizedTest
  @MethodSource(OwnTableDatabases.NAMES)
  void provenanceStoredBeforeTheTableMovesThereAndIsFoundAsBefore(String database) {
    DataSource dataSource = OwnTableDatabases.fresh(database);
    OwnTableDatabases.migrate(dataSource, "23");
    JdbcTemplate jdbc = new JdbcTemplate(dataSource);
    ResourceStore before = new ResourceStore(jdbc, indexRows());
    for (Provenance provenance : provenances()) {
      provenance.setIdElement(new IdType("Provenance", UUID.randomUUID().toString(), "1"));
      provenance.getMeta().setVersionId("1").setLastUpdated(new Date());
      OwnTableDatabases.writeWithIndexRows(before, indexRows(), provenance);
    }
    Map<String, List<String>> found = new LinkedHashMap<>();
    for (String query : QUERIES) {
      found.put(query, ids(before, indexRows(), query));
    }
    List<String> revincluded = revincluded(before, indexRows(), List.of("g1", "g2"));

    OwnTableDatabases.migrate(dataSource, null);

    ResourceStore after = new ResourceStore(jdbc, table());
    for (String query : QUERIES) {
      assertThat(ids(after, table(), query)).as(query).isEqualTo(found.get(query));
    }
    assertThat(revincluded(after, table(), List.of("g1", "g2")))
        .containsExactlyInAnyOrderElementsOf(revincluded);
    for (String table :
        List.of("fhir_resource", "fhir_resource_history", "search_token", "search_reference")) {
      assertThat(jdbc.queryForObject("select count(*) from " + table, Integer.class))
          .as(table)
          .isZero();
    }
  }

  private static List<String> ids(ResourceStore store, SearchParamRegistry registry, String query) {
    return OwnTableDatabases.ids(store, registry, "Provenance", query);
  }

  private static List<String> revincluded(
      ResourceStore store, SearchParamRegistry registry, List<String> goalIds) {
    SearchQuery query = SearchQuery.referencing("Provenance", "target", "Goal", goalIds, registry);
    return store.search(query, 0, 1000).stream().map(StoredVersion::id).toList();
  }

  private static SearchParamRegistry table() {
    return new SearchParamRegistry(List.of(new ProvenanceIndexer()));
  }

  private static SearchParamRegistry indexRows() {
    return OwnTableDatabases.indexRows(new ProvenanceIndexer());
  }

  /** Provenance in the shapes the recorder writes: one target version, one author. */
  private static List<Provenance> provenances() {
    List<Provenance> provenances = new ArrayList<>();
    // A therapist records a goal, then revises it; the client accepts it.
    provenances.add(provenance("Goal/g1/_history/1", new Reference("Practitioner/pr")));
    provenances.add(provenance("Goal/g1/_history/2", new Reference("Practitioner/pr")));
    provenances.add(provenance("Goal/g1/_history/3", new Reference("Patient/a")));
    // The client records a goal of her own, and her Patient record changes.
    provenances.add(provenance("Goal/g2/_history/1", new Reference("Patient/a")));
    provenances.add(provenance("Patient/a/_history/4", new Reference("Practitioner/pr")));
    // The system loads a goal: its agent has a name, no reference.
    provenances.add(provenance("Goal/a/_history/1", new Reference().setDisplay("Demo loader")));
    return provenances;
  }

  private static Provenance provenance(String target, Reference author) {
    Provenance provenance = new Provenance();
    provenance.addTarget(new Reference(target));
    provenance.setRecorded(new Date());
    provenance.addAgent().setWho(author);
    return provenance;
  }
}
