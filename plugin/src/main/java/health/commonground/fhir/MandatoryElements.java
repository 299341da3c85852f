package health.commonground.fhir;

import ca.uhn.fhir.context.BaseRuntimeChildDefinition;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeResourceDefinition;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * {@code _elements} keeps the mandatory elements of the resource type too (e.g. a Goal's
 * lifecycleStatus, description and subject), so that what a client receives is still a valid
 * resource, only SUBSETTED, as the FHIR specification asks of servers.
 */
@Component
class MandatoryElements implements FhirInterceptor {

  private final FhirContext fhir;

  MandatoryElements(FhirContext fhir) {
    this.fhir = fhir;
  }

  @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
  public void addMandatory(RequestDetails request) {
    String[] elements = request.getParameters().get("_elements");
    String type = request.getResourceName();
    if (elements == null || elements.length == 0 || type == null) {
      return;
    }
    RuntimeResourceDefinition definition;
    try {
      definition = fhir.getResourceDefinition(type);
    } catch (RuntimeException unknownType) {
      return;
    }
    Set<String> names = new LinkedHashSet<>();
    for (String value : elements) {
      names.addAll(List.of(value.split(",")));
    }
    for (BaseRuntimeChildDefinition child : definition.getChildren()) {
      if (child.getMin() > 0) {
        names.add(child.getElementName().replace("[x]", ""));
      }
    }
    Map<String, String[]> parameters = new LinkedHashMap<>(request.getParameters());
    parameters.put("_elements", new String[] {String.join(",", names)});
    request.setParameters(parameters);
  }
}
