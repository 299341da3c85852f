package health.commonground.fhir;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.HookParams;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.model.valueset.BundleTypeEnum;
import ca.uhn.fhir.rest.api.BundleLinks;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.api.RequestTypeEnum;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.IRestfulResponse;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.RestfulServerUtils;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import ca.uhn.fhir.util.DateUtils;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import health.commonground.security.ResourceAccess;
import health.commonground.store.LocalReference;
import health.commonground.store.ResourceStore;
import health.commonground.store.SearchParamRegistry;
import health.commonground.store.StoredVersion;
import java.io.IOException;
import java.io.Writer;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.InstantType;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Answers plain JSON reads and searches with the JSON as stored, without parsing it into HAPI's
 * model and encoding it again (a quarter of a read's CPU, half of a search's).
 *
 * <p>Only requests HAPI would answer with exactly these bytes take this path: GET read, vread or
 * type search of a stored type, JSON asked for (or nothing), not pretty, no {@code _summary},
 * {@code _elements}, {@code _include} or conditional headers. Everything else, and every error,
 * goes through HAPI as before. Access is checked by the same hooks (HAPI's pre-handled pointcut),
 * the same provider code finds the versions, and the access log records the answer.
 *
 * <p>A create or update is answered the same way: the resource written carries the JSON just stored
 * ({@link #STORED_JSON}), so HAPI does not encode it a second time (~10 % of a create).
 */
@Component
class StoredJsonAnswers implements FhirInterceptor {

  /** Search parameters that do not change what HAPI would add to the answer. */
  private static final Set<String> PLAIN_SEARCH_CONTROLS =
      Set.of("_id", "_lastUpdated", "_count", "_offset", "_total", "_sort", "_format");

  /** User data of a resource just written: its JSON exactly as stored. */
  static final String STORED_JSON = StoredJsonAnswers.class.getName() + ".storedJson";

  private static final Set<RestOperationTypeEnum> WRITES =
      Set.of(RestOperationTypeEnum.CREATE, RestOperationTypeEnum.UPDATE);

  /** Parameters that change what HAPI returns for a write. */
  private static final Set<String> SHAPING_PARAMETERS =
      Set.of(Constants.PARAM_SUMMARY, Constants.PARAM_ELEMENTS);

  private static final Set<String> CONDITIONAL_HEADERS =
      Set.of(Constants.HEADER_IF_NONE_MATCH, Constants.HEADER_IF_MODIFIED_SINCE);

  private final Map<String, StoredResourceProvider<?>> providers = new HashMap<>();
  private final ResourceStore store;
  private final SearchParamRegistry registry;
  private final ObjectProvider<AnswerLog> log;
  private final LongAdder answered = new LongAdder();

  StoredJsonAnswers(
      List<IResourceProvider> resourceProviders,
      ResourceStore store,
      SearchParamRegistry registry,
      ObjectProvider<AnswerLog> log) {
    // The access log stays with HAPI: administrators read it now and then, and its reads must
    // first wait for queued entries.
    for (IResourceProvider provider : resourceProviders) {
      if (provider instanceof StoredResourceProvider<?> stored
          && !"AuditEvent".equals(stored.getResourceType().getSimpleName())) {
        providers.put(stored.getResourceType().getSimpleName(), stored);
      }
    }
    this.store = store;
    this.registry = registry;
    this.log = log;
  }

  /** After the caller is identified (order 0), before HAPI picks a method; false = answered. */
  @Hook(value = Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED, order = 100)
  public boolean answer(RequestDetails request) throws IOException {
    if (!(request instanceof ServletRequestDetails servletRequest)
        || request.getRequestType() != RequestTypeEnum.GET
        || request.getOperation() != null
        || request.getCompartmentName() != null) {
      return true;
    }
    StoredResourceProvider<?> provider = providers.get(request.getResourceName());
    String contentType = provider == null ? null : plainJsonContentType(servletRequest);
    if (contentType == null) {
      return true;
    }
    if (request.getId() == null || !request.getId().hasIdPart()) {
      return search(provider, servletRequest, contentType);
    }
    return read(provider, servletRequest, contentType);
  }

  /**
   * After HAPI's own response hooks (the access log among them), before HAPI encodes the resource a
   * create or update returns: write the JSON stored for it instead, with the headers HAPI would add
   * (Location for a POST, Content-Location, ETag, Last-Modified); false = answered.
   */
  @Hook(value = Pointcut.SERVER_OUTGOING_RESPONSE, order = 1000)
  public boolean answerWrite(RequestDetails request, ResponseDetails details) throws IOException {
    if (!(request instanceof ServletRequestDetails servletRequest)
        || !WRITES.contains(request.getRestOperationType())
        || details.getResponseResource() == null
        || !(details.getResponseResource().getUserData(STORED_JSON) instanceof String json)
        || request.getParameters().keySet().stream().anyMatch(SHAPING_PARAMETERS::contains)) {
      return true;
    }
    String contentType = plainJsonContentType(servletRequest);
    if (contentType == null) {
      return true;
    }
    IBaseResource resource = details.getResponseResource();
    IRestfulResponse response = request.getResponse();
    String version = resource.getIdElement().getVersionIdPart();
    String location =
        new IdType(
                request.getFhirServerBase(),
                resource.fhirType(),
                resource.getIdElement().getIdPart(),
                version)
            .getValue();
    if (request.getRequestType() == RequestTypeEnum.POST) {
      response.addHeader(Constants.HEADER_LOCATION, location);
    }
    response.addHeader(Constants.HEADER_CONTENT_LOCATION, location);
    response.addHeader(Constants.HEADER_ETAG, RestfulServerUtils.createEtag(version));
    response.addHeader(
        Constants.HEADER_LAST_MODIFIED, DateUtils.formatDate(resource.getMeta().getLastUpdated()));
    write(servletRequest, details.getResponseCode(), contentType, json);
    return false;
  }

  private boolean read(
      StoredResourceProvider<?> provider, ServletRequestDetails request, String contentType)
      throws IOException {
    if (!request.getParameters().keySet().stream().allMatch("_format"::equals)) {
      return true;
    }
    IdType id = new IdType(request.getId().getValue());
    authorize(
        request, id.hasVersionIdPart() ? RestOperationTypeEnum.VREAD : RestOperationTypeEnum.READ);
    StoredVersion stored = provider.stored(id, request);
    IRestfulResponse response = request.getResponse();
    response.addHeader(
        Constants.HEADER_ETAG, RestfulServerUtils.createEtag(Long.toString(stored.version())));
    response.addHeader(
        Constants.HEADER_LAST_MODIFIED, DateUtils.formatDate(Date.from(stored.lastUpdated())));
    write(request, contentType, stored.json());
    log(request, () -> patientOf(stored));
    return false;
  }

  private boolean search(
      StoredResourceProvider<?> provider, ServletRequestDetails request, String contentType)
      throws IOException {
    Map<String, String[]> params = request.getParameters();
    for (String name : params.keySet()) {
      if (name.startsWith("_") && !PLAIN_SEARCH_CONTROLS.contains(name)) {
        return true;
      }
    }
    Integer count = integer(params, Constants.PARAM_COUNT);
    Integer offset = integer(params, Constants.PARAM_OFFSET);
    if ((params.containsKey(Constants.PARAM_COUNT) && (count == null || count == 0))
        || (params.containsKey(Constants.PARAM_OFFSET) && offset == null)) {
      return true; // HAPI explains a bad number and answers _count=0 as _summary=count
    }
    authorize(request, RestOperationTypeEnum.SEARCH_TYPE);
    StoredResourceProvider.Page page =
        provider.searchPage(params, count, offset, ResourceAccess.of(request));
    write(request, contentType, bundle(request, page));
    log(request, () -> null);
    return false;
  }

  /**
   * A searchset as HAPI's bundle factory writes it for {@link StoreBundleProvider}: id, meta, type,
   * total, the self / next / previous links (offset paging, no paging provider), then the entries.
   */
  private static String bundle(RequestDetails request, StoredResourceProvider.Page page) {
    String base = request.getFhirServerBase();
    BundleLinks links = new BundleLinks(base, null, false, BundleTypeEnum.SEARCHSET);
    String self = RestfulServerUtils.createLinkSelf(base, request);
    String next = null;
    String previous = null;
    int offset = page.offset();
    int size = page.pageSize();
    if (!page.matches().isEmpty() && (page.total() == null || offset + size < page.total())) {
      next =
          RestfulServerUtils.createOffsetPagingLink(
              links,
              request.getRequestPath(),
              request.getTenantId(),
              offset + size,
              size,
              request.getParameters());
    }
    if (offset > 0) {
      previous =
          RestfulServerUtils.createOffsetPagingLink(
              links,
              request.getRequestPath(),
              request.getTenantId(),
              Math.max(0, offset - size),
              size,
              request.getParameters());
    }
    int bodies = page.matches().stream().mapToInt(m -> m.json().length() + 120).sum();
    StringBuilder json = new StringBuilder(bodies + 600);
    json.append("{\"resourceType\":\"Bundle\",\"id\":\"")
        .append(UUID.randomUUID())
        .append("\",\"meta\":{\"lastUpdated\":\"")
        .append(InstantType.withCurrentTime().getValueAsString())
        .append("\"},\"type\":\"searchset\"");
    if (page.total() != null) {
      json.append(",\"total\":").append(page.total());
    }
    json.append(",\"link\":[");
    link(json, "self", self);
    if (next != null) {
      link(json.append(','), "next", next);
    }
    if (previous != null) {
      link(json.append(','), "previous", previous);
    }
    json.append(']');
    if (!page.matches().isEmpty()) {
      json.append(",\"entry\":[");
      boolean first = true;
      for (StoredVersion match : page.matches()) {
        if (!first) {
          json.append(',');
        }
        first = false;
        json.append("{\"fullUrl\":");
        quote(json, base + "/" + match.type() + "/" + match.id());
        json.append(",\"resource\":")
            .append(match.json())
            .append(",\"search\":{\"mode\":\"match\"}}");
      }
      json.append(']');
    }
    return json.append('}').toString();
  }

  private static void link(StringBuilder json, String relation, String url) {
    json.append("{\"relation\":\"").append(relation).append("\",\"url\":");
    quote(json, url);
    json.append('}');
  }

  private static void quote(StringBuilder json, String value) {
    json.append('"').append(JsonStringEncoder.getInstance().quoteAsString(value)).append('"');
  }

  /** The hooks HAPI runs before a read or search (access checks); a refusal throws. */
  private static void authorize(ServletRequestDetails request, RestOperationTypeEnum operation) {
    request.setRestOperationType(operation);
    HookParams params =
        new HookParams()
            .add(RequestDetails.class, request)
            .add(ServletRequestDetails.class, request)
            .add(RestOperationTypeEnum.class, operation);
    request
        .getInterceptorBroadcaster()
        .callHooks(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED, params);
  }

  private void write(ServletRequestDetails request, String contentType, String json)
      throws IOException {
    write(request, 200, contentType, json);
  }

  private void write(ServletRequestDetails request, int status, String contentType, String json)
      throws IOException {
    answered.increment();
    IRestfulResponse response = request.getResponse();
    Writer writer =
        response.getResponseWriter(
            status, contentType, Constants.CHARSET_NAME_UTF8, request.isRespondGzip());
    writer.write(json);
    response.commitResponse(writer);
  }

  /**
   * The content type HAPI would answer with, when the answer is JSON without pretty printing, no
   * browser asks for HTML (HAPI's response highlighter answers those) and no conditional header is
   * sent; otherwise null.
   */
  private static String plainJsonContentType(ServletRequestDetails request) {
    RestfulServerUtils.ResponseEncoding encoding =
        RestfulServerUtils.determineResponseEncodingWithDefault(request);
    String accept = request.getHeader(Constants.HEADER_ACCEPT);
    if (encoding.getEncoding() != EncodingEnum.JSON
        || (accept != null && accept.contains("html"))
        || request.getParameters().containsKey(Constants.PARAM_PRETTY)) {
      return null;
    }
    for (String header : CONDITIONAL_HEADERS) {
      if (request.getHeader(header) != null) {
        return null;
      }
    }
    return encoding.getResourceContentType();
  }

  private String patientOf(StoredVersion stored) {
    if (registry.param(stored.type(), "patient").isEmpty()) {
      return null;
    }
    return store.referencesFrom(stored.type(), List.of(stored.id()), "patient").stream()
        .filter(ref -> ref.type().equals("Patient"))
        .map(LocalReference::id)
        .findFirst()
        .orElse(null);
  }

  /** How many answers were written here (tests prove the path is taken). */
  long answered() {
    return answered.sum();
  }

  private void log(RequestDetails request, Supplier<String> patientOfAnswer) {
    AnswerLog answerLog = log.getIfAvailable();
    if (answerLog != null) {
      answerLog.answered(request, patientOfAnswer);
    }
  }

  private static Integer integer(Map<String, String[]> params, String name) {
    String[] values = params.get(name);
    if (values == null || values.length != 1) {
      return null;
    }
    try {
      return Integer.valueOf(values[0]);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
