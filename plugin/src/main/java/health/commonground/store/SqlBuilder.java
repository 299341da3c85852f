package health.commonground.store;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A WHERE clause and its arguments, built one condition at a time. */
class SqlBuilder {

  private final List<String> conditions = new ArrayList<>();
  private final List<Object> args = new ArrayList<>();

  SqlBuilder and(String condition, Object... values) {
    conditions.add(condition);
    args.addAll(Arrays.asList(values));
    return this;
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
