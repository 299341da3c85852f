package health.commonground.security;

import health.commonground.store.LocalReference;
import health.commonground.store.ResourceStore;
import health.commonground.store.SearchParamRegistry;
import java.util.List;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * Builds the one access boundary ({@link ResourceAccess}) of a caller: from a bearer token for the
 * FHIR API, from the signed-in person for the screens. Both follow the same rules, so a person sees
 * and changes the same records whichever way they come.
 */
@Component
public class AccessBoundary {

  private final Compartments compartments;
  private final SearchParamRegistry registry;
  private final ResourceStore store;
  private final SecurityProperties properties;

  AccessBoundary(
      Compartments compartments,
      SearchParamRegistry registry,
      ResourceStore store,
      SecurityProperties properties) {
    this.compartments = compartments;
    this.registry = registry;
    this.store = store;
    this.properties = properties;
  }

  /** A FHIR API caller, as its token says. */
  public ResourceAccess forCaller(Caller caller) {
    return new CallerAccess(caller, caller.actingUser(), this);
  }

  /**
   * A person signed in to the app's screens: a clinician reaches their clients and the patient the
   * EHR launched them with; a client (or family member) their own record. The screens are this
   * server's own, so the person's role decides, not the scopes asked of the EHR.
   */
  public ResourceAccess forAppUser(ActingUser person, boolean clinician, String launchPatient) {
    if (person.isSystem()) {
      return NoAccess.INSTANCE;
    }
    LocalReference user = new LocalReference(person.type(), person.id(), null);
    // A client's record is their own (patient/); a family member's, the client they are related
    // to, and a clinician's, their clients (user/, see Compartments).
    boolean patient = !clinician && "Patient".equals(person.type());
    Caller caller =
        new Caller(
            "common-ground-app",
            user,
            patient ? person.id() : clinician ? launchPatient : null,
            List.of(SmartScope.parse(patient ? "patient/*.cruds" : "user/*.cruds").orElseThrow()),
            false);
    return new CallerAccess(caller, person, this);
  }

  /** The ids of the clients a clinician treats: the one definition of "treats". */
  public Set<String> treatedClients(String userType, String userId) {
    if (!"Practitioner".equals(userType) && !"PractitionerRole".equals(userType)) {
      return Set.of();
    }
    Caller clinician =
        new Caller(null, new LocalReference(userType, userId, null), null, List.of(), false);
    return compartments.patientIds(compartments.patients(clinician, SmartScope.Context.USER));
  }

  /** The Practitioner ids a PractitionerRole belongs to. */
  Set<String> practitionerOfRole(String roleId) {
    return Set.copyOf(
        store.referencesFrom("PractitionerRole", List.of(roleId), "practitioner").stream()
            .filter(r -> r.type().equals("Practitioner"))
            .map(LocalReference::id)
            .toList());
  }

  Compartments compartments() {
    return compartments;
  }

  SearchParamRegistry registry() {
    return registry;
  }

  ResourceStore store() {
    return store;
  }

  String adminRole() {
    return properties.adminRole();
  }

  boolean trustLaunchPatient() {
    return properties.trustLaunchPatient();
  }
}
