package health.commonground.conformance;

import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.OptionalParam;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.param.UriParam;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import health.commonground.fhir.OperationDefinitionReader;
import java.util.List;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.MetadataResource;
import org.hl7.fhir.r4.model.OperationDefinition;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.SearchParameter;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.r4.model.ValueSet;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Our published StructureDefinitions, ValueSets, CodeSystems, SearchParameters and
 * OperationDefinitions, read-only.
 */
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

  @Bean
  OperationDefinitions operationDefinitions(ImplementationGuide ig) {
    return new OperationDefinitions(ig);
  }

  /** Lookup by id and by canonical URL over the resources of one type of the guide. */
  static class Published<T extends MetadataResource> {

    private final Class<T> type;
    private final ImplementationGuide ig;

    Published(Class<T> type, ImplementationGuide ig) {
      this.type = type;
      this.ig = ig;
    }

    public Class<? extends Resource> getResourceType() {
      return type;
    }

    T byId(IIdType id) {
      return ig.ofType(type).stream()
          .filter(r -> r.getIdPart().equals(id.getIdPart()))
          .findFirst()
          .orElseThrow(
              () ->
                  new ResourceNotFoundException(
                      type.getSimpleName() + "/" + id.getIdPart() + " is not published here"));
    }

    List<T> byUrl(UriParam url) {
      return ig.ofType(type).stream()
          .filter(r -> url == null || url.getValue().equals(r.getUrl()))
          .toList();
    }
  }

  /** Read by id and search by canonical URL. */
  public static class ReadOnlyProvider<T extends MetadataResource> extends Published<T>
      implements IResourceProvider {

    ReadOnlyProvider(Class<T> type, ImplementationGuide ig) {
      super(type, ig);
    }

    @Read
    public T read(@IdParam IdType id) {
      return byId(id);
    }

    @Search
    public List<T> search(@OptionalParam(name = "url") UriParam url) {
      return byUrl(url);
    }
  }

  /**
   * Search by canonical URL here; reads arrive through the server's CapabilityStatement provider,
   * which HAPI answers every OperationDefinition read with (see {@link OperationDefinitionReader}).
   */
  public static class OperationDefinitions extends Published<OperationDefinition>
      implements IResourceProvider, OperationDefinitionReader {

    OperationDefinitions(ImplementationGuide ig) {
      super(OperationDefinition.class, ig);
    }

    @Override
    public OperationDefinition read(IIdType id) {
      return byId(id);
    }

    @Search
    public List<OperationDefinition> search(@OptionalParam(name = "url") UriParam url) {
      return byUrl(url);
    }
  }
}
