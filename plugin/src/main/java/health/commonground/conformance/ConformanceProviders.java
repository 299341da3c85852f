package health.commonground.conformance;

import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.OptionalParam;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.param.UriParam;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.List;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.MetadataResource;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.SearchParameter;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.r4.model.ValueSet;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Our published StructureDefinitions, ValueSets, CodeSystems and SearchParameters, read-only. */
@Configuration(proxyBeanMethods = false)
class ConformanceProviders {

  @Bean
  IResourceProvider structureDefinitions(ImplementationGuide ig) {
    return new ReadOnlyProvider<>(StructureDefinition.class, ig);
  }

  @Bean
  IResourceProvider valueSets(ImplementationGuide ig) {
    return new ReadOnlyProvider<>(ValueSet.class, ig);
  }

  @Bean
  IResourceProvider codeSystems(ImplementationGuide ig) {
    return new ReadOnlyProvider<>(CodeSystem.class, ig);
  }

  @Bean
  IResourceProvider searchParameters(ImplementationGuide ig) {
    return new ReadOnlyProvider<>(SearchParameter.class, ig);
  }

  /** Read by id and search by canonical URL over the resources of the implementation guide. */
  public static class ReadOnlyProvider<T extends MetadataResource> implements IResourceProvider {

    private final Class<T> type;
    private final ImplementationGuide ig;

    ReadOnlyProvider(Class<T> type, ImplementationGuide ig) {
      this.type = type;
      this.ig = ig;
    }

    @Override
    public Class<? extends Resource> getResourceType() {
      return type;
    }

    @Read
    public T read(@IdParam IdType id) {
      return ig.ofType(type).stream()
          .filter(r -> r.getIdPart().equals(id.getIdPart()))
          .findFirst()
          .orElseThrow(
              () ->
                  new ResourceNotFoundException(
                      type.getSimpleName() + "/" + id.getIdPart() + " is not published here"));
    }

    @Search
    public List<T> search(@OptionalParam(name = "url") UriParam url) {
      return ig.ofType(type).stream()
          .filter(r -> url == null || url.getValue().equals(r.getUrl()))
          .toList();
    }
  }
}
