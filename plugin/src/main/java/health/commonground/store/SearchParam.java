package health.commonground.store;

import java.util.List;
import java.util.function.BiConsumer;
import org.hl7.fhir.r4.model.Resource;

/**
 * A search parameter the store indexes: its name, its kind, what it means, and how its values are
 * taken from a resource. A type kept in a table of its own ({@link ResourceIndexer#table()}) keeps
 * the values in columns of its rows instead of index rows: {@code columns} says which. A reference
 * parameter whose values are those of another one, of one target type ({@code rowsOf}), is searched
 * in that one's index rows and has none of its own.
 */
public record SearchParam(
    String name,
    Kind kind,
    String description,
    BiConsumer<Resource, IndexEntries> extractor,
    List<Column> columns,
    RowsOf rowsOf) {

  public SearchParam {
    columns = List.copyOf(columns);
  }

  public SearchParam(
      String name,
      Kind kind,
      String description,
      BiConsumer<Resource, IndexEntries> extractor,
      List<Column> columns) {
    this(name, kind, description, extractor, columns, null);
  }

  /**
   * The index rows of reference parameter {@code param} whose target is a {@code targetType}: where
   * a parameter that names the same references (e.g. a Goal's {@code patient}, its {@code subject}
   * when that is a Patient) is searched.
   */
  public record RowsOf(String param, String targetType) {}

  /** The FHIR search parameter types the store supports. */
  public enum Kind {
    TOKEN,
    REFERENCE,
    STRING
  }

  public static SearchParam token(
      String name, String description, BiConsumer<Resource, IndexEntries> extractor) {
    return new SearchParam(name, Kind.TOKEN, description, extractor, List.of());
  }

  public static SearchParam reference(
      String name, String description, BiConsumer<Resource, IndexEntries> extractor) {
    return new SearchParam(name, Kind.REFERENCE, description, extractor, List.of());
  }

  public static SearchParam string(
      String name, String description, BiConsumer<Resource, IndexEntries> extractor) {
    return new SearchParam(name, Kind.STRING, description, extractor, List.of());
  }

  /** The same parameter, its values kept in these columns of the type's own table. */
  public SearchParam keptIn(Column... kept) {
    if (kind == Kind.STRING) {
      throw new IllegalArgumentException("String parameters are kept in index rows: " + name);
    }
    return new SearchParam(name, kind, description, extractor, List.of(kept), rowsOf);
  }

  /**
   * The same reference parameter, searched in the index rows of {@code param} whose target is a
   * {@code targetType}; it writes none of its own. Its extractor must find exactly those
   * references.
   */
  public SearchParam inRowsOf(String param, String targetType) {
    if (kind != Kind.REFERENCE) {
      throw new IllegalArgumentException("Only reference parameters share rows: " + name);
    }
    return new SearchParam(
        name, kind, description, extractor, columns, new RowsOf(param, targetType));
  }

  /** The parameter whose index rows hold this one's values: itself, or {@link #rowsOf}'s. */
  public String rowsParam() {
    return rowsOf == null ? name : rowsOf.param();
  }

  /** The one target type of this parameter's rows, or null for any. */
  public String rowsTargetType() {
    return rowsOf == null ? null : rowsOf.targetType();
  }

  /**
   * Where one value of a token or reference parameter is kept in a row (alias {@code r}): the code
   * or id ({@code value}, a column or an expression), with its system or type either in a column
   * ({@code qualifierColumn}) or the same for every row ({@code fixedQualifier}).
   */
  public record Column(String value, String qualifierColumn, String fixedQualifier) {

    public static Column of(String value, String qualifierColumn) {
      return new Column(value, qualifierColumn, null);
    }

    public static Column fixed(String value, String qualifier) {
      return new Column(value, null, qualifier);
    }

    /** The qualifier as SQL: the column, or the fixed value as a literal. */
    String qualifierSql() {
      return qualifierColumn != null
          ? qualifierColumn
          : "'" + fixedQualifier.replace("'", "''") + "'";
    }
  }
}
