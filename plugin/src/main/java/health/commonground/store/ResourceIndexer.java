package health.commonground.store;

import java.util.List;

/** The search parameters of one resource type. Each feature that owns a type provides one. */
public interface ResourceIndexer {

  String resourceType();

  List<SearchParam> searchParams();
}
