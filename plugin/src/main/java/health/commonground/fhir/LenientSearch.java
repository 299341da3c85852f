package health.commonground.fhir;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RequestTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import health.commonground.store.SearchParamRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * {@code Prefer: handling=lenient} on a search: parameters this server does not support are left
 * out instead of refused (400 under the default strict handling), as the FHIR search page
 * describes. Runs before either answer path reads the parameters.
 */
@Component
class LenientSearch implements FhirInterceptor {

  private static final Set<String> CONTROLS =
      Set.of(
          "_id",
          "_lastUpdated",
          "_count",
          "_offset",
          "_total",
          "_sort",
          "_format",
          "_include",
          "_revinclude",
          "_elements",
          "_summary",
          "_pretty");

  private final SearchParamRegistry registry;

  LenientSearch(SearchParamRegistry registry) {
    this.registry = registry;
  }

  @Hook(value = Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED, order = 50)
  public boolean dropUnknown(RequestDetails request) {
    String prefer = request.getHeader("Prefer");
    String type = request.getResourceName();
    if (prefer == null
        || !prefer.replace(" ", "").contains("handling=lenient")
        || request.getRequestType() != RequestTypeEnum.GET
        || type == null
        || request.getId() != null
        || request.getOperation() != null) {
      return true;
    }
    Map<String, String[]> known = new LinkedHashMap<>();
    request
        .getParameters()
        .forEach(
            (name, values) -> {
              String base = name.split("[:.]", 2)[0];
              if (CONTROLS.contains(base) || registry.param(type, base).isPresent()) {
                known.put(name, values);
              }
            });
    request.setParameters(known);
    return true;
  }
}
