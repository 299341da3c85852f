package health.commonground.store;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import health.commonground.testing.SharedPostgres;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * For the tests that hold a type kept in a table of its own to answering searches exactly as the
 * shared index rows would: fresh H2 and PostgreSQL databases, migrated to a given version, and the
 * same type indexed both ways.
 */
public final class OwnTableDatabases {

  public static final String NAMES = "health.commonground.store.OwnTableDatabases#names";

  private static final AtomicInteger databases = new AtomicInteger();

  private OwnTableDatabases() {}

  /** The databases to run on: {@code @MethodSource(OwnTableDatabases.NAMES)}. */
  public static Stream<String> names() {
    return Stream.of("h2", "postgresql");
  }

  /** A new, empty database ("h2" or "postgresql", on {@link SharedPostgres}). */
  public static synchronized DataSource fresh(String database) {
    String name = "own_table" + databases.incrementAndGet();
    if (database.equals("h2")) {
      return new DriverManagerDataSource(
          "jdbc:h2:mem:"
              + name
              + "-"
              + UUID.randomUUID()
              + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
          "sa",
          "");
    }
    return new DriverManagerDataSource(
        SharedPostgres.jdbcUrl(name), SharedPostgres.USER, SharedPostgres.USER);
  }

  /** Migrates to {@code target}, or to the latest version when null. */
  public static void migrate(DataSource dataSource, String target) {
    var flyway = Flyway.configure().dataSource(dataSource).locations("classpath:db/migration");
    if (target != null) {
      flyway.target(target);
    }
    flyway.load().migrate();
  }

  /** The same search parameters as {@code indexer}'s, kept in the shared index rows. */
  public static SearchParamRegistry indexRows(ResourceIndexer indexer) {
    return new SearchParamRegistry(
        List.of(
            new ResourceIndexer() {
              @Override
              public String resourceType() {
                return indexer.resourceType();
              }

              @Override
              public List<SearchParam> searchParams() {
                return indexer.searchParams().stream()
                    .map(
                        p ->
                            new SearchParam(
                                p.name(), p.kind(), p.description(), p.extractor(), List.of()))
                    .toList();
              }
            }));
  }

  /** Stores a resource (with its id, version 1 and stored time) as a general resource. */
  public static void writeWithIndexRows(
      ResourceStore store, SearchParamRegistry indexRows, Resource resource) {
    store.write(
        new StoredVersion(
            resource.fhirType(),
            resource.getIdElement().getIdPart(),
            1,
            resource.getMeta().getLastUpdated().toInstant(),
            false,
            FhirContext.forR4Cached().newJsonParser().encodeResourceToString(resource)),
        "POST",
        indexRows.index(resource));
  }

  /** The ids a search finds ("a=1&b=2"), in order; checks the count agrees. */
  public static List<String> ids(
      ResourceStore store, SearchParamRegistry registry, String type, String query) {
    Map<String, String[]> params = new LinkedHashMap<>();
    if (!query.isEmpty()) {
      for (String pair : query.split("&")) {
        String[] nameValue = pair.split("=", 2);
        params.merge(
            nameValue[0],
            new String[] {nameValue[1]},
            (a, b) -> Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new));
      }
    }
    SearchQuery search = SearchQuery.parse(type, params, registry);
    List<String> ids = store.search(search, 0, 1000).stream().map(StoredVersion::id).toList();
    assertThat(store.count(search)).as(query).isEqualTo(ids.size());
    return ids;
  }
}
