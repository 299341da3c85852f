package health.commonground.store;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A WHERE clause and its arguments, built one condition at a time. */
class SqlBuilder {

  private final List<String> conditions = new ArrayList<>();
  private final List<List<Object>> argsByCondition = new ArrayList<>();
  private final List<Object> args = new ArrayList<>();

  SqlBuilder and(String condition, Object... values) {
    conditions.add(condition);
    argsByCondition.add(Arrays.asList(values));
    args.addAll(Arrays.asList(values));
    return this;
  }

  int size() {
    return conditions.size();
  }

  /** Every condition but the one at {@code skipped}, joined with AND, with their arguments. */
  SqlCondition allBut(int skipped) {
    List<String> kept = new ArrayList<>();
    List<Object> keptArgs = new ArrayList<>();
    for (int i = 0; i < conditions.size(); i++) {
      if (i != skipped) {
        kept.add(conditions.get(i));
        keptArgs.addAll(argsByCondition.get(i));
      }
    }
    return new SqlCondition(kept.isEmpty() ? "1 = 1" : String.join(" and ", kept), keptArgs);
  }

  /** The conditions from the given index on, joined with AND ("1 = 1" when there are none). */
  SqlCondition conditionsFrom(int first) {
    if (conditions.size() <= first) {
      return SqlCondition.of("1 = 1");
    }
    List<Object> selected = new ArrayList<>();
    argsByCondition.subList(first, conditions.size()).forEach(selected::addAll);
    return new SqlCondition(
        String.join(" and ", conditions.subList(first, conditions.size())), selected);
  }

  String where() {
    return conditions.isEmpty() ? "" : " where " + String.join(" and ", conditions);
  }

  Object[] args() {
    return args.toArray();
  }

  Object[] argsWith(Object... more) {
    List<Object> all = new ArrayList<>(args);
    all.addAll(Arrays.asList(more));
    return all.toArray();
  }
}
