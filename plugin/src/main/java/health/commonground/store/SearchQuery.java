package health.commonground.store;

import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A FHIR search over one resource type, turned into SQL against the index tables. Values separated
 * by commas are alternatives (OR); a repeated parameter must hold every time (AND).
 *
 * <p>Each parameter becomes {@code r.res_id in (select res_id from search_… where res_type, param,
 * value match)}: the database finds the matches through the index's (type, param, value) order
 * instead of probing the index once for every resource of the type, as a correlated {@code exists}
 * made H2 do.
 */
public final class SearchQuery {

  /** Parameters that steer the result, not the match; handled by the FHIR layer. */
  private static final Set<String> RESULT_PARAMS =
      Set.of(
          "_count",
          "_offset",
          "_include",
          "_revinclude",
          "_total",
          "_format",
          "_pretty",
          "_summary",
          "_elements",
          "_sort");

  private final SqlBuilder sql = new SqlBuilder();
  private final String type;

  /** The type's own table ({@link ResourceIndexer#table()}), or null for the shared tables. */
  private final String table;

  /** How many conditions select the type's current resources, before the search's own. */
  private final int baseConditions;

  private String orderBy = " order by r.last_updated desc, r.res_id";

  /**
   * The first reference parameter again, as rows of {@code search_reference x0} to start from. H2
   * uses an {@code IN (select ...)} on {@code res_id} only for an index's first column, so the
   * condition alone makes it walk every current resource of the type; joining from the reference
   * index reads only the matches. Used by {@link ResourceStore#search} and {@link
   * ResourceStore#count} (with {@code distinct}, as a resource may match twice) in place of the
   * same {@code IN} condition, which H2 would otherwise run again for every joined row; {@link
   * #criteria()} keeps the {@code IN} form.
   */
  private String driver;

  private Object[] driverArgs;
  private int drivenCondition = -1;

  private SearchQuery(String type, SearchParamRegistry registry) {
    this.type = type;
    this.table = registry.table(type).orElse(null);
    if (table == null) {
      sql.and("r.res_type = ?", type).and("r.deleted = false");
    }
    baseConditions = sql.size();
  }

  /** The current resources of a type with the given ids. */
  public static SearchQuery ofIds(
      String type, java.util.Collection<String> ids, SearchParamRegistry registry) {
    SearchQuery query = new SearchQuery(type, registry);
    query.sql.and(
        ids.isEmpty() ? "1 = 0" : "r.res_id in (" + ResourceStore.placeholders(ids.size()) + ")",
        ids.toArray());
    return query;
  }

  /** Current resources of {@code sourceType} whose {@code param} points at the given ones. */
  public static SearchQuery referencing(
      String sourceType,
      String param,
      String targetType,
      java.util.Collection<String> targetIds,
      SearchParamRegistry registry) {
    SearchQuery query = new SearchQuery(sourceType, registry);
    List<SearchParam.Column> columns =
        registry.param(sourceType, param).map(SearchParam::columns).orElse(List.of());
    if (!columns.isEmpty()) {
      List<String> ors = new ArrayList<>();
      List<Object> args = new ArrayList<>();
      for (String id : targetIds) {
        for (SearchParam.Column column : columns) {
          referenceMatch(column, id, targetType, ors, args);
        }
      }
      query.sql.and(anyOf(ors), args.toArray());
      return query;
    }
    String only = registry.rowsTargetType(sourceType, param);
    boolean none = targetIds.isEmpty() || (only != null && !only.equals(targetType));
    List<Object> args = new ArrayList<>();
    args.add(registry.rowsParam(sourceType, param));
    args.add(targetType);
    args.addAll(targetIds);
    query.sql.and(
        none
            ? "1 = 0"
            : "exists (select 1 from search_reference x where x.res_type = r.res_type"
                + " and x.res_id = r.res_id and x.param = ? and x.target_type = ? and x.target_id in ("
                + ResourceStore.placeholders(targetIds.size())
                + "))",
        none ? new Object[0] : args.toArray());
    return query;
  }

  /** Narrows the search further, e.g. to the compartment the caller may see. */
  public SearchQuery and(SqlCondition condition) {
    sql.and("(" + condition.sql() + ")", condition.args().toArray());
    return this;
  }

  /**
   * The parameter conditions of this search alone (without type and deletion), as a condition on
   * alias {@code r}; e.g. the filter of a granular SMART scope such as {@code Goal.rs?category=x}.
   */
  public SqlCondition criteria() {
    return sql.conditionsFrom(baseConditions);
  }

  public static SearchQuery parse(
      String type, Map<String, String[]> parameters, SearchParamRegistry registry) {
    SearchQuery query = new SearchQuery(type, registry);
    for (Map.Entry<String, String[]> entry : parameters.entrySet()) {
      String name = entry.getKey();
      if (RESULT_PARAMS.contains(name)) {
        if (name.equals("_sort")) {
          for (String value : entry.getValue()) {
            query.sort(value);
          }
        }
        continue;
      }
      for (String value : entry.getValue()) {
        query.add(type, name, value, registry);
      }
    }
    return query;
  }

  private void sort(String value) {
    switch (value) {
      case "_lastUpdated" -> orderBy = " order by r.last_updated, r.res_id";
      case "-_lastUpdated" -> orderBy = " order by r.last_updated desc, r.res_id";
      case "_id" -> orderBy = " order by r.res_id";
      case "-_id" -> orderBy = " order by r.res_id desc";
      default ->
          throw new InvalidRequestException(
              "_sort=" + value + " is not supported; use _lastUpdated, -_lastUpdated, _id or -_id");
    }
  }

  private void add(String type, String rawName, String value, SearchParamRegistry registry) {
    String name = rawName;
    String modifier = null;
    int colon = rawName.indexOf(':');
    if (colon > 0) {
      name = rawName.substring(0, colon);
      modifier = rawName.substring(colon + 1);
    }
    if (value == null || value.isEmpty()) {
      throw new InvalidRequestException("Search parameter " + rawName + " has no value");
    }
    List<String> alternatives = splitOr(value);
    switch (name) {
      case "_id" -> {
        rejectModifier(rawName, modifier);
        sql.and(
            "r.res_id in (" + ResourceStore.placeholders(alternatives.size()) + ")",
            alternatives.toArray());
        return;
      }
      case "_lastUpdated" -> {
        rejectModifier(rawName, modifier);
        lastUpdated(value);
        return;
      }
      default -> {
        // a parameter of the resource type, below
      }
    }
    String paramName = name;
    SearchParam param =
        registry
            .param(type, name)
            .orElseThrow(
                () ->
                    new InvalidRequestException(
                        "Unknown search parameter '"
                            + paramName
                            + "' for "
                            + type
                            + "; see the CapabilityStatement at /fhir/metadata"));
    switch (param.kind()) {
      case TOKEN -> token(param, rawName, modifier, alternatives);
      case REFERENCE -> reference(param, rawName, modifier, alternatives);
      case STRING -> string(param.name(), rawName, modifier, alternatives);
    }
  }

  private void token(SearchParam param, String rawName, String modifier, List<String> values) {
    boolean negate = "not".equals(modifier);
    if (modifier != null && !negate) {
      throw new InvalidRequestException(
          "Modifier :" + modifier + " is not supported on " + rawName);
    }
    if (!param.columns().isEmpty()) {
      tokenInColumns(param.columns(), rawName, negate, values);
      return;
    }
    List<String> ors = new ArrayList<>();
    List<Object> args = new ArrayList<>();
    args.add(type);
    args.add(param.name());
    for (String value : values) {
      int bar = value.indexOf('|');
      if (bar < 0) {
        ors.add("t.code = ?");
        args.add(value);
      } else {
        String system = value.substring(0, bar);
        String code = value.substring(bar + 1);
        if (system.isEmpty() && code.isEmpty()) {
          throw new InvalidRequestException(
              "Search parameter " + rawName + " has an empty token '|'");
        } else if (system.isEmpty()) {
          ors.add("(t.code = ? and t.sys is null)");
          args.add(code);
        } else if (code.isEmpty()) {
          ors.add("t.sys = ?");
          args.add(system);
        } else {
          ors.add("(t.code = ? and t.sys = ?)");
          args.add(code);
          args.add(system);
        }
      }
    }
    sql.and(
        "r.res_id "
            + (negate ? "not " : "")
            + "in (select t.res_id from search_token t"
            + " where t.res_type = ? and t.param = ? and ("
            + String.join(" or ", ors)
            + "))",
        args.toArray());
  }

  private void reference(SearchParam param, String rawName, String modifier, List<String> values) {
    if (modifier != null && !modifier.matches("[A-Z][A-Za-z]+")) {
      throw new InvalidRequestException(
          "Modifier :" + modifier + " is not supported on " + rawName);
    }
    List<String> ors = new ArrayList<>();
    List<Object> args = new ArrayList<>();
    List<String> columnOrs = new ArrayList<>();
    List<Object> columnArgs = new ArrayList<>();
    args.add(type);
    args.add(param.rowsParam());
    for (String value : values) {
      String[] parts = value.split("/");
      String id = parts[parts.length - 1];
      String targetType = parts.length >= 2 ? parts[parts.length - 2] : modifier;
      if (!id.matches("[A-Za-z0-9\\-.]{1,64}")) {
        throw new InvalidRequestException(
            "Search parameter " + rawName + " has an invalid reference '" + value + "'");
      }
      String only = param.rowsTargetType();
      if (only != null) {
        if (targetType != null && !targetType.equals(only)) {
          continue; // a type this parameter never refers to: the value matches nothing
        }
        targetType = only;
      }
      for (SearchParam.Column column : param.columns()) {
        referenceMatch(column, id, targetType, columnOrs, columnArgs);
      }
      if (targetType == null) {
        ors.add("x.target_id = ?");
        args.add(id);
      } else {
        ors.add("(x.target_id = ? and x.target_type = ?)");
        args.add(id);
        args.add(targetType);
      }
    }
    if (!param.columns().isEmpty()) {
      sql.and(anyOf(columnOrs), columnArgs.toArray());
      return;
    }
    if (ors.isEmpty()) {
      sql.and("1 = 0");
      return;
    }
    sql.and(
        "r.res_id in (select x.res_id from search_reference x where x.res_type = ?"
            + " and x.param = ? and ("
            + String.join(" or ", ors)
            + "))",
        args.toArray());
    if (driver == null) {
      drivenCondition = sql.size() - 1;
      driver =
          "x0.res_type = ? and x0.param = ? and ("
              + String.join(" or ", ors).replace("x.", "x0.")
              + ")";
      driverArgs = args.toArray();
    }
  }

  /**
   * A token parameter kept in columns: each value as {@link #token} matches an index row, here
   * against each column; {@code :not} holds where none matches (also where a column is empty).
   */
  private void tokenInColumns(
      List<SearchParam.Column> columns, String rawName, boolean negate, List<String> values) {
    List<String> ors = new ArrayList<>();
    List<Object> args = new ArrayList<>();
    for (String value : values) {
      int bar = value.indexOf('|');
      String system = bar < 0 ? null : value.substring(0, bar);
      String code = bar < 0 ? value : value.substring(bar + 1);
      if (bar >= 0 && system.isEmpty() && code.isEmpty()) {
        throw new InvalidRequestException(
            "Search parameter " + rawName + " has an empty token '|'");
      }
      for (SearchParam.Column column : columns) {
        String qualifier = column.qualifierSql();
        if (bar < 0) {
          ors.add(column.value() + " = ?");
          args.add(code);
        } else if (system.isEmpty()) {
          ors.add("(" + column.value() + " = ? and " + qualifier + " is null)");
          args.add(code);
        } else if (code.isEmpty()) {
          ors.add("(" + column.value() + " is not null and " + qualifier + " = ?)");
          args.add(system);
        } else {
          ors.add("(" + column.value() + " = ? and " + qualifier + " = ?)");
          args.add(code);
          args.add(system);
        }
      }
    }
    String any = anyOf(ors);
    sql.and(negate ? "not coalesce(" + any + ", false)" : any, args.toArray());
  }

  /** One reference value ({@code targetType} null for any type) against one column. */
  private static void referenceMatch(
      SearchParam.Column column,
      String id,
      String targetType,
      List<String> ors,
      List<Object> args) {
    if (targetType == null) {
      ors.add(column.value() + " = ?");
      args.add(id);
    } else {
      ors.add("(" + column.value() + " = ? and " + column.qualifierSql() + " = ?)");
      args.add(id);
      args.add(targetType);
    }
  }

  private static String anyOf(List<String> ors) {
    return ors.isEmpty() ? "1 = 0" : "(" + String.join(" or ", ors) + ")";
  }

  private void string(String param, String rawName, String modifier, List<String> values) {
    if (modifier != null && !modifier.equals("exact") && !modifier.equals("contains")) {
      throw new InvalidRequestException(
          "Modifier :" + modifier + " is not supported on " + rawName);
    }
    List<String> ors = new ArrayList<>();
    List<Object> args = new ArrayList<>();
    args.add(type);
    args.add(param);
    for (String value : values) {
      String normalised = IndexEntries.normalise(value);
      if ("exact".equals(modifier)) {
        ors.add("s.val = ?");
        args.add(normalised);
      } else {
        ors.add("s.val like ? escape '\\'");
        String escaped = normalised.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
        args.add(("contains".equals(modifier) ? "%" : "") + escaped + "%");
      }
    }
    sql.and(
        "r.res_id in (select s.res_id from search_string s where s.res_type = ?"
            + " and s.param = ? and ("
            + String.join(" or ", ors)
            + "))",
        args.toArray());
  }

  private void lastUpdated(String value) {
    String prefix = "eq";
    String date = value;
    if (value.length() > 2 && Character.isLetter(value.charAt(0))) {
      prefix = value.substring(0, 2);
      date = value.substring(2);
    }
    Instant[] range = range(date);
    Timestamp low = Timestamp.from(range[0]);
    Timestamp high = Timestamp.from(range[1]);
    switch (prefix) {
      case "eq" -> sql.and("r.last_updated >= ? and r.last_updated < ?", low, high);
      case "ge", "sa" -> sql.and("r.last_updated >= ?", "sa".equals(prefix) ? high : low);
      case "gt" -> sql.and("r.last_updated >= ?", high);
      case "le" -> sql.and("r.last_updated < ?", high);
      case "lt", "eb" -> sql.and("r.last_updated < ?", low);
      default ->
          throw new InvalidRequestException(
              "_lastUpdated prefix '" + prefix + "' is not supported; use eq, ge, gt, le, lt");
    }
  }

  /** A date of any FHIR precision as the half-open interval it covers. */
  static Instant[] range(String date) {
    try {
      if (date.matches("\\d{4}")) {
        int year = Integer.parseInt(date);
        return new Instant[] {utc(LocalDate.of(year, 1, 1)), utc(LocalDate.of(year + 1, 1, 1))};
      }
      if (date.matches("\\d{4}-\\d{2}")) {
        YearMonth month = YearMonth.parse(date);
        return new Instant[] {utc(month.atDay(1)), utc(month.plusMonths(1).atDay(1))};
      }
      if (date.matches("\\d{4}-\\d{2}-\\d{2}")) {
        LocalDate day = LocalDate.parse(date);
        return new Instant[] {utc(day), utc(day.plusDays(1))};
      }
      Instant instant = OffsetDateTime.parse(date).toInstant();
      return new Instant[] {instant, instant.plusMillis(1)};
    } catch (DateTimeParseException | NumberFormatException e) {
      throw new InvalidRequestException(
          "'" + date + "' is not a FHIR date (YYYY, YYYY-MM, YYYY-MM-DD or an instant with zone)");
    }
  }

  private static Instant utc(LocalDate date) {
    return date.atStartOfDay().toInstant(ZoneOffset.UTC);
  }

  private static void rejectModifier(String rawName, String modifier) {
    if (modifier != null) {
      throw new InvalidRequestException(
          "Modifier :" + modifier + " is not supported on " + rawName);
    }
  }

  private static List<String> splitOr(String value) {
    List<String> parts = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\\' && i + 1 < value.length()) {
        current.append(value.charAt(++i));
      } else if (c == ',') {
        parts.add(current.toString());
        current.setLength(0);
      } else {
        current.append(c);
      }
    }
    parts.add(current.toString());
    parts.removeIf(String::isEmpty);
    if (parts.isEmpty()) {
      throw new InvalidRequestException("Search value '" + value + "' is empty");
    }
    return parts;
  }

  String where() {
    return sql.where();
  }

  /**
   * FROM and WHERE of a search, {@code distinct} needed when it joins: either {@code fhir_resource
   * r} with {@link #where()}, or, with a reference parameter, its index rows joined to {@code r}.
   */
  String fromWhere() {
    if (driver == null) {
      return " from " + (table == null ? "fhir_resource" : table) + " r" + sql.where();
    }
    return " from search_reference x0 join fhir_resource r"
        + " on r.res_type = x0.res_type and r.res_id = x0.res_id where "
        + driver
        + " and "
        + sql.allBut(drivenCondition).sql();
  }

  boolean joins() {
    return driver != null;
  }

  /** The type's own table, or null for the shared tables. */
  String table() {
    return table;
  }

  String type() {
    return type;
  }

  Object[] fromWhereArgsWith(Object... more) {
    if (driver == null) {
      return sql.argsWith(more);
    }
    List<Object> rest = new ArrayList<>(sql.allBut(drivenCondition).args());
    rest.addAll(java.util.Arrays.asList(more));
    Object[] where = rest.toArray();
    Object[] all = java.util.Arrays.copyOf(driverArgs, driverArgs.length + where.length);
    System.arraycopy(where, 0, all, driverArgs.length, where.length);
    return all;
  }

  String orderBy() {
    return orderBy;
  }

  Object[] args() {
    return sql.args();
  }

  Object[] argsWith(Object... more) {
    return sql.argsWith(more);
  }
}
