package health.commonground.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;

/**
 * Keeps resources as FHIR JSON with their whole version history, and the search index of their
 * current versions. Callers run writes inside a transaction; this class only speaks SQL. A type
 * with a table of its own ({@link ResourceIndexer#table()}) is read from there; its feature writes
 * it.
 */
@Repository
public class ResourceStore {

  private static final String COLUMNS = "res_type, res_id, version_id, last_updated, deleted, body";

  /**
   * The current versions ({@code r}) with their JSON, which is kept once, in the history ({@code
   * h}): the rows searches sort, filter and count stay small, so many share a database page.
   */
  private static final String CURRENT =
      "select r.res_type, r.res_id, r.version_id, r.last_updated, r.deleted, h.body"
          + " from fhir_resource r join fhir_resource_history h on h.res_type = r.res_type"
          + " and h.res_id = r.res_id and h.version_id = r.version_id";

  private static final String CURRENT_COLUMNS =
      "res_type, res_id, version_id, last_updated, deleted";
  private static final RowMapper<StoredVersion> VERSION_MAPPER = ResourceStore::mapVersion;

  private final JdbcTemplate jdbc;
  private final SearchParamRegistry registry;

  public ResourceStore(JdbcTemplate jdbc, SearchParamRegistry registry) {
    this.jdbc = jdbc;
    this.registry = registry;
  }

  public Optional<StoredVersion> read(String type, String id) {
    Optional<String> table = registry.table(type);
    if (table.isPresent()) {
      return jdbc.query(ownRows(table.get()) + " where r.res_id = ?", ownMapper(type), id).stream()
          .findFirst();
    }
    return jdbc
        .query(CURRENT + " where r.res_type = ? and r.res_id = ?", VERSION_MAPPER, type, id)
        .stream()
        .findFirst();
  }

  public Optional<StoredVersion> readVersion(String type, String id, long version) {
    if (registry.table(type).isPresent()) {
      return version == 1 ? read(type, id) : Optional.empty();
    }
    return jdbc
        .query(
            "select "
                + COLUMNS
                + " from fhir_resource_history where res_type = ? and res_id = ? and version_id = ?",
            VERSION_MAPPER,
            type,
            id,
            version)
        .stream()
        .findFirst();
  }

  public boolean exists(String type, String id) {
    Optional<String> table = registry.table(type);
    Integer count =
        table.isPresent()
            ? jdbc.queryForObject(
                "select count(*) from " + table.get() + " where res_id = ?", Integer.class, id)
            : jdbc.queryForObject(
                "select count(*) from fhir_resource where res_type = ? and res_id = ?"
                    + " and deleted = false",
                Integer.class,
                type,
                id);
    return count != null && count > 0;
  }

  /** Current version number, holding the row lock until the transaction ends; empty if new. */
  public Optional<Long> lockCurrentVersion(String type, String id) {
    return jdbc
        .queryForList(
            "select version_id from fhir_resource where res_type = ? and res_id = ? for update",
            Long.class,
            type,
            id)
        .stream()
        .findFirst();
  }

  /** Serialises writers that share a key (e.g. identical conditional creates) until commit. */
  public void lockKey(String key) {
    int bucket = Math.floorMod(key.hashCode(), 64);
    jdbc.queryForList(
        "select bucket from write_lock where bucket = ? for update", Integer.class, bucket);
  }

  /** Writes a new current version, appends it to the history and replaces the index rows. */
  public void write(StoredVersion version, String method, IndexEntries index) {
    Timestamp updated = Timestamp.from(version.lastUpdated());
    if (version.version() == 1) {
      jdbc.update(
          "insert into fhir_resource (" + CURRENT_COLUMNS + ") values (?, ?, ?, ?, ?)",
          version.type(),
          version.id(),
          version.version(),
          updated,
          version.deleted());
    } else {
      int rows =
          jdbc.update(
              "update fhir_resource set version_id = ?, last_updated = ?, deleted = ?"
                  + " where res_type = ? and res_id = ? and version_id = ?",
              version.version(),
              updated,
              version.deleted(),
              version.type(),
              version.id(),
              version.version() - 1);
      if (rows != 1) {
        throw new IllegalStateException(
            "Version "
                + (version.version() - 1)
                + " of "
                + version.type()
                + "/"
                + version.id()
                + " is no longer current");
      }
      deleteIndex(version.type(), version.id());
    }
    jdbc.update(
        "insert into fhir_resource_history (" + COLUMNS + ", method) values (?, ?, ?, ?, ?, ?, ?)",
        version.type(),
        version.id(),
        version.version(),
        updated,
        version.deleted(),
        version.json(),
        method);
    insertIndex(List.of(version), List.of(index));
  }

  private void deleteIndex(String type, String id) {
    for (String table : List.of("search_token", "search_reference", "search_string")) {
      jdbc.update("delete from " + table + " where res_type = ? and res_id = ?", type, id);
    }
  }

  /** The index rows of the given resources, one batch per index table. */
  private void insertIndex(List<StoredVersion> owners, List<IndexEntries> indexes) {
    List<Object[]> tokens = new ArrayList<>();
    List<Object[]> references = new ArrayList<>();
    List<Object[]> strings = new ArrayList<>();
    for (int i = 0; i < owners.size(); i++) {
      String type = owners.get(i).type();
      String id = owners.get(i).id();
      IndexEntries index = indexes.get(i);
      index.tokens.forEach(
          t ->
              tokens.add(
                  new Object[] {type, id, t.param(), truncate(t.system()), truncate(t.code())}));
      index.references.forEach(
          r -> references.add(new Object[] {type, id, r.param(), r.targetType(), r.targetId()}));
      index.strings.forEach(v -> strings.add(new Object[] {type, id, v.param(), v.value()}));
    }
    batch(
        "insert into search_token (res_type, res_id, param, sys, code) values (?, ?, ?, ?, ?)",
        tokens);
    batch(
        "insert into search_reference (res_type, res_id, param, target_type, target_id)"
            + " values (?, ?, ?, ?, ?)",
        references);
    batch("insert into search_string (res_type, res_id, param, val) values (?, ?, ?, ?)", strings);
  }

  private void batch(String sql, List<Object[]> rows) {
    if (!rows.isEmpty()) {
      jdbc.batchUpdate(sql, rows);
    }
  }

  /** History newest first; {@code id} null for the whole type. */
  public List<StoredVersion> history(String type, String id, Instant since, int offset, int count) {
    return history(type, id, since, null, offset, count);
  }

  /**
   * History newest first, limited to resources whose current version meets {@code visible} (a
   * condition on alias {@code r}; null for all).
   */
  public List<StoredVersion> history(
      String type, String id, Instant since, SqlCondition visible, int offset, int count) {
    Optional<String> table = registry.table(type);
    if (table.isPresent()) {
      SqlBuilder sql = ownHistoryWhere(id, since, visible);
      return jdbc.query(
          ownRows(table.get())
              + sql.where()
              + " order by r.last_updated desc, r.res_id limit ? offset ?",
          ownMapper(type),
          sql.argsWith(count, offset));
    }
    SqlBuilder sql = historyWhere(type, id, since, visible);
    return jdbc.query(
        "select "
            + COLUMNS
            + " from fhir_resource_history h"
            + sql.where()
            + " order by h.last_updated desc, h.version_id desc limit ? offset ?",
        VERSION_MAPPER,
        sql.argsWith(count, offset));
  }

  public int historyCount(String type, String id, Instant since) {
    return historyCount(type, id, since, null);
  }

  public int historyCount(String type, String id, Instant since, SqlCondition visible) {
    Optional<String> table = registry.table(type);
    SqlBuilder sql =
        table.isPresent()
            ? ownHistoryWhere(id, since, visible)
            : historyWhere(type, id, since, visible);
    Integer total =
        jdbc.queryForObject(
            "select count(*) from "
                + table.map(t -> t + " r").orElse("fhir_resource_history h")
                + sql.where(),
            Integer.class,
            sql.args());
    return total == null ? 0 : total;
  }

  /** The history of a type kept in its own table: each resource's one version. */
  private static SqlBuilder ownHistoryWhere(String id, Instant since, SqlCondition visible) {
    SqlBuilder sql = new SqlBuilder();
    if (id != null) {
      sql.and("r.res_id = ?", id);
    }
    if (since != null) {
      sql.and("r.last_updated >= ?", Timestamp.from(since));
    }
    if (visible != null) {
      sql.and("(" + visible.sql() + ")", visible.args().toArray());
    }
    return sql;
  }

  private static SqlBuilder historyWhere(
      String type, String id, Instant since, SqlCondition visible) {
    SqlBuilder sql = new SqlBuilder();
    sql.and("h.res_type = ?", type);
    if (id != null) {
      sql.and("h.res_id = ?", id);
    }
    if (since != null) {
      sql.and("h.last_updated >= ?", Timestamp.from(since));
    }
    if (visible != null) {
      sql.and(
          "exists (select 1 from fhir_resource r where r.res_type = h.res_type"
              + " and r.res_id = h.res_id and r.deleted = false and ("
              + visible.sql()
              + "))",
          visible.args().toArray());
    }
    return sql;
  }

  /** Runs a search built by {@link SearchQuery}: one page, in order. */
  public List<StoredVersion> search(SearchQuery query, int offset, int count) {
    return jdbc.query(pageSql(query, false), mapper(query), query.fromWhereArgsWith(count, offset));
  }

  /** One page of a search and the number of all its matches. */
  public record Counted(List<StoredVersion> matches, int total) {}

  /**
   * One page of a search with the number of all its matches counted in the same pass ({@code
   * count(*) over ()} on the rows the page is chosen from), instead of a second query over them.
   */
  public Counted searchCounted(SearchQuery query, int offset, int count) {
    RowMapper<StoredVersion> mapper = mapper(query);
    int[] total = {-1};
    List<StoredVersion> page =
        jdbc.query(
            pageSql(query, true),
            (rs, n) -> {
              total[0] = rs.getInt("total");
              return mapper.mapRow(rs, n);
            },
            query.fromWhereArgsWith(count, offset));
    if (total[0] < 0) {
      // No row to carry the count: nothing matches, or the page lies beyond the last match.
      total[0] = offset == 0 ? 0 : count(query);
    }
    return new Counted(page, total[0]);
  }

  private static RowMapper<StoredVersion> mapper(SearchQuery query) {
    return query.table() != null ? ownMapper(query.type()) : VERSION_MAPPER;
  }

  /**
   * The SQL of a page of a search, with {@code total} as its last column when {@code counted}. The
   * page is found on the small current-version rows first; only its own JSON is then read (a
   * derived table with a limit is evaluated before the join). When the search joins index rows, the
   * count is taken after {@code distinct}, as a resource may match twice.
   */
  private static String pageSql(SearchQuery query, boolean counted) {
    String total = counted ? ", count(*) over () as total" : "";
    if (query.table() != null) {
      return ownColumns()
          + total
          + " from "
          + query.table()
          + " r"
          + query.where()
          + query.orderBy()
          + " limit ? offset ?";
    }
    String current = "r.res_type, r.res_id, r.version_id, r.last_updated, r.deleted";
    String matches =
        counted && query.joins()
            ? "select "
                + current
                + total
                + " from (select distinct "
                + current
                + query.fromWhere()
                + ") r"
            : "select " + (query.joins() ? "distinct " : "") + current + total + query.fromWhere();
    return "select "
        + current
        + ", h.body"
        + (counted ? ", r.total" : "")
        + " from ("
        + matches
        + query.orderBy()
        + " limit ? offset ?) r join fhir_resource_history h on h.res_type = r.res_type"
        + " and h.res_id = r.res_id and h.version_id = r.version_id"
        + query.orderBy();
  }

  public int count(SearchQuery query) {
    Integer total =
        jdbc.queryForObject(
            "select "
                + (query.joins() ? "count(distinct r.res_id)" : "count(*)")
                + query.fromWhere(),
            Integer.class,
            query.fromWhereArgsWith());
    return total == null ? 0 : total;
  }

  /** The targets of one reference parameter of the given resources (for {@code _include}). */
  public List<LocalReference> referencesFrom(String type, Collection<String> ids, String param) {
    if (ids.isEmpty()) {
      return List.of();
    }
    Optional<String> table = registry.table(type);
    if (table.isPresent()) {
      return ownReferencesFrom(table.get(), type, ids, param);
    }
    // (res_type, res_id) pairs, not "res_type = ? and res_id in (...)": H2 looks an IN list up in
    // an index only on its first column, so it scanned every reference row of the type instead.
    List<Object> args = new ArrayList<>();
    for (String id : ids) {
      args.add(type);
      args.add(id);
    }
    String only = registry.rowsTargetType(type, param);
    args.add(registry.rowsParam(type, param));
    if (only != null) {
      args.add(only);
    }
    return jdbc.query(
        "select distinct target_type, target_id from search_reference where (res_type, res_id) in ("
            + String.join(", ", java.util.Collections.nCopies(ids.size(), "(?, ?)"))
            + ") and param = ?"
            + (only != null ? " and target_type = ?" : ""),
        (rs, n) -> new LocalReference(rs.getString(1), rs.getString(2), null),
        args.toArray());
  }

  private List<LocalReference> ownReferencesFrom(
      String table, String type, Collection<String> ids, String param) {
    List<String> selects = new ArrayList<>();
    List<Object> args = new ArrayList<>();
    for (SearchParam.Column column :
        registry.param(type, param).map(SearchParam::columns).orElse(List.of())) {
      selects.add(
          "select "
              + column.qualifierSql()
              + ", "
              + column.value()
              + " from "
              + table
              + " r where r.res_id in ("
              + placeholders(ids.size())
              + ") and "
              + column.value()
              + " is not null");
      args.addAll(ids);
    }
    if (selects.isEmpty()) {
      return List.of();
    }
    return jdbc
        .query(
            String.join(" union ", selects),
            (rs, n) -> new LocalReference(rs.getString(1), rs.getString(2), null),
            args.toArray())
        .stream()
        .distinct()
        .toList();
  }

  /** Current resources of {@code sourceType} whose {@code param} points at the given ones. */
  public List<StoredVersion> referencing(
      String sourceType, String param, String targetType, Collection<String> targetIds) {
    String only = registry.rowsTargetType(sourceType, param);
    if (targetIds.isEmpty() || (only != null && !only.equals(targetType))) {
      return List.of();
    }
    List<Object> args = new ArrayList<>();
    args.add(sourceType);
    args.add(registry.rowsParam(sourceType, param));
    args.add(targetType);
    args.addAll(targetIds);
    return jdbc.query(
        CURRENT
            + " where r.res_type = ? and r.deleted = false"
            + " and exists (select 1 from search_reference x where x.res_type = r.res_type"
            + " and x.res_id = r.res_id and x.param = ? and x.target_type = ? and x.target_id in ("
            + placeholders(targetIds.size())
            + "))",
        VERSION_MAPPER,
        args.toArray());
  }

  public List<StoredVersion> readAll(String type, Collection<String> ids) {
    if (ids.isEmpty()) {
      return List.of();
    }
    List<Object> args = new ArrayList<>();
    args.add(type);
    args.addAll(ids);
    return jdbc.query(
        CURRENT
            + " where r.res_type = ? and r.deleted = false and r.res_id in ("
            + placeholders(ids.size())
            + ")",
        VERSION_MAPPER,
        args.toArray());
  }

  public int countAll() {
    Integer total = jdbc.queryForObject("select count(*) from fhir_resource", Integer.class);
    return total == null ? 0 : total;
  }

  /** The rows of a type kept in its own table, as {@link #ownMapper} reads them. */
  private static String ownRows(String table) {
    return ownColumns() + " from " + table + " r";
  }

  private static String ownColumns() {
    return "select r.res_id, r.last_updated, r.body";
  }

  /** Rows of a type's own table: written once, so each is version 1 and never deleted. */
  private static RowMapper<StoredVersion> ownMapper(String type) {
    return (rs, n) ->
        new StoredVersion(
            type, rs.getString(1), 1, rs.getTimestamp(2).toInstant(), false, rs.getString(3));
  }

  static String placeholders(int n) {
    return String.join(", ", java.util.Collections.nCopies(n, "?"));
  }

  private static String truncate(String value) {
    return value == null || value.length() <= 255 ? value : value.substring(0, 255);
  }

  private static StoredVersion mapVersion(ResultSet rs, int row) throws SQLException {
    return new StoredVersion(
        rs.getString(1),
        rs.getString(2),
        rs.getLong(3),
        rs.getTimestamp(4).toInstant(),
        rs.getBoolean(5),
        rs.getString(6));
  }
}
