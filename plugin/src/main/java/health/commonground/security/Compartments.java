package health.commonground.security;

import health.commonground.store.LocalReference;
import health.commonground.store.ResourceStore;
import health.commonground.store.SearchParam;
import health.commonground.store.SearchParamRegistry;
import health.commonground.store.SearchQuery;
import health.commonground.store.SqlCondition;
import health.commonground.store.StoredVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/**
 * The compartments SMART scopes confine a caller to, as SQL on the search index.
 *
 * <p>A {@code patient/} scope reaches the token's patient: the Patient itself, every resource whose
 * {@code patient} (or {@code subject}) reference points at them (Goals, RelatedPersons, ...), the
 * Provenance of those resources, and the Practitioners and PractitionerRoles that treat them
 * ({@code Patient.generalPractitioner}) or expressed one of their goals.
 *
 * <p>A {@code user/} scope reaches the clients the user treats. A clinician treats a client when
 * the client's {@code Patient.generalPractitioner} references the clinician's Practitioner, or a
 * PractitionerRole of that Practitioner. The clinician then sees those clients' compartments, and
 * every Practitioner and PractitionerRole (the clinic's directory). A client using {@code user/}
 * scopes sees their own compartment; a RelatedPerson that of the client they are related to.
 */
@Component
class Compartments {

  /** Types readable by anyone with a valid token: the published conformance resources. */
  static final Set<String> CONFORMANCE =
      Set.of(
          "StructureDefinition",
          "ValueSet",
          "CodeSystem",
          "SearchParameter",
          "CapabilityStatement",
          "ImplementationGuide",
          "OperationDefinition");

  private static final String REF =
      "select %1$s.%2$s from search_reference %1$s where %1$s.res_type = '%3$s'"
          + " and %1$s.param = '%4$s' and %1$s.target_type = '%5$s'";

  private final SearchParamRegistry registry;
  private final ResourceStore store;

  Compartments(SearchParamRegistry registry, ResourceStore store) {
    this.registry = registry;
    this.store = store;
  }

  /** The ids of the patients a caller reaches in a context, as a subquery; NOTHING if none. */
  SqlCondition patients(Caller caller, SmartScope.Context context) {
    LocalReference user = caller.fhirUser();
    if (context == SmartScope.Context.PATIENT) {
      String patient =
          caller.patientId() != null
              ? caller.patientId()
              : user != null && "Patient".equals(user.type()) ? user.id() : null;
      return patient == null ? SqlCondition.NOTHING : SqlCondition.of("?", patient);
    }
    if (user == null) {
      return SqlCondition.NOTHING;
    }
    return switch (user.type()) {
      case "Patient" -> SqlCondition.of("?", user.id());
      case "RelatedPerson" ->
          SqlCondition.of(
              ref("rp", "target_id", "RelatedPerson", "patient", "Patient") + " and rp.res_id = ?",
              user.id());
      case "Practitioner" ->
          SqlCondition.of(
              ref("gp", "res_id", "Patient", "general-practitioner", "Practitioner")
                  + " and gp.target_id = ? union "
                  + ref("gr", "res_id", "Patient", "general-practitioner", "PractitionerRole")
                  + " and gr.target_id in ("
                  + ref("pr", "res_id", "PractitionerRole", "practitioner", "Practitioner")
                  + " and pr.target_id = ?)",
              user.id(),
              user.id());
      case "PractitionerRole" ->
          SqlCondition.of(
              ref("gr", "res_id", "Patient", "general-practitioner", "PractitionerRole")
                  + " and gr.target_id = ?",
              user.id());
      default -> SqlCondition.NOTHING;
    };
  }

  /**
   * Which current resources of {@code type} (alias {@code r}) lie in the compartment of the
   * patients {@code p}.
   */
  SqlCondition condition(String type, SqlCondition p, boolean clinicianDirectory) {
    if (clinicianDirectory && (type.equals("Practitioner") || type.equals("PractitionerRole"))) {
      return SqlCondition.of("1 = 1");
    }
    if (p == SqlCondition.NOTHING) {
      return SqlCondition.NOTHING;
    }
    String in = "(" + p.sql() + ")";
    List<Object> args = new ArrayList<>();
    String sql;
    switch (type) {
      case "Patient" -> {
        sql = "r.res_id in " + in;
        args.addAll(p.args());
      }
      case "Provenance" -> {
        // Its own table (ProvenanceLog): the target is the client's Patient, or one of theirs.
        sql =
            "(r.target_type = 'Patient' and r.target_id in "
                + in
                + ") or exists (select 1 from search_reference t"
                + " where t.res_type = r.target_type and t.res_id = r.target_id"
                + " and t.param in ('patient', 'subject') and t.target_type = 'Patient'"
                + " and t.target_id in "
                + in
                + ")";
        args.addAll(p.args());
        args.addAll(p.args());
      }
      case "Practitioner", "PractitionerRole" -> {
        String goalsOfPatients =
            ref("gp", "res_id", "Goal", registry.rowsParam("Goal", "patient"), "Patient")
                + " and gp.target_id in "
                + in;
        String treating =
            ref("g", "target_id", "Patient", "general-practitioner", type)
                + " and g.res_id in "
                + in;
        String expressing =
            ref("e", "target_id", "Goal", "expressed-by", type)
                + " and e.res_id in ("
                + goalsOfPatients
                + ")";
        sql = "r.res_id in (" + treating + ") or r.res_id in (" + expressing + ")";
        args.addAll(p.args());
        args.addAll(p.args());
        if (type.equals("Practitioner")) {
          String rolesTreating =
              ref("g2", "target_id", "Patient", "general-practitioner", "PractitionerRole")
                  + " and g2.res_id in "
                  + in;
          sql +=
              " or r.res_id in ("
                  + ref("pr", "target_id", "PractitionerRole", "practitioner", "Practitioner")
                  + " and pr.res_id in ("
                  + rolesTreating
                  + "))";
          args.addAll(p.args());
        }
      }
      default -> {
        String name = patientParam(type);
        if (name == null) {
          return SqlCondition.NOTHING;
        }
        // Its index rows: a Goal's patient is kept in its subject rows (GoalIndexer).
        String param = registry.rowsParam(type, name);
        sql =
            "exists (select 1 from search_reference c where c.res_type = r.res_type"
                + " and c.res_id = r.res_id and c.param = '"
                + param
                + "'"
                + " and c.target_type = 'Patient' and c.target_id in "
                + in
                + ")";
        args.addAll(p.args());
      }
    }
    return new SqlCondition(sql, args);
  }

  /** The reference parameter that names a resource's patient, or null if it has none. */
  String patientParam(String type) {
    for (String name : List.of("patient", "subject")) {
      if (registry
          .param(type, name)
          .map(sp -> sp.kind() == SearchParam.Kind.REFERENCE)
          .orElse(false)) {
        return name;
      }
    }
    return null;
  }

  /** The patient ids of a compartment, for checking a resource about to be written. */
  Set<String> patientIds(SqlCondition p) {
    if (p == SqlCondition.NOTHING) {
      return Set.of();
    }
    SearchQuery query =
        SearchQuery.parse("Patient", Map.of(), registry)
            .and(new SqlCondition("r.res_id in (" + p.sql() + ")", p.args()));
    return store.search(query, 0, 100_000).stream()
        .map(StoredVersion::id)
        .collect(Collectors.toSet());
  }

  private static String ref(String alias, String column, String type, String param, String target) {
    return String.format(REF, alias, column, type, param, target);
  }
}
