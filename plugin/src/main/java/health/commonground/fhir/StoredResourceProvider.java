package health.commonground.fhir;

import ca.uhn.fhir.model.api.Include;
import ca.uhn.fhir.model.api.ResourceMetadataKeyEnum;
import ca.uhn.fhir.model.valueset.BundleEntrySearchModeEnum;
import ca.uhn.fhir.model.valueset.BundleEntryTransactionMethodEnum;
import ca.uhn.fhir.rest.annotation.ConditionalUrlParam;
import ca.uhn.fhir.rest.annotation.Count;
import ca.uhn.fhir.rest.annotation.Create;
import ca.uhn.fhir.rest.annotation.History;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.IncludeParam;
import ca.uhn.fhir.rest.annotation.Offset;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.annotation.ResourceParam;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.annotation.Since;
import ca.uhn.fhir.rest.annotation.Update;
import ca.uhn.fhir.rest.annotation.Validate;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import health.commonground.security.ResourceAccess;
import health.commonground.store.LocalReference;
import health.commonground.store.ResourceStore;
import health.commonground.store.SearchParam;
import health.commonground.store.SearchParamRegistry;
import health.commonground.store.SearchQuery;
import health.commonground.store.SqlCondition;
import health.commonground.store.StoredVersion;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Resource;

/**
 * The FHIR REST interactions every stored resource type shares: read, vread, history, search with
 * _include/_revinclude and offset paging, create (conditional), update (If-Match).
 */
public class StoredResourceProvider<T extends Resource> implements IResourceProvider {

  private final Class<T> type;
  private final String typeName;
  protected final ResourceStore store;
  protected final ResourceWriter writer;
  private final SearchParamRegistry registry;
  private final FhirProperties properties;

  public StoredResourceProvider(
      Class<T> type,
      ResourceStore store,
      ResourceWriter writer,
      SearchParamRegistry registry,
      FhirProperties properties) {
    this.type = type;
    this.typeName = type.getSimpleName();
    this.store = store;
    this.writer = writer;
    this.registry = registry;
    this.properties = properties;
  }

  @Override
  public Class<T> getResourceType() {
    return type;
  }

  @Read(version = true)
  public T read(@IdParam IdType id, RequestDetails request) {
    return type.cast(writer.toResource(stored(id, request)));
  }

  /** The stored version a read or vread answers with, once the caller may see it. */
  StoredVersion stored(IdType id, RequestDetails request) {
    checkVisible(id, request);
    return stored(id);
  }

  /** Reads without asking whom for: for the server's own use after access was checked. */
  public T read(IdType id) {
    return type.cast(writer.toResource(stored(id)));
  }

  private StoredVersion stored(IdType id) {
    ResourceWriter.checkId(id.getIdPart());
    StoredVersion stored;
    if (id.hasVersionIdPart()) {
      if (!id.isVersionIdPartValidLong() || id.getVersionIdPart().length() > 18) {
        throw new InvalidRequestException(
            "Version '" + id.getVersionIdPart() + "' is not a version number");
      }
      stored =
          store
              .readVersion(typeName, id.getIdPart(), id.getVersionIdPartAsLong())
              .orElseThrow(() -> notFound(id));
    } else {
      stored = store.read(typeName, id.getIdPart()).orElseThrow(() -> notFound(id));
    }
    if (stored.deleted()) {
      throw new ResourceGoneException(typeName + "/" + id.getIdPart() + " was deleted");
    }
    return stored;
  }

  @History
  public IBundleProvider instanceHistory(
      @IdParam IdType id,
      @Since InstantType since,
      @Count Integer count,
      @Offset Integer offset,
      RequestDetails request) {
    ResourceWriter.checkId(id.getIdPart());
    if (store.read(typeName, id.getIdPart()).isEmpty()) {
      throw notFound(id);
    }
    checkVisible(id, request);
    return history(id.getIdPart(), since, count, offset, null);
  }

  @History
  public IBundleProvider typeHistory(
      @Since InstantType since,
      @Count Integer count,
      @Offset Integer offset,
      RequestDetails request) {
    return history(
        null, since, count, offset, ResourceAccess.of(request).readable(typeName).orElse(null));
  }

  private IBundleProvider history(
      String id, InstantType since, Integer count, Integer offset, SqlCondition visible) {
    int pageSize = pageSize(count);
    int start = offset == null ? 0 : Math.max(0, offset);
    java.time.Instant sinceInstant = since == null ? null : since.getValue().toInstant();
    List<IBaseResource> page = new ArrayList<>();
    for (StoredVersion version :
        store.history(typeName, id, sinceInstant, visible, start, pageSize)) {
      Resource resource = writer.toResource(version);
      // A history entry says how the version came to be (bdl-3): created, or replaced.
      ResourceMetadataKeyEnum.ENTRY_TRANSACTION_METHOD.put(
          resource,
          version.version() == 1
              ? BundleEntryTransactionMethodEnum.POST
              : BundleEntryTransactionMethodEnum.PUT);
      page.add(resource);
    }
    return new StoreBundleProvider(
        page, store.historyCount(typeName, id, sinceInstant, visible), start, pageSize);
  }

  /**
   * A resource outside what the caller may see is answered exactly like one that does not exist.
   */
  protected void checkVisible(IdType id, RequestDetails request) {
    ResourceAccess access = ResourceAccess.of(request);
    if (access.readable(typeName).isPresent()) {
      ResourceWriter.checkId(id.getIdPart());
      if (!access.canRead(typeName, id.getIdPart())) {
        throw notFound(id);
      }
    }
  }

  @Search(allowUnknownParams = true)
  public IBundleProvider search(
      @IncludeParam(allow = "*") Set<Include> includes,
      @IncludeParam(reverse = true, allow = "*") Set<Include> revIncludes,
      @Count Integer count,
      @Offset Integer offset,
      RequestDetails request) {
    ResourceAccess access = ResourceAccess.of(request);
    Page found = searchPage(request.getParameters(), count, offset, access);
    List<IBaseResource> page = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (StoredVersion match : found.matches()) {
      Resource resource = writer.toResource(match);
      ResourceMetadataKeyEnum.ENTRY_SEARCH_MODE.put(resource, BundleEntrySearchModeEnum.MATCH);
      page.add(resource);
      ids.add(match.id());
    }
    addIncludes(page, ids, includes, access);
    addRevIncludes(page, ids, revIncludes, access);
    return new StoreBundleProvider(page, found.total(), found.offset(), found.pageSize());
  }

  /** One page of a search's matches as stored, and the total when it is asked for. */
  record Page(List<StoredVersion> matches, Integer total, int offset, int pageSize) {}

  /** The matches of a search the caller may see, before any _include. */
  Page searchPage(
      Map<String, String[]> parameters, Integer count, Integer offset, ResourceAccess access) {
    Map<String, String[]> params = new LinkedHashMap<>(parameters);
    params.remove("_offset");
    SearchQuery query = SearchQuery.parse(typeName, params, registry);
    access.readable(typeName).ifPresent(query::and);
    int pageSize = pageSize(count);
    int start = offset == null ? 0 : Math.max(0, offset);
    String[] totalMode = params.get("_total");
    boolean wantTotal = totalMode == null || !"none".equals(totalMode[0]);

    if (pageSize == 0) {
      return new Page(List.of(), wantTotal ? store.count(query) : null, start, pageSize);
    }
    if (wantTotal) {
      ResourceStore.Counted counted = store.searchCounted(query, start, pageSize);
      return new Page(counted.matches(), counted.total(), start, pageSize);
    }
    return new Page(store.search(query, start, pageSize), null, start, pageSize);
  }

  private void addIncludes(
      List<IBaseResource> page, List<String> ids, Set<Include> includes, ResourceAccess access) {
    if (includes == null || includes.isEmpty()) {
      return;
    }
    Set<String> seen = new LinkedHashSet<>();
    for (IBaseResource resource : page) {
      seen.add(resource.getIdElement().toUnqualifiedVersionless().getValue());
    }
    for (Include include : includes) {
      String param = includeParam(include, typeName);
      Map<String, List<String>> targetsByType = new LinkedHashMap<>();
      for (LocalReference target : store.referencesFrom(typeName, ids, param)) {
        if (include.getParamTargetType() == null
            || include.getParamTargetType().equals(target.type())) {
          targetsByType.computeIfAbsent(target.type(), t -> new ArrayList<>()).add(target.id());
        }
      }
      targetsByType.forEach(
          (targetType, targetIds) -> {
            SearchQuery targets = SearchQuery.ofIds(targetType, targetIds, registry);
            access.readable(targetType).ifPresent(targets::and);
            for (StoredVersion included : store.search(targets, 0, targetIds.size())) {
              addIncluded(page, seen, included);
            }
          });
    }
  }

  private void addRevIncludes(
      List<IBaseResource> page, List<String> ids, Set<Include> revIncludes, ResourceAccess access) {
    if (revIncludes == null || revIncludes.isEmpty()) {
      return;
    }
    Set<String> seen = new LinkedHashSet<>();
    for (IBaseResource resource : page) {
      seen.add(resource.getIdElement().toUnqualifiedVersionless().getValue());
    }
    for (Include include : revIncludes) {
      String sourceType = include.getParamType();
      String param = includeParam(include, null);
      SearchQuery referencing = SearchQuery.referencing(sourceType, param, typeName, ids, registry);
      access.readable(sourceType).ifPresent(referencing::and);
      for (StoredVersion included : store.search(referencing, 0, Integer.MAX_VALUE)) {
        addIncluded(page, seen, included);
      }
    }
  }

  /** The reference parameter an include names; {@code sourceType} null accepts any type. */
  private String includeParam(Include include, String sourceType) {
    String paramType = include.getParamType();
    String param = include.getParamName();
    boolean supported =
        paramType != null
            && param != null
            && (sourceType == null || sourceType.equals(paramType))
            && registry
                .param(paramType, param)
                .map(p -> p.kind() == SearchParam.Kind.REFERENCE)
                .orElse(false);
    if (!supported) {
      throw new InvalidRequestException(
          "'"
              + include.getValue()
              + "' is not a supported include; name a reference search"
              + " parameter, e.g. Goal:patient, Goal:linked-goal or Provenance:target");
    }
    return param;
  }

  private void addIncluded(List<IBaseResource> page, Set<String> seen, StoredVersion stored) {
    if (seen.add(stored.type() + "/" + stored.id())) {
      Resource resource = writer.toResource(stored);
      ResourceMetadataKeyEnum.ENTRY_SEARCH_MODE.put(resource, BundleEntrySearchModeEnum.INCLUDE);
      page.add(resource);
    }
  }

  @Create
  public MethodOutcome create(
      @ResourceParam T resource, @ConditionalUrlParam String conditional, RequestDetails request) {
    String ifNoneExist = conditional != null ? conditional : request.getHeader("If-None-Exist");
    resource.setId((String) null);
    ResourceWriter.Written written =
        writer.create(resource, ifNoneExist, ResourceAccess.of(request));
    return outcome(written);
  }

  @Update
  public MethodOutcome update(
      @IdParam IdType id, @ResourceParam T resource, RequestDetails request) {
    Long ifMatch = id.hasVersionIdPart() ? ifMatchVersion(id) : null;
    ResourceWriter.Written written =
        writer.update(resource, id.getIdPart(), ifMatch, ResourceAccess.of(request));
    return outcome(written);
  }

  @Validate
  public MethodOutcome validate(@ResourceParam IBaseResource resource, RequestDetails request) {
    if (!type.isInstance(resource)) {
      throw new InvalidRequestException(
          "$validate on "
              + typeName
              + " needs a "
              + typeName
              + ", not "
              + (resource == null ? "nothing" : "a " + resource.fhirType()));
    }
    MethodOutcome outcome = new MethodOutcome();
    outcome.setOperationOutcome(
        writer.check(type.cast(resource), ResourceAccess.of(request).actor()));
    return outcome;
  }

  private static Long ifMatchVersion(IdType id) {
    if (!id.isVersionIdPartValidLong() || id.getVersionIdPart().length() > 18) {
      throw new InvalidRequestException(
          "If-Match must be a version ETag such as W/\"3\", not '" + id.getVersionIdPart() + "'");
    }
    return id.getVersionIdPartAsLong();
  }

  protected static MethodOutcome outcome(ResourceWriter.Written written) {
    MethodOutcome outcome = new MethodOutcome();
    outcome.setId(written.resource().getIdElement());
    outcome.setResource(written.resource());
    outcome.setCreated(written.created());
    // What Prefer: return=OperationOutcome answers with.
    outcome.setOperationOutcome(
        OperationOutcomes.information(
            (written.created() ? "Created " : "Stored ")
                + written.resource().getIdElement().toUnqualified().getValue()));
    return outcome;
  }

  private int pageSize(Integer count) {
    if (count == null) {
      return properties.defaultPageSize();
    }
    if (count < 0) {
      throw new InvalidRequestException("_count must not be negative");
    }
    return Math.min(count, properties.maxPageSize());
  }

  private ResourceNotFoundException notFound(IdType id) {
    return new ResourceNotFoundException(
        typeName
            + "/"
            + id.getIdPart()
            + (id.hasVersionIdPart() ? "/_history/" + id.getVersionIdPart() : "")
            + " is not known");
  }
}
