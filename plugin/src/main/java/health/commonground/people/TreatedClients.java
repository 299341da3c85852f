package health.commonground.people;

import health.commonground.store.ResourceStore;
import health.commonground.store.StoredVersion;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * The clients a clinician treats: those whose {@code Patient.generalPractitioner} is the
 * clinician's Practitioner or one of its PractitionerRoles (for a PractitionerRole: that role). The
 * same relation the FHIR API's {@code user/} scopes confine a clinician to.
 */
@Component
public class TreatedClients {

  private final ResourceStore store;

  TreatedClients(ResourceStore store) {
    this.store = store;
  }

  /** The Patient ids a clinician treats; empty for any other type of user. */
  public Set<String> of(String userType, String userId) {
    Set<String> patients = new HashSet<>();
    if ("PractitionerRole".equals(userType)) {
      addTreatedBy("PractitionerRole", List.of(userId), patients);
    } else if ("Practitioner".equals(userType)) {
      addTreatedBy("Practitioner", List.of(userId), patients);
      List<String> roles =
          store
              .referencing("PractitionerRole", "practitioner", "Practitioner", List.of(userId))
              .stream()
              .map(StoredVersion::id)
              .toList();
      addTreatedBy("PractitionerRole", roles, patients);
    }
    return patients;
  }

  private void addTreatedBy(String type, List<String> ids, Set<String> patients) {
    store
        .referencing("Patient", "general-practitioner", type, ids)
        .forEach(p -> patients.add(p.id()));
  }
}
