package health.commonground.store;

import java.util.List;

/** The search parameters of one resource type. Each feature that owns a type provides one. */
public interface ResourceIndexer {

  String resourceType();

  List<SearchParam> searchParams();

  /**
   * The table of its own the type is kept in, one row per resource with its JSON ({@code res_id},
   * {@code last_updated}, {@code body}) and its parameters' values in columns (write-once records,
   * without history); null for the shared resource and index tables.
   */
  default String table() {
    return null;
  }
}
