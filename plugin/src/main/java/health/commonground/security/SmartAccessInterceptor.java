package health.commonground.security;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.AuthenticationException;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import health.commonground.fhir.FhirInterceptor;
import health.commonground.fhir.OperationOutcomes;
import health.commonground.store.LocalReference;
import health.commonground.store.ResourceStore;
import health.commonground.store.SearchParamRegistry;
import health.commonground.store.SearchQuery;
import health.commonground.store.SqlCondition;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.core.annotation.Order;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.stereotype.Component;

/**
 * Applies the caller's SMART scopes to each FHIR interaction: which interactions on which types
 * (403 when no scope grants it), and which resources (the compartment, see {@link Compartments}):
 * resources outside it are answered 404 and never appear in searches, and nothing can be written
 * into another patient's record. Puts the acting user (from {@code fhirUser}) on the request, where
 * Provenance and the write rules find it.
 */
@Component
@Order(0)
class SmartAccessInterceptor implements FhirInterceptor {

  private static final String AUDIT_EVENT = "AuditEvent";

  private final Compartments compartments;
  private final SearchParamRegistry registry;
  private final ResourceStore store;
  private final SecurityProperties properties;

  SmartAccessInterceptor(
      Compartments compartments,
      SearchParamRegistry registry,
      ResourceStore store,
      SecurityProperties properties) {
    this.compartments = compartments;
    this.registry = registry;
    this.store = store;
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
      ActingUsers.set(request, caller.actingUser());
      ResourceAccess.set(request, new CallerAccess(caller));
    }
    return true;
  }

  @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
  public void authorize(RequestDetails request, RestOperationTypeEnum operation) {
    if (operation == RestOperationTypeEnum.METADATA) {
      return;
    }
    Caller caller =
        Caller.of(request)
            .orElseThrow(() -> new AuthenticationException("A bearer token is required"));
    String type = request.getResourceName();
    switch (operation) {
      case READ, VREAD, HISTORY_INSTANCE -> require(caller, type, 'r');
      case SEARCH_TYPE, HISTORY_TYPE -> require(caller, type, 's');
      case CREATE -> checkWrite(caller, type, 'c', (Resource) request.getResource(), null);
      case UPDATE -> {
        String id = request.getId() == null ? null : request.getId().getIdPart();
        checkWrite(caller, type, 'u', (Resource) request.getResource(), id);
      }
      case DELETE -> {
        require(caller, type, 'd');
        checkVisible(caller, type, request.getId().getIdPart());
      }
      case VALIDATE -> {
        if (caller.widestGrant(type, 'c').isEmpty()) {
          require(caller, type, 'u');
        }
      }
      case TRANSACTION, BATCH -> checkBundle(caller, (Bundle) request.getResource());
      case EXTENDED_OPERATION_INSTANCE -> {
        require(caller, type, "GET".equals(request.getRequestType().name()) ? 'r' : 'c');
        checkVisible(caller, type, request.getId().getIdPart());
      }
      case EXTENDED_OPERATION_TYPE ->
          require(caller, type, "GET".equals(request.getRequestType().name()) ? 'r' : 'c');
      default -> requireSystemWide(caller, operation);
    }
  }

  private SmartScope.Context require(Caller caller, String type, char permission) {
    if (Compartments.CONFORMANCE.contains(type) && (permission == 'r' || permission == 's')) {
      return SmartScope.Context.SYSTEM;
    }
    if (AUDIT_EVENT.equals(type)) {
      if (permission != 'r' && permission != 's') {
        throw forbidden("AuditEvents are recorded by the server and cannot be changed");
      }
      if (!mayReadAudit(caller)) {
        throw forbidden(
            "Reading AuditEvents needs an administrator: the realm role '"
                + properties.adminRole()
                + "' or the scope system/AuditEvent.rs");
      }
      return SmartScope.Context.SYSTEM;
    }
    return caller
        .widestGrant(type, permission)
        .orElseThrow(
            () ->
                forbidden(
                    "The token's scopes do not allow '"
                        + permission
                        + "' on "
                        + type
                        + " (e.g. patient/"
                        + type
                        + "."
                        + permission
                        + " is needed)"));
  }

  private static boolean mayReadAudit(Caller caller) {
    return caller.admin()
        || caller.scopes().stream()
            .anyMatch(
                s ->
                    s.context() == SmartScope.Context.SYSTEM
                        && AUDIT_EVENT.equals(s.resourceType())
                        && s.permissions().contains("r"));
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
      throw forbidden(operation.getCode() + " across all types needs the scope system/*.rs");
    }
  }

  private void checkBundle(Caller caller, Bundle bundle) {
    for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
      Bundle.HTTPVerb method = entry.getRequest().getMethod();
      String url = entry.getRequest().getUrl();
      if (method == null || url == null) {
        continue;
      }
      Optional<LocalReference> target = LocalReference.parse(url);
      switch (method) {
        case POST -> checkWrite(caller, url, 'c', entry.getResource(), null);
        case PUT -> {
          if (target.isPresent()) {
            checkWrite(caller, target.get().type(), 'u', entry.getResource(), target.get().id());
          }
        }
        case GET -> {
          if (target.isPresent()) {
            require(caller, target.get().type(), 'r');
            checkVisible(caller, target.get().type(), target.get().id());
          } else {
            require(caller, url.split("\\?")[0], 's');
          }
        }
        case DELETE -> {
          if (target.isPresent()) {
            require(caller, target.get().type(), 'd');
          }
        }
        default -> {
          // refused by the transaction processing itself
        }
      }
    }
  }

  private void checkWrite(
      Caller caller, String type, char permission, Resource resource, String id) {
    SmartScope.Context context = require(caller, type, permission);
    if (id != null && store.exists(type, id)) {
      checkVisible(caller, type, id);
    }
    if (context == SmartScope.Context.SYSTEM || resource == null) {
      return;
    }
    if (!inCompartment(caller, context, type, resource, id)) {
      throw forbidden(
          type
              + " may only be written inside the "
              + (context == SmartScope.Context.PATIENT
                  ? "token's patient compartment"
                  : "compartments of the clients you treat"));
    }
  }

  private boolean inCompartment(
      Caller caller, SmartScope.Context context, String type, Resource resource, String id) {
    LocalReference user = caller.fhirUser();
    Set<String> patients = compartments.patientIds(compartments.patients(caller, context));
    switch (type) {
      case "Patient" -> {
        if (id != null && store.exists(type, id)) {
          return patients.contains(id);
        }
        return context == SmartScope.Context.USER
            && user != null
            && ((Patient) resource)
                .getGeneralPractitioner().stream()
                    .map(Reference::getReference)
                    .anyMatch(user.relative()::equals);
      }
      case "Practitioner", "PractitionerRole" -> {
        return context == SmartScope.Context.USER
            && user != null
            && user.relative().equals(type + "/" + id);
      }
      case "Provenance" -> {
        return false;
      }
      default -> {
        String param = compartments.patientParam(type);
        if (param == null) {
          return false;
        }
        List<LocalReference> refs = registry.index(resource, param).references(param);
        return !refs.isEmpty()
            && refs.stream().allMatch(r -> r.type().equals("Patient") && patients.contains(r.id()));
      }
    }
  }

  private void checkVisible(Caller caller, String type, String id) {
    Optional<SqlCondition> readable = new CallerAccess(caller).readable(type);
    if (readable.isPresent()
        && store.count(SearchQuery.ofIds(type, List.of(id), registry).and(readable.get())) == 0) {
      throw new ResourceNotFoundException(type + "/" + id + " is not known");
    }
  }

  private static ForbiddenOperationException forbidden(String message) {
    return new ForbiddenOperationException(
        message, OperationOutcomes.error(IssueType.FORBIDDEN, message, null));
  }

  /** What one caller may read of each type: scopes decide the context, the context the rows. */
  private final class CallerAccess implements ResourceAccess {

    private final Caller caller;

    CallerAccess(Caller caller) {
      this.caller = caller;
    }

    @Override
    public Optional<SqlCondition> readable(String type) {
      if (Compartments.CONFORMANCE.contains(type)) {
        return Optional.empty();
      }
      if (AUDIT_EVENT.equals(type)) {
        return mayReadAudit(caller) ? Optional.empty() : Optional.of(SqlCondition.NOTHING);
      }
      Optional<SmartScope.Context> read = caller.widestGrant(type, 'r');
      Optional<SmartScope.Context> search = caller.widestGrant(type, 's');
      Optional<SmartScope.Context> widest =
          read.isEmpty()
              ? search
              : search.isEmpty() ? read : Optional.of(max(read.get(), search.get()));
      if (widest.isEmpty()) {
        return Optional.of(SqlCondition.NOTHING);
      }
      SmartScope.Context context = widest.get();
      List<SqlCondition> conditions = new ArrayList<>();
      granularFilter(type, context).ifPresent(conditions::add);
      if (context != SmartScope.Context.SYSTEM) {
        boolean clinician =
            context == SmartScope.Context.USER
                && caller.fhirUser() != null
                && (caller.fhirUser().type().equals("Practitioner")
                    || caller.fhirUser().type().equals("PractitionerRole"));
        conditions.add(
            compartments.condition(type, compartments.patients(caller, context), clinician));
      }
      if (conditions.isEmpty()) {
        return Optional.empty();
      }
      List<Object> args = new ArrayList<>();
      conditions.forEach(c -> args.addAll(c.args()));
      return Optional.of(
          new SqlCondition(
              String.join(" and ", conditions.stream().map(c -> "(" + c.sql() + ")").toList()),
              args));
    }

    /**
     * Granular scopes ({@code patient/Goal.rs?category=x}) of the winning context: when every scope
     * granting the type carries a filter, the resources must match one of the filters.
     */
    private Optional<SqlCondition> granularFilter(String type, SmartScope.Context context) {
      List<SmartScope> granting =
          caller.scopes().stream()
              .filter(s -> s.context() == context && (s.grants(type, 'r') || s.grants(type, 's')))
              .toList();
      if (granting.isEmpty() || granting.stream().anyMatch(s -> s.filter().isEmpty())) {
        return Optional.empty();
      }
      List<String> alternatives = new ArrayList<>();
      List<Object> args = new ArrayList<>();
      for (SmartScope scope : granting) {
        Map<String, String[]> params = new java.util.LinkedHashMap<>();
        scope.filter().forEach((k, v) -> params.put(k, new String[] {v}));
        try {
          SqlCondition criteria = SearchQuery.parse(type, params, registry).criteria();
          alternatives.add("(" + criteria.sql() + ")");
          args.addAll(criteria.args());
        } catch (ca.uhn.fhir.rest.server.exceptions.InvalidRequestException unsupported) {
          // a filter on a parameter this server does not index grants nothing
        }
      }
      return Optional.of(
          alternatives.isEmpty()
              ? SqlCondition.NOTHING
              : new SqlCondition(String.join(" or ", alternatives), args));
    }

    private static SmartScope.Context max(SmartScope.Context a, SmartScope.Context b) {
      return a.compareTo(b) >= 0 ? a : b;
    }
  }
}
