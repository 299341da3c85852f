package health.commonground.store;

import java.util.List;

/**
 * A condition on the current resources ({@code fhir_resource} as alias {@code r}) with its
 * arguments, e.g. the compartment a caller may see. The store adds it to its SQL, so counts and
 * pages stay right.
 */
public record SqlCondition(String sql, List<Object> args) {

  public static final SqlCondition NOTHING = new SqlCondition("1 = 0", List.of());

  public SqlCondition {
    args = List.copyOf(args);
  }

  public static SqlCondition of(String sql, Object... args) {
    return new SqlCondition(sql, List.of(args));
  }
}
