package health.commonground.people;

import health.commonground.fhir.FhirProperties;
import health.commonground.fhir.ResourceWriter;
import health.commonground.fhir.StoredResourceProvider;
import health.commonground.store.ResourceStore;
import health.commonground.store.SearchParamRegistry;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.RelatedPerson;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The FHIR endpoints of clients, clinicians and the people around them. */
@Configuration(proxyBeanMethods = false)
class PeopleProviders {

  @Bean
  StoredResourceProvider<Patient> patientProvider(
      ResourceStore store, ResourceWriter writer, SearchParamRegistry registry, FhirProperties p) {
    return new StoredResourceProvider<>(Patient.class, store, writer, registry, p);
  }

  @Bean
  StoredResourceProvider<Practitioner> practitionerProvider(
      ResourceStore store, ResourceWriter writer, SearchParamRegistry registry, FhirProperties p) {
    return new StoredResourceProvider<>(Practitioner.class, store, writer, registry, p);
  }

  @Bean
  StoredResourceProvider<PractitionerRole> practitionerRoleProvider(
      ResourceStore store, ResourceWriter writer, SearchParamRegistry registry, FhirProperties p) {
    return new StoredResourceProvider<>(PractitionerRole.class, store, writer, registry, p);
  }

  @Bean
  StoredResourceProvider<RelatedPerson> relatedPersonProvider(
      ResourceStore store, ResourceWriter writer, SearchParamRegistry registry, FhirProperties p) {
    return new StoredResourceProvider<>(RelatedPerson.class, store, writer, registry, p);
  }
}
