package health.commonground.store;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.stereotype.Component;

/** Every search parameter the store indexes, by resource type. */
@Component
public class SearchParamRegistry {

  private final Map<String, Map<String, SearchParam>> byType = new HashMap<>();
  private final Map<String, String> tables = new HashMap<>();

  public SearchParamRegistry(List<ResourceIndexer> indexers) {
    for (ResourceIndexer indexer : indexers) {
      if (indexer.table() != null) {
        tables.put(indexer.resourceType(), indexer.table());
      }
      Map<String, SearchParam> params =
          byType.computeIfAbsent(indexer.resourceType(), t -> new java.util.LinkedHashMap<>());
      indexer.searchParams().forEach(p -> params.put(p.name(), p));
    }
  }

  public Optional<SearchParam> param(String type, String name) {
    return Optional.ofNullable(byType.getOrDefault(type, Map.of()).get(name));
  }

  /** The table of its own a type is kept in ({@link ResourceIndexer#table()}), if any. */
  public Optional<String> table(String type) {
    return Optional.ofNullable(tables.get(type));
  }

  public Collection<SearchParam> params(String type) {
    return byType.getOrDefault(type, Map.of()).values();
  }

  /** The index rows of one parameter only (none if the type has no such parameter). */
  public IndexEntries index(Resource resource, String paramName) {
    IndexEntries entries = new IndexEntries();
    param(resource.fhirType(), paramName)
        .ifPresent(p -> p.extractor().accept(resource, entries.forParam(p.name())));
    return entries;
  }

  /**
   * The index rows to store for a resource: those of every parameter but the ones kept in another's
   * rows ({@link SearchParam#rowsOf()}). To ask what a parameter names, use {@link #index(Resource,
   * String)}.
   */
  public IndexEntries index(Resource resource) {
    IndexEntries entries = new IndexEntries();
    for (SearchParam param : params(resource.fhirType())) {
      if (param.rowsOf() == null) {
        param.extractor().accept(resource, entries.forParam(param.name()));
      }
    }
    return entries;
  }

  /** The parameter whose index rows hold {@code type}'s {@code name} (itself when unknown). */
  public String rowsParam(String type, String name) {
    return param(type, name).map(SearchParam::rowsParam).orElse(name);
  }

  /** The one target type {@code type}'s reference parameter {@code name} has, or null for any. */
  public String rowsTargetType(String type, String name) {
    return param(type, name).map(SearchParam::rowsTargetType).orElse(null);
  }
}
