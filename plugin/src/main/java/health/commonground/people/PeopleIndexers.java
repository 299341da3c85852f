package health.commonground.people;

import health.commonground.store.ResourceIndexer;
import health.commonground.store.SearchParam;
import java.util.List;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.RelatedPerson;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Search parameters of the people goals belong to and are expressed by. */
@Configuration(proxyBeanMethods = false)
class PeopleIndexers {

  @Bean
  ResourceIndexer patientIndexer() {
    return indexer(
        "Patient",
        SearchParam.token(
            "identifier",
            "An identifier of the client (e.g. the EHR's id or MRN)",
            (r, idx) -> ((Patient) r).getIdentifier().forEach(idx::token)),
        SearchParam.string(
            "name",
            "Any part of the client's name",
            (r, idx) -> ((Patient) r).getName().forEach(idx::name)),
        SearchParam.string(
            "family",
            "The client's family name",
            (r, idx) -> ((Patient) r).getName().forEach(n -> idx.string(n.getFamily()))),
        SearchParam.reference(
            "general-practitioner",
            "The clinicians treating the client (Practitioner or PractitionerRole); user/ scopes"
                + " let a clinician see exactly these clients",
            (r, idx) -> ((Patient) r).getGeneralPractitioner().forEach(idx::reference)));
  }

  @Bean
  ResourceIndexer practitionerIndexer() {
    return indexer(
        "Practitioner",
        SearchParam.token(
            "identifier",
            "An identifier of the clinician",
            (r, idx) -> ((Practitioner) r).getIdentifier().forEach(idx::token)),
        SearchParam.string(
            "name",
            "Any part of the clinician's name",
            (r, idx) -> ((Practitioner) r).getName().forEach(idx::name)));
  }

  @Bean
  ResourceIndexer practitionerRoleIndexer() {
    return indexer(
        "PractitionerRole",
        SearchParam.token(
            "identifier",
            "An identifier of the role",
            (r, idx) -> ((PractitionerRole) r).getIdentifier().forEach(idx::token)),
        SearchParam.reference(
            "practitioner",
            "The clinician in this role",
            (r, idx) -> idx.reference(((PractitionerRole) r).getPractitioner())));
  }

  @Bean
  ResourceIndexer relatedPersonIndexer() {
    return indexer(
        "RelatedPerson",
        SearchParam.token(
            "identifier",
            "An identifier of the related person",
            (r, idx) -> ((RelatedPerson) r).getIdentifier().forEach(idx::token)),
        SearchParam.reference(
            "patient",
            "The client this person is related to",
            (r, idx) -> idx.reference(((RelatedPerson) r).getPatient())),
        SearchParam.string(
            "name",
            "Any part of the related person's name",
            (r, idx) -> ((RelatedPerson) r).getName().forEach(idx::name)));
  }

  private static ResourceIndexer indexer(String type, SearchParam... params) {
    return new ResourceIndexer() {
      @Override
      public String resourceType() {
        return type;
      }

      @Override
      public List<SearchParam> searchParams() {
        return List.of(params);
      }
    };
  }
}
