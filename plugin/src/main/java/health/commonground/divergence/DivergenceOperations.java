package health.commonground.divergence;

import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import health.commonground.fhir.FhirPlainProvider;
import health.commonground.fhir.IfMatch;
import health.commonground.security.ResourceAccess;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Goal;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.springframework.stereotype.Component;

/**
 * The FHIR operations of the divergence feature, each published as an OperationDefinition (see
 * fhir-profiles/input/fsh/operations.fsh). Parameters in, Parameters (or the changed Goal) out; the
 * work is done by {@link DivergenceService} and {@link AlignmentService}.
 */
@Component
class DivergenceOperations implements FhirPlainProvider {

  private final DivergenceService divergences;
  private final AlignmentService alignment;

  DivergenceOperations(DivergenceService divergences, AlignmentService alignment) {
    this.divergences = divergences;
    this.alignment = alignment;
  }

  @Operation(name = "$link", type = Goal.class)
  public Parameters link(
      @IdParam IdType id,
      @OperationParam(name = "counterpart", min = 1) Reference counterpart,
      RequestDetails request) {
    List<Goal> goals =
        divergences.link(id.getIdPart(), ref(counterpart), ifMatch(request), access(request));
    Parameters out = new Parameters();
    goals.forEach(g -> out.addParameter().setName("goal").setResource(g));
    return out;
  }

  @Operation(name = "$name-divergence", type = Goal.class)
  public Goal nameDivergence(
      @IdParam IdType id,
      @OperationParam(name = "counterpart") Reference counterpart,
      @OperationParam(name = "dimension", min = 1, max = OperationParam.MAX_UNLIMITED)
          List<CodeType> dimensions,
      @OperationParam(name = "note") StringType note,
      RequestDetails request) {
    List<DivergenceDimension> parsed = new ArrayList<>();
    for (CodeType code : dimensions == null ? List.<CodeType>of() : dimensions) {
      parsed.add(
          DivergenceDimension.fromCode(code.getCode())
              .orElseThrow(
                  () ->
                      new InvalidRequestException(
                          "'"
                              + code.getCode()
                              + "' is not a divergence dimension; use one of "
                              + codes(DivergenceDimension.values()))));
    }
    return divergences.nameDivergence(
        id.getIdPart(), ref(counterpart), parsed, str(note), ifMatch(request), access(request));
  }

  @Operation(name = "$log-strategy", type = Goal.class)
  public Goal logStrategy(
      @IdParam IdType id,
      @OperationParam(name = "counterpart") Reference counterpart,
      @OperationParam(name = "strategy", min = 1) CodeType strategy,
      @OperationParam(name = "date") DateTimeType date,
      @OperationParam(name = "note") StringType note,
      RequestDetails request) {
    String code = strategy == null ? null : strategy.getCode();
    AlignmentStrategy parsed =
        AlignmentStrategy.fromCode(code)
            .orElseThrow(
                () ->
                    new InvalidRequestException(
                        "'"
                            + code
                            + "' is not an alignment strategy; use one of "
                            + codes(AlignmentStrategy.values())));
    return divergences.logStrategy(
        id.getIdPart(),
        ref(counterpart),
        parsed,
        date == null || date.getValue() == null ? null : date.getValue().toInstant(),
        str(note),
        ifMatch(request),
        access(request));
  }

  @Operation(name = "$move-divergence", type = Goal.class)
  public Goal moveDivergence(
      @IdParam IdType id,
      @OperationParam(name = "counterpart") Reference counterpart,
      @OperationParam(name = "status", min = 1) CodeType status,
      @OperationParam(name = "note") StringType note,
      RequestDetails request) {
    String code = status == null ? null : status.getCode();
    DivergenceStatus parsed =
        DivergenceStatus.fromCode(code)
            .orElseThrow(
                () ->
                    new InvalidRequestException(
                        "'"
                            + code
                            + "' is not a divergence status; use one of "
                            + codes(DivergenceStatus.values())));
    return divergences.moveDivergence(
        id.getIdPart(), ref(counterpart), parsed, str(note), ifMatch(request), access(request));
  }

  @Operation(name = "$align", type = Goal.class)
  public Goal align(
      @OperationParam(name = "clientGoal", min = 1) Reference clientGoal,
      @OperationParam(name = "therapistGoal", min = 1) Reference therapistGoal,
      @OperationParam(name = "description", min = 1) StringType description,
      @OperationParam(name = "language") CodeType language,
      RequestDetails request) {
    return divergences.align(
        ref(clientGoal),
        ref(therapistGoal),
        str(description),
        language == null ? null : language.getCode(),
        access(request));
  }

  @Operation(name = "$accept", type = Goal.class)
  public Goal accept(
      @IdParam IdType id,
      @OperationParam(name = "status", min = 1) CodeType status,
      @OperationParam(name = "individual") Reference individual,
      RequestDetails request) {
    return divergences.accept(
        id.getIdPart(),
        status == null ? null : status.getCode(),
        ref(individual),
        ifMatch(request),
        access(request));
  }

  @Operation(name = "$revise", type = Goal.class)
  public Parameters revise(
      @IdParam IdType id,
      @OperationParam(name = "goal", min = 1) Goal replacement,
      @OperationParam(name = "oldLifecycleStatus") CodeType oldStatus,
      @OperationParam(name = "divergences") CodeType carryOver,
      RequestDetails request) {
    Goal.GoalLifecycleStatus status;
    try {
      status =
          oldStatus == null
              ? Goal.GoalLifecycleStatus.CANCELLED
              : Goal.GoalLifecycleStatus.fromCode(oldStatus.getCode());
    } catch (org.hl7.fhir.exceptions.FHIRException e) {
      throw new InvalidRequestException("oldLifecycleStatus must be completed or cancelled");
    }
    DivergenceService.CarryOver mode = null;
    if (carryOver != null) {
      mode =
          switch (String.valueOf(carryOver.getCode())) {
            case "carry-over" -> DivergenceService.CarryOver.CARRY_OVER;
            case "supersede" -> DivergenceService.CarryOver.SUPERSEDE;
            default ->
                throw new InvalidRequestException(
                    "divergences must be carry-over or supersede, not '"
                        + carryOver.getCode()
                        + "'");
          };
    }
    DivergenceService.Revision revision =
        divergences.revise(
            id.getIdPart(), replacement, status, mode, ifMatch(request), access(request));
    Parameters out = new Parameters();
    out.addParameter().setName("old").setResource(revision.old());
    out.addParameter().setName("new").setResource(revision.replacement());
    return out;
  }

  @Operation(name = "$divergences", type = Patient.class, idempotent = true)
  public Parameters divergences(@IdParam IdType id, RequestDetails request) {
    Instant now = Instant.now();
    Parameters out = new Parameters();
    out.addParameter().setName("patient").setValue(new Reference("Patient/" + id.getIdPart()));
    for (OpenDivergence divergence :
        alignment.openDivergences(id.getIdPart(), access(request), now)) {
      out.addParameter(divergencePart("divergence", divergence, now));
    }
    return out;
  }

  @Operation(name = "$alignment", type = Patient.class, idempotent = true)
  public Parameters patientAlignment(@IdParam IdType id, RequestDetails request) {
    Instant now = Instant.now();
    Parameters out = new Parameters();
    summaryParts(alignment.summary(id.getIdPart(), access(request), now), now, out.getParameter());
    return out;
  }

  @Operation(name = "$alignment", type = Practitioner.class, idempotent = true)
  public Parameters caseload(@IdParam IdType id, RequestDetails request) {
    Instant now = Instant.now();
    List<AlignmentSummary> summaries = alignment.caseload(id.getIdPart(), access(request), now);
    Parameters out = new Parameters();
    out.addParameter()
        .setName("practitioner")
        .setValue(new Reference("Practitioner/" + id.getIdPart()));
    out.addParameter().setName("clients").setValue(new IntegerType(summaries.size()));
    int open = 0;
    Map<String, Integer> byDimension = new java.util.TreeMap<>();
    Map<String, Integer> byStatus = new java.util.LinkedHashMap<>();
    for (AlignmentSummary summary : summaries) {
      open += summary.open().size();
      summary.byDimension().forEach((k, v) -> byDimension.merge(k, v, Integer::sum));
      summary.byStatus().forEach((k, v) -> byStatus.merge(k, v, Integer::sum));
    }
    out.addParameter().setName("openDivergences").setValue(new IntegerType(open));
    countParts(out.getParameter(), "byDimension", "dimension", byDimension, true);
    countParts(out.getParameter(), "byStatus", "status", byStatus, false);
    for (AlignmentSummary summary : summaries) {
      ParametersParameterComponent client = out.addParameter().setName("client");
      countsParts(summary, client.getPart());
      for (OpenDivergence divergence : summary.toDiscuss()) {
        client.addPart(briefDivergencePart("toDiscuss", divergence, now));
      }
    }
    return out;
  }

  // --- output ----------------------------------------------------------------------------------

  private static void summaryParts(
      AlignmentSummary summary, Instant now, List<ParametersParameterComponent> parts) {
    countsParts(summary, parts);
    for (OpenDivergence divergence : summary.toDiscuss()) {
      parts.add(divergencePart("toDiscuss", divergence, now));
    }
    for (OpenDivergence divergence : summary.open()) {
      parts.add(divergencePart("divergence", divergence, now));
    }
  }

  /** One client's counts and ages, as both the client summary and the caseload give them. */
  private static void countsParts(
      AlignmentSummary summary, List<ParametersParameterComponent> parts) {
    parts.add(part("patient", new Reference("Patient/" + summary.patientId())));
    parts.add(part("openDivergences", new IntegerType(summary.open().size())));
    countParts(parts, "byDimension", "dimension", summary.byDimension(), true);
    countParts(parts, "byStatus", "status", summary.byStatus(), false);
    parts.add(part("oldestOpenDays", new IntegerType((int) summary.oldestAgeDays())));
    parts.add(part("medianOpenDays", new IntegerType((int) summary.medianAgeDays())));
    parts.add(part("sharedGoalsActive", new IntegerType(summary.sharedActive())));
    parts.add(part("sharedGoalsProposed", new IntegerType(summary.sharedProposed())));
    parts.add(part("separateClientGoals", new IntegerType(summary.separateClientGoals())));
    parts.add(part("separateTherapistGoals", new IntegerType(summary.separateTherapistGoals())));
  }

  private static void countParts(
      List<ParametersParameterComponent> parts,
      String name,
      String key,
      Map<String, Integer> counts,
      boolean dimension) {
    counts.forEach(
        (code, count) -> {
          ParametersParameterComponent p = new ParametersParameterComponent().setName(name);
          p.addPart(
              part(
                  key,
                  dimension
                      ? DivergenceDimension.fromCode(code)
                          .<org.hl7.fhir.r4.model.Type>map(DivergenceDimension::coding)
                          .orElse(new CodeType(code))
                      : new CodeType(code)));
          p.addPart(part("count", new IntegerType(count)));
          parts.add(p);
        });
  }

  private static ParametersParameterComponent divergencePart(
      String name, OpenDivergence d, Instant now) {
    ParametersParameterComponent p = whichGoal(name, d);
    if (d.counterpartId() != null) {
      p.addPart(part("counterpart", new Reference("Goal/" + d.counterpartId())));
    }
    if (d.recorded()) {
      p.addPart(part("status", new CodeType(d.status())));
      for (String dimension : d.dimensions()) {
        p.addPart(
            part(
                "dimension",
                DivergenceDimension.fromCode(dimension)
                    .<org.hl7.fhir.r4.model.Type>map(DivergenceDimension::coding)
                    .orElse(new CodeType(dimension))));
      }
      p.addPart(part("strategyCount", new IntegerType(d.strategyCount())));
    } else {
      p.addPart(part("rule", d.rule().coding()));
    }
    if (d.since() != null) {
      p.addPart(part("since", new InstantType(java.util.Date.from(d.since()))));
    }
    p.addPart(part("ageDays", new IntegerType((int) d.ageDays(now))));
    p.addPart(part("explanation", new StringType(d.explanation())));
    return p;
  }

  /**
   * A divergence as a caseload lists it: enough to say what to bring up with whom (which goal, in
   * whose words, how it stands, how old); Patient/[id]/$alignment gives the rest.
   */
  private static ParametersParameterComponent briefDivergencePart(
      String name, OpenDivergence d, Instant now) {
    ParametersParameterComponent p = whichGoal(name, d);
    if (d.recorded()) {
      p.addPart(part("status", new CodeType(d.status())));
    } else {
      p.addPart(part("rule", d.rule().coding()));
    }
    p.addPart(part("ageDays", new IntegerType((int) d.ageDays(now))));
    return p;
  }

  /** The parts every divergence starts with: recorded or detected, on which goal, in what words. */
  private static ParametersParameterComponent whichGoal(String name, OpenDivergence d) {
    ParametersParameterComponent p = new ParametersParameterComponent().setName(name);
    p.addPart(part("kind", new CodeType(d.recorded() ? "recorded" : "detected")));
    p.addPart(part("goal", new Reference("Goal/" + d.goalId())));
    if (d.goalDescription() != null) {
      p.addPart(part("goalDescription", new StringType(d.goalDescription())));
    }
    return p;
  }

  private static ParametersParameterComponent part(String name, org.hl7.fhir.r4.model.Type value) {
    return new ParametersParameterComponent().setName(name).setValue(value);
  }

  // --- input -----------------------------------------------------------------------------------

  private static ResourceAccess access(RequestDetails request) {
    return ResourceAccess.of(request);
  }

  /** The version an If-Match header (W/"3" or "3") asks for, or null without one. */
  static Long ifMatch(RequestDetails request) {
    return IfMatch.version(request.getHeader("If-Match"), "If-Match");
  }

  private static String ref(Reference reference) {
    return reference == null ? null : reference.getReference();
  }

  private static String str(StringType value) {
    return value == null ? null : value.getValue();
  }

  private static String codes(DivergenceDimension[] values) {
    return String.join(
        ", ", java.util.Arrays.stream(values).map(DivergenceDimension::code).toList());
  }

  private static String codes(AlignmentStrategy[] values) {
    return String.join(", ", java.util.Arrays.stream(values).map(AlignmentStrategy::code).toList());
  }

  private static String codes(DivergenceStatus[] values) {
    return String.join(", ", java.util.Arrays.stream(values).map(DivergenceStatus::code).toList());
  }
}
