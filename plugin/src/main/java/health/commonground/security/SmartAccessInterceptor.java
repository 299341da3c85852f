package health.commonground.security;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.AuthenticationException;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import health.commonground.fhir.FhirInterceptor;
import health.commonground.store.LocalReference;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Optional;
import org.hl7.fhir.r4.model.Bundle;
import org.springframework.core.annotation.Order;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.stereotype.Component;

/**
 * Identifies the caller of each FHIR request from its bearer token and puts the one access boundary
 * ({@link ResourceAccess}) on the request, where every provider, operation and transaction finds
 * it. Before the handler runs it refuses (403) interactions no scope grants, so a refused request
 * does no work; which resources the caller reaches is decided by the boundary on the data path.
 */
@Component
@Order(0)
class SmartAccessInterceptor implements FhirInterceptor {

  private final AccessBoundary boundary;
  private final SecurityProperties properties;

  SmartAccessInterceptor(AccessBoundary boundary, SecurityProperties properties) {
    this.boundary = boundary;
    this.properties = properties;
  }

  /** Early, so that even requests refused later are attributed to their caller. */
  @Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
  public boolean identify(
      RequestDetails request, HttpServletRequest servletRequest, HttpServletResponse response) {
    Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
    if (authentication instanceof JwtAuthenticationToken token) {
      Caller caller = Caller.fromToken(token.getToken(), properties.adminRole());
      Caller.set(request, caller);
      ResourceAccess access = boundary.forCaller(caller);
      ResourceAccess.set(request, access);
    }
    return true;
  }

  @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
  public void authorize(RequestDetails request, RestOperationTypeEnum operation) {
    if (operation == RestOperationTypeEnum.METADATA) {
      return;
    }
    if (Caller.of(request).isEmpty()) {
      throw new AuthenticationException("A bearer token is required");
    }
    ResourceAccess access = ResourceAccess.of(request);
    String type = request.getResourceName();
    switch (operation) {
      case READ, VREAD, HISTORY_INSTANCE -> access.requireGrant(type, 'r');
      case SEARCH_TYPE, HISTORY_TYPE -> access.requireGrant(type, 's');
      case CREATE -> access.requireGrant(type, 'c');
      case UPDATE -> access.requireGrant(type, 'u');
      case DELETE -> {
        access.requireGrant(type, 'd');
        requireVisible(access, type, request.getId().getIdPart());
      }
      case VALIDATE -> {
        try {
          access.requireGrant(type, 'c');
        } catch (ForbiddenOperationException noCreate) {
          access.requireGrant(type, 'u');
        }
      }
      case TRANSACTION, BATCH -> checkBundle(access, (Bundle) request.getResource());
      case EXTENDED_OPERATION_INSTANCE -> {
        access.requireGrant(type, "GET".equals(request.getRequestType().name()) ? 'r' : 'c');
        requireVisible(access, type, request.getId().getIdPart());
      }
      case EXTENDED_OPERATION_TYPE ->
          access.requireGrant(type, "GET".equals(request.getRequestType().name()) ? 'r' : 'c');
      default -> requireSystemWide(Caller.of(request).orElseThrow(), operation);
    }
  }

  private static void requireSystemWide(Caller caller, RestOperationTypeEnum operation) {
    boolean systemWide =
        caller.scopes().stream()
            .anyMatch(
                s ->
                    s.context() == SmartScope.Context.SYSTEM
                        && "*".equals(s.resourceType())
                        && s.permissions().contains("s"));
    if (!systemWide) {
      throw CallerAccess.forbidden(
          operation.getCode() + " across all types needs the scope system/*.rs", null);
    }
  }

  /**
   * The scopes each entry needs; which records the entries reach is checked by the boundary as each
   * is written or read, after placeholders and conditional references are resolved.
   */
  private static void checkBundle(ResourceAccess access, Bundle bundle) {
    for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
      Bundle.HTTPVerb method = entry.getRequest().getMethod();
      String url = entry.getRequest().getUrl();
      if (method == null || url == null) {
        continue;
      }
      Optional<LocalReference> target = LocalReference.parse(url);
      switch (method) {
        case POST -> access.requireGrant(url, 'c');
        case PUT -> target.ifPresent(t -> access.requireGrant(t.type(), 'u'));
        case GET ->
            access.requireGrant(
                target.map(LocalReference::type).orElse(url.split("\\?")[0]),
                target.isPresent() ? 'r' : 's');
        case DELETE -> target.ifPresent(t -> access.requireGrant(t.type(), 'd'));
        default -> {
          // refused by the transaction processing itself
        }
      }
    }
  }

  private static void requireVisible(ResourceAccess access, String type, String id) {
    if (!access.canRead(type, id)) {
      throw new ResourceNotFoundException(type + "/" + id + " is not known");
    }
  }
}
