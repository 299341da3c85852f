package health.commonground.security;

import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import health.commonground.fhir.OperationOutcomes;
import health.commonground.store.LocalReference;
import health.commonground.store.SearchQuery;
import health.commonground.store.SqlCondition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Goal;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * What one caller may read and write: the scopes decide the context (patient, user, system), the
 * context the compartments (see {@link Compartments}), the compartments the rows.
 */
final class CallerAccess implements ResourceAccess {

  static final String AUDIT_EVENT = "AuditEvent";

  private final Caller caller;
  private final ActingUser actor;
  private final AccessBoundary boundary;
  // Resources found readable in this request: a write checks the version it replaces once.
  private final Set<String> readable = new java.util.HashSet<>();

  CallerAccess(Caller caller, ActingUser actor, AccessBoundary boundary) {
    this.caller = caller;
    this.actor = actor;
    this.boundary = boundary;
  }

  @Override
  public ActingUser actor() {
    return actor;
  }

  @Override
  public ResourceAccess actingAs(ActingUser actor) {
    return new CallerAccess(caller, actor, boundary);
  }

  @Override
  public Optional<SqlCondition> readable(String type) {
    if (Compartments.CONFORMANCE.contains(type)) {
      return Optional.empty();
    }
    if (AUDIT_EVENT.equals(type)) {
      return mayReadAudit() ? Optional.empty() : Optional.of(SqlCondition.NOTHING);
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
      conditions.add(compartment(type, context));
    }
    return conditions.isEmpty() ? Optional.empty() : Optional.of(all(conditions));
  }

  @Override
  public boolean canRead(String type, String id) {
    if (id == null) {
      return false;
    }
    if (readable.contains(type + "/" + id)) {
      return true;
    }
    Optional<SqlCondition> condition = readable(type);
    boolean visible =
        condition.isEmpty()
            ? boundary.store().exists(type, id)
            : boundary
                    .store()
                    .count(
                        SearchQuery.ofIds(type, List.of(id), boundary.registry())
                            .and(condition.get()))
                > 0;
    if (visible) {
      readable.add(type + "/" + id);
    }
    return visible;
  }

  @Override
  public void requireGrant(String type, char permission) {
    grant(type, permission);
  }

  @Override
  public boolean mayReadCaseloadOf(String practitionerId) {
    if (caller.admin()
        || caller
            .widestGrant("Goal", 'r')
            .filter(c -> c == SmartScope.Context.SYSTEM)
            .isPresent()) {
      return true;
    }
    LocalReference user = caller.fhirUser();
    if (user == null || caller.widestGrant("Goal", 'r').isEmpty()) {
      return false;
    }
    return switch (user.type()) {
      case "Practitioner" -> user.id().equals(practitionerId);
      case "PractitionerRole" -> boundary.practitionerOfRole(user.id()).contains(practitionerId);
      default -> false;
    };
  }

  @Override
  public void checkWrite(char permission, Resource incoming, Resource previous) {
    String type = incoming.fhirType();
    SmartScope.Context context = grant(type, permission);
    String id = previous == null ? null : previous.getIdElement().getIdPart();
    if (previous != null && !canRead(type, id)) {
      throw new ResourceNotFoundException(type + "/" + id + " is not known");
    }
    if (context == SmartScope.Context.SYSTEM) {
      return;
    }
    if (context == SmartScope.Context.USER && caller.fhirUser() == null) {
      throw forbidden(
          "The token names no user (fhirUser), so it may not write; a user/ scope acts for the"
              + " signed-in user",
          null);
    }
    if (!inCompartment(context, type, incoming, previous)) {
      throw forbidden(
          type
              + " may only be written inside the "
              + (context == SmartScope.Context.PATIENT
                  ? "token's patient compartment"
                  : "compartments of the clients you treat"),
          null);
    }
    checkOwnIdentity(incoming, previous);
  }

  /**
   * Nobody speaks as someone else: a goal newly expressed by (or changed to) a person must be
   * expressed by the writer, or, when a clinician records it, by the client side; and a client
   * cannot change who treats them.
   */
  private void checkOwnIdentity(Resource incoming, Resource previous) {
    if (incoming instanceof Goal goal) {
      String expressedBy = goal.getExpressedBy().getReference();
      String before = previous == null ? null : ((Goal) previous).getExpressedBy().getReference();
      if (expressedBy == null || Objects.equals(expressedBy, before)) {
        return;
      }
      String self = actor.isSystem() ? null : actor.type() + "/" + actor.id();
      boolean clientSide =
          expressedBy.startsWith("Patient/") || expressedBy.startsWith("RelatedPerson/");
      if (!expressedBy.equals(self) && !(actor.isClinician() && clientSide)) {
        throw forbidden(
            "A goal is expressed by whoever writes it: "
                + (self == null ? "this token names no user" : self)
                + " cannot write a goal expressed by "
                + expressedBy,
            "Goal.expressedBy");
      }
    }
    if (incoming instanceof Patient patient && actor.isClient() && previous != null) {
      if (!references(patient.getGeneralPractitioner())
          .equals(references(((Patient) previous).getGeneralPractitioner()))) {
        throw forbidden(
            "A client cannot change who treats them (Patient.generalPractitioner); ask the clinic",
            "Patient.generalPractitioner");
      }
    }
  }

  private static Set<String> references(List<Reference> references) {
    return references.stream()
        .map(Reference::getReference)
        .filter(Objects::nonNull)
        .collect(Collectors.toSet());
  }

  private boolean inCompartment(
      SmartScope.Context context, String type, Resource resource, Resource previous) {
    LocalReference user = caller.fhirUser();
    Set<String> patients = patientIds(context);
    String id = resource.getIdElement().getIdPart();
    switch (type) {
      case "Patient" -> {
        if (previous != null) {
          return patients.contains(previous.getIdElement().getIdPart());
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
            && id != null
            && user.relative().equals(type + "/" + id);
      }
      case "Provenance", AUDIT_EVENT -> {
        return false;
      }
      default -> {
        String param = boundary.compartments().patientParam(type);
        if (param == null) {
          return false;
        }
        List<LocalReference> refs = boundary.registry().index(resource, param).references(param);
        boolean inside =
            !refs.isEmpty()
                && refs.stream()
                    .allMatch(r -> r.type().equals("Patient") && patients.contains(r.id()));
        return inside
            && (previous == null
                || boundary.registry().index(previous, param).references(param).stream()
                    .allMatch(r -> r.type().equals("Patient") && patients.contains(r.id())));
      }
    }
  }

  private SmartScope.Context grant(String type, char permission) {
    if (Compartments.CONFORMANCE.contains(type) && (permission == 'r' || permission == 's')) {
      return SmartScope.Context.SYSTEM;
    }
    if (AUDIT_EVENT.equals(type)) {
      if (permission != 'r' && permission != 's') {
        throw forbidden("AuditEvents are recorded by the server and cannot be changed", null);
      }
      if (!mayReadAudit()) {
        throw forbidden(
            "Reading AuditEvents needs an administrator: the realm role '"
                + boundary.adminRole()
                + "' or the scope system/AuditEvent.rs",
            null);
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
                        + " is needed)",
                    null));
  }

  boolean mayReadAudit() {
    return caller.admin()
        || caller.scopes().stream()
            .anyMatch(
                s ->
                    s.context() == SmartScope.Context.SYSTEM
                        && AUDIT_EVENT.equals(s.resourceType())
                        && s.permissions().contains("r"));
  }

  /** The rows of {@code type} inside the caller's compartments in a context. */
  private SqlCondition compartment(String type, SmartScope.Context context) {
    Compartments compartments = boundary.compartments();
    boolean clinician = context == SmartScope.Context.USER && isClinician();
    SqlCondition treated =
        compartments.condition(type, compartments.patients(caller, context), clinician);
    String launched = launchPatient(context);
    if (launched == null) {
      return treated;
    }
    SqlCondition inLaunch = compartments.condition(type, SqlCondition.of("?", launched), clinician);
    return new SqlCondition(
        "(" + treated.sql() + ") or (" + inLaunch.sql() + ")",
        concat(treated.args(), inLaunch.args()));
  }

  private Set<String> patientIds(SmartScope.Context context) {
    Compartments compartments = boundary.compartments();
    Set<String> ids =
        new java.util.HashSet<>(compartments.patientIds(compartments.patients(caller, context)));
    String launched = launchPatient(context);
    if (launched != null) {
      ids.add(launched);
    }
    return ids;
  }

  /**
   * The patient an EHR launched a clinician with, when the EHR's patient context is trusted
   * (commonground.security.trust-launch-patient): the clinician reaches that client too.
   */
  private String launchPatient(SmartScope.Context context) {
    return context == SmartScope.Context.USER
            && isClinician()
            && caller.patientId() != null
            && boundary.trustLaunchPatient()
        ? caller.patientId()
        : null;
  }

  private boolean isClinician() {
    LocalReference user = caller.fhirUser();
    return user != null
        && (user.type().equals("Practitioner") || user.type().equals("PractitionerRole"));
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
      Map<String, String[]> params = new LinkedHashMap<>();
      scope.filter().forEach((k, v) -> params.put(k, new String[] {v}));
      try {
        SqlCondition criteria = SearchQuery.parse(type, params, boundary.registry()).criteria();
        alternatives.add("(" + criteria.sql() + ")");
        args.addAll(criteria.args());
      } catch (InvalidRequestException unsupported) {
        // a filter on a parameter this server does not index grants nothing
      }
    }
    return Optional.of(
        alternatives.isEmpty()
            ? SqlCondition.NOTHING
            : new SqlCondition(String.join(" or ", alternatives), args));
  }

  private static SqlCondition all(List<SqlCondition> conditions) {
    List<Object> args = new ArrayList<>();
    conditions.forEach(c -> args.addAll(c.args()));
    return new SqlCondition(
        String.join(" and ", conditions.stream().map(c -> "(" + c.sql() + ")").toList()), args);
  }

  private static List<Object> concat(List<Object> a, List<Object> b) {
    List<Object> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private static SmartScope.Context max(SmartScope.Context a, SmartScope.Context b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  static ForbiddenOperationException forbidden(String message, String expression) {
    return new ForbiddenOperationException(
        message, OperationOutcomes.error(IssueType.FORBIDDEN, message, expression));
  }
}
