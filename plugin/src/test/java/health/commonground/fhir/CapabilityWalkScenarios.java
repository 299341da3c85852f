package health.commonground.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceSearchParamComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.ResourceInteractionComponent;
import org.hl7.fhir.r4.model.Goal;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.RelatedPerson;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

/**
 * The CapabilityStatement is true: every interaction, search parameter, include, reverse include
 * and operation it declares is tried, and none is refused as unsupported.
 */
interface CapabilityWalkScenarios extends FhirApiSupport {

  @Test
  default void everythingTheCapabilityStatementDeclaresWorks() {
    CapabilityStatement statement =
        client().capabilities().ofType(CapabilityStatement.class).execute();
    assertThat(statement.getPublisher()).isNotBlank().isNotEqualTo("Not provided");
    assertThat(statement.getSoftware().getName()).isEqualTo("Common Ground");
    assertThat(
            statement
                .getRestFirstRep()
                .getSecurity()
                .getServiceFirstRep()
                .getCodingFirstRep()
                .getCode())
        .isEqualTo("SMART-on-FHIR");

    Patient patient = newPatient();
    Practitioner practitioner = newPractitioner();
    Goal goal = create(therapistGoal(patient.getIdElement(), practitioner.getIdElement()));
    RelatedPerson related = new RelatedPerson();
    related.setPatient(new Reference(FhirApiSupport.relative(patient.getIdElement())));
    related.addName().setFamily("Walk");
    related = create(related);
    PractitionerRole role = new PractitionerRole();
    role.setPractitioner(new Reference(FhirApiSupport.relative(practitioner.getIdElement())));
    role = create(role);
    Map<String, String> ids = new HashMap<>();
    for (Resource r : new Resource[] {patient, practitioner, goal, related, role}) {
      ids.put(r.fhirType(), r.getIdElement().getIdPart());
    }

    for (CapabilityStatementRestResourceComponent resource :
        statement.getRestFirstRep().getResource()) {
      String type = resource.getType();
      String id = ids.computeIfAbsent(type, this::anyId);
      for (ResourceInteractionComponent interaction : resource.getInteraction()) {
        String code = interaction.getCode().toCode();
        Response response =
            switch (code) {
              case "read" -> get(type + "/" + id, auth(type));
              case "vread" -> get(type + "/" + id + "/_history/1", auth(type));
              case "history-instance" -> get(type + "/" + id + "/_history", auth(type));
              case "history-type" -> get(type + "/_history?_count=1", auth(type));
              case "search-type" -> get(type + "?_count=1", auth(type));
              case "update" -> put(type + "/" + id, get(type + "/" + id).body());
              case "create" ->
                  post(type, "application/fhir+json", withoutId(get(type + "/" + id).body()));
              case "delete" -> send(request(type + "/" + throwawayGoal(patient)).DELETE());
              default -> throw new AssertionError("Undeclared interaction " + code);
            };
        assertThat(response.status())
            .as(type + " " + code + ": " + response.body())
            .isBetween(200, 201);
      }
      for (CapabilityStatementRestResourceSearchParamComponent param : resource.getSearchParam()) {
        String value =
            switch (param.getType().toCode()) {
              case "reference" -> "Patient/" + patient.getIdElement().getIdPart();
              case "date" -> "ge2000-01-01";
              case "uri" -> "https://example.org/x";
              default -> "x";
            };
        Response response = get(type + "?_count=1&" + param.getName() + "=" + value, auth(type));
        assertThat(response.status())
            .as(type + "?" + param.getName() + ": " + response.body())
            .isEqualTo(200);
      }
      for (var include : resource.getSearchInclude()) {
        Response response = get(type + "?_count=1&_include=" + include.getValue(), auth(type));
        assertThat(response.status()).as(type + " _include=" + include.getValue()).isEqualTo(200);
      }
      for (var revInclude : resource.getSearchRevInclude()) {
        Response response =
            get(type + "?_count=1&_revinclude=" + revInclude.getValue(), auth(type));
        assertThat(response.status())
            .as(type + " _revinclude=" + revInclude.getValue())
            .isEqualTo(200);
      }
      for (var operation : resource.getOperation()) {
        assertThat(operation.getDefinition()).as(type + " $" + operation.getName()).isNotBlank();
      }
    }

    Bundle batch = new Bundle().setType(Bundle.BundleType.BATCH);
    batch.addEntry().getRequest().setMethod(Bundle.HTTPVerb.GET).setUrl("Goal/" + ids.get("Goal"));
    Response response = post("", "application/fhir+json", json(batch));
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(parse(Bundle.class, response).getEntryFirstRep().getResponse().getStatus())
        .startsWith("200");
  }

  private String anyId(String type) {
    Bundle bundle = parse(Bundle.class, get(type + "?_count=1", auth(type)));
    assertThat(bundle.getEntry()).as("a " + type + " to try the interactions on").isNotEmpty();
    return bundle.getEntryFirstRep().getResource().getIdElement().getIdPart();
  }

  /** The log is read only with its own scope; everything else with the backend's token. */
  private String[] auth(String type) {
    return "AuditEvent".equals(type)
        ? new String[] {"Authorization", "Bearer " + auditorToken()}
        : new String[0];
  }

  private String throwawayGoal(Patient patient) {
    return create(clientGoal(patient.getIdElement())).getIdElement().getIdPart();
  }

  private static String withoutId(String json) {
    return json.replaceFirst("\"id\":\"[^\"]*\",", "");
  }
}
