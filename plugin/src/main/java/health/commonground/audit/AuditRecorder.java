package health.commonground.audit;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import health.commonground.conformance.ImplementationGuide;
import health.commonground.fhir.AnswerLog;
import health.commonground.fhir.FhirInterceptor;
import health.commonground.security.AccessLog;
import health.commonground.security.Caller;
import health.commonground.store.LocalReference;
import health.commonground.store.SearchParamRegistry;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAction;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventOutcome;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * An AuditEvent for every FHIR interaction, allowed or refused: who (fhirUser), which app (client
 * id), which patient, what was done to what, and the outcome. Stored by {@link AuditTrail}, in
 * batches, without profile validation or Provenance, so the log stays cheap.
 */
@Component
class AuditRecorder implements FhirInterceptor, AccessLog, AnswerLog {

  static final String CLIENT_ID_SYSTEM = ImplementationGuide.CANONICAL + "/sid/oauth-client-id";
  private static final String EVENT_TYPE = "http://terminology.hl7.org/CodeSystem/audit-event-type";
  static final String INTERACTION = "http://hl7.org/fhir/restful-interaction";
  private static final String DCM = "http://dicom.nema.org/resources/ontology/DCM";
  private static final String OBJECT_ROLE = "http://terminology.hl7.org/CodeSystem/object-role";
  static final String PATIENT_ROLE = "1";
  private static final Logger log = LoggerFactory.getLogger(AuditRecorder.class);

  private final AuditTrail trail;
  private final SearchParamRegistry registry;

  AuditRecorder(AuditTrail trail, SearchParamRegistry registry) {
    this.trail = trail;
    this.registry = registry;
  }

  /** Whoever reads the log sees the entries of every request answered before. */
  @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
  public void beforeHandling(RequestDetails request) {
    if ("AuditEvent".equals(request.getResourceName())) {
      trail.flush();
    }
  }

  @Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
  public boolean succeeded(RequestDetails request, IBaseResource response) {
    if (request.getRestOperationType() != RestOperationTypeEnum.METADATA) {
      record(request, () -> patientOfResponse(response), AuditEventOutcome._0, null);
    }
    return true;
  }

  @Override
  public void answered(RequestDetails request, Supplier<String> patientOfAnswer) {
    record(request, patientOfAnswer, AuditEventOutcome._0, null);
  }

  /** Runs before HAPI's own exception handler, which ends the chain. */
  @Hook(value = Pointcut.SERVER_HANDLE_EXCEPTION, order = -100)
  public boolean failed(
      RequestDetails request,
      BaseServerResponseException exception,
      HttpServletRequest servletRequest,
      HttpServletResponse servletResponse) {
    AuditEventOutcome outcome =
        exception.getStatusCode() >= 500 ? AuditEventOutcome._8 : AuditEventOutcome._4;
    record(request, () -> null, outcome, exception.getStatusCode() + " " + exception.getMessage());
    return true;
  }

  @Override
  public void unauthenticated(HttpServletRequest request, String reason) {
    AuditEvent event = base(AuditEventOutcome._4, "401 " + reason);
    String path = request.getRequestURI().substring(request.getContextPath().length());
    String fhirPath = path.startsWith("/fhir/") ? path.substring("/fhir/".length()) : "";
    String[] parts = fhirPath.split("/");
    String interaction = interactionOf(request.getMethod(), parts);
    event.addSubtype(new Coding(INTERACTION, interaction, null));
    event.setAction(actionOf(interaction));
    agent(event, null, null, request.getRemoteAddr());
    if (parts.length >= 2) {
      LocalReference.parse(parts[0] + "/" + parts[1])
          .ifPresent(ref -> event.addEntity().setWhat(new Reference(ref.relative())));
    }
    save(event);
  }

  private void record(
      RequestDetails request,
      Supplier<String> patientOfAnswer,
      AuditEventOutcome outcome,
      String description) {
    try {
      AuditEvent event = base(outcome, description);
      RestOperationTypeEnum operation = request.getRestOperationType();
      String interaction = interactionOf(operation, request);
      event.addSubtype(new Coding(INTERACTION, interaction, null));
      event.setAction(actionOf(interaction));
      Optional<Caller> caller = Caller.of(request);
      agent(
          event,
          caller.map(Caller::fhirUser).orElse(null),
          caller.map(Caller::clientId).orElse(null),
          request instanceof ca.uhn.fhir.rest.server.servlet.ServletRequestDetails servlet
              ? servlet.getServletRequest().getRemoteAddr()
              : null);
      String type = request.getResourceName();
      org.hl7.fhir.instance.model.api.IIdType id = request.getId();
      if (type != null && id != null && id.hasIdPart()) {
        event
            .addEntity()
            .setWhat(
                new Reference(
                    type
                        + "/"
                        + id.getIdPart()
                        + (id.hasVersionIdPart() ? "/_history/" + id.getVersionIdPart() : "")));
      } else if (type != null
          && request.getCompleteUrl() != null
          && request.getCompleteUrl().contains("?")) {
        String query =
            request.getCompleteUrl().substring(request.getCompleteUrl().indexOf('?') + 1);
        event.addEntity().setDescription(type).setQuery(query.getBytes(StandardCharsets.UTF_8));
      }
      String ifNoneExist = request.getHeader("If-None-Exist");
      if (type != null && ifNoneExist != null && !ifNoneExist.isBlank()) {
        // A conditional create searches before it writes: the search is part of the access.
        event
            .addEntity()
            .setDescription(type + " (If-None-Exist)")
            .setQuery(ifNoneExist.getBytes(StandardCharsets.UTF_8));
      }
      patientOf(request, caller, patientOfAnswer)
          .ifPresent(
              patient ->
                  event
                      .addEntity()
                      .setWhat(new Reference("Patient/" + patient))
                      .setRole(new Coding(OBJECT_ROLE, PATIENT_ROLE, "Patient")));
      save(event);
    } catch (RuntimeException e) {
      // The answer to the caller must not depend on the log; losing an entry is logged loudly.
      log.error(
          "Could not record the AuditEvent of {} {}",
          request.getRequestType(),
          request.getRequestPath(),
          e);
    }
  }

  private AuditEvent base(AuditEventOutcome outcome, String description) {
    AuditEvent event = new AuditEvent();
    event.setType(new Coding(EVENT_TYPE, "rest", "RESTful Operation"));
    event.setRecorded(new Date());
    event.setOutcome(outcome);
    if (description != null) {
      event.setOutcomeDesc(
          description.length() > 500 ? description.substring(0, 500) : description);
    }
    event.getSource().setObserver(new Reference().setDisplay("Common Ground FHIR API"));
    return event;
  }

  private static void agent(
      AuditEvent event, LocalReference fhirUser, String clientId, String address) {
    AuditEvent.AuditEventAgentComponent person = event.addAgent().setRequestor(true);
    person.getType().addCoding(new Coding(DCM, "110153", "Source Role ID"));
    if (fhirUser != null) {
      person.setWho(new Reference(fhirUser.relative()));
    } else if (clientId != null) {
      person.setWho(
          new Reference()
              .setIdentifier(new Identifier().setSystem(CLIENT_ID_SYSTEM).setValue(clientId)));
    } else {
      person.setWho(new Reference().setDisplay("unauthenticated caller"));
    }
    if (address != null) {
      person.getNetwork().setAddress(address).setType(AuditEvent.AuditEventAgentNetworkType._2);
    }
    if (clientId != null && fhirUser != null) {
      AuditEvent.AuditEventAgentComponent app = event.addAgent().setRequestor(false);
      app.getType().addCoding(new Coding(DCM, "110150", "Application"));
      app.setWho(
          new Reference()
              .setIdentifier(new Identifier().setSystem(CLIENT_ID_SYSTEM).setValue(clientId)));
    }
  }

  private Optional<String> patientOf(
      RequestDetails request, Optional<Caller> caller, Supplier<String> patientOfAnswer) {
    if (caller.isPresent() && caller.get().patientId() != null) {
      return Optional.of(caller.get().patientId());
    }
    if (caller.isPresent()
        && caller.get().fhirUser() != null
        && caller.get().fhirUser().type().equals("Patient")) {
      return Optional.of(caller.get().fhirUser().id());
    }
    if ("Patient".equals(request.getResourceName())
        && request.getId() != null
        && request.getId().hasIdPart()) {
      return Optional.of(request.getId().getIdPart());
    }
    for (String param : List.of("patient", "subject")) {
      String[] values = request.getParameters().get(param);
      if (values != null && values.length == 1 && !values[0].contains(",")) {
        String value = values[0];
        return Optional.of(value.substring(value.lastIndexOf('/') + 1));
      }
    }
    return Optional.ofNullable(patientOfAnswer.get());
  }

  private String patientOfResponse(IBaseResource response) {
    if (response instanceof Resource resource
        && !(resource instanceof org.hl7.fhir.r4.model.Bundle)
        && !(resource instanceof org.hl7.fhir.r4.model.OperationOutcome)) {
      return registry.index(resource, "patient").references("patient").stream()
          .filter(ref -> ref.type().equals("Patient"))
          .map(LocalReference::id)
          .findFirst()
          .orElse(null);
    }
    return null;
  }

  private static String interactionOf(RestOperationTypeEnum operation, RequestDetails request) {
    if (operation == null) {
      return request.getRequestType() == null
          ? "operation"
          : request.getRequestType().name().toLowerCase();
    }
    return switch (operation) {
      case EXTENDED_OPERATION_INSTANCE,
          EXTENDED_OPERATION_TYPE,
          EXTENDED_OPERATION_SERVER,
          VALIDATE ->
          "operation";
      default -> operation.getCode();
    };
  }

  private static String interactionOf(String method, String[] parts) {
    boolean instance = parts.length >= 2 && !parts[1].isEmpty() && !parts[1].startsWith("$");
    return switch (method) {
      case "GET" -> instance ? (parts.length >= 4 ? "vread" : "read") : "search-type";
      case "POST" -> parts.length == 0 || parts[0].isEmpty() ? "transaction" : "create";
      case "PUT" -> "update";
      case "DELETE" -> "delete";
      default -> "operation";
    };
  }

  private static AuditEventAction actionOf(String interaction) {
    return switch (interaction) {
      case "create" -> AuditEventAction.C;
      case "read", "vread", "history-instance" -> AuditEventAction.R;
      case "update", "patch" -> AuditEventAction.U;
      case "delete" -> AuditEventAction.D;
      default -> AuditEventAction.E;
    };
  }

  private void save(AuditEvent event) {
    trail.add(event);
  }
}
