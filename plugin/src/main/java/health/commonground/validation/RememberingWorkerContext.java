package health.commonground.validation;

import ca.uhn.fhir.context.support.IValidationSupport;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.hl7.fhir.common.hapi.validation.validator.WorkerContextValidationSupportAdapter;
import org.hl7.fhir.r5.model.Resource;
import org.hl7.fhir.r5.model.StructureDefinition;

/**
 * The core validator's view of the validation chain (HAPI's adapter), remembering the definitions
 * it has looked up.
 *
 * <p>Why: the core validator looks up the same StructureDefinitions (extensions, data types,
 * profiles) many times per resource, and each lookup through HAPI's adapter walks the chain, parses
 * version strings, takes a lock on the definition and checks for a converted copy — ~20 % of
 * validating a Goal with extensions. The chain's content does not change while the application runs
 * (our implementation guide and the core definitions, loaded at start-up), so a definition found
 * once is the one found every time, and a URL not found stays unknown.
 *
 * <p>Every lookup by URL in the adapter (with or without a version, of type definitions, of value
 * sets and code systems for terminology) comes down to {@link #fetchResource(Class, String)}, so
 * that is the one remembered. What is found is bounded by the definitions in the chain; what is not
 * found depends on the resources validated (a profile or extension URL they name), so at most
 * {@link #MAX_UNKNOWN} unknown URLs are remembered and the rest are asked again.
 */
final class RememberingWorkerContext extends WorkerContextValidationSupportAdapter {

  static final int MAX_UNKNOWN = 10_000;

  private final Map<Class<?>, Map<String, Optional<Resource>>> byType = new ConcurrentHashMap<>();
  private final AtomicInteger unknown = new AtomicInteger();
  private final Map<String, StructureDefinition> typeDefinitions = new ConcurrentHashMap<>();

  RememberingWorkerContext(IValidationSupport chain) {
    super(chain);
  }

  @Override
  @SuppressWarnings("unchecked") // as the adapter's own lookup
  public <T extends Resource> T fetchResource(Class<T> type, String url) {
    if (url == null) {
      return super.fetchResource(type, url);
    }
    Map<String, Optional<Resource>> known =
        byType.computeIfAbsent(type, t -> new ConcurrentHashMap<>());
    Optional<Resource> answer = known.get(url);
    if (answer != null) {
      return (T) answer.orElse(null);
    }
    T found = super.fetchResource(type, url);
    if (found != null || unknown.getAndUpdate(n -> Math.min(n + 1, MAX_UNKNOWN)) < MAX_UNKNOWN) {
      known.put(url, Optional.ofNullable(found));
    }
    return found;
  }

  /**
   * By type name, which saves building and hashing the type's URL: the core validator asks for the
   * type of most elements it checks (its regex, whether it is a resource, its extension style).
   */
  @Override
  public StructureDefinition fetchTypeDefinition(String typeName) {
    StructureDefinition known = typeDefinitions.get(typeName);
    if (known != null) {
      return known;
    }
    StructureDefinition found = super.fetchTypeDefinition(typeName);
    if (found != null) {
      typeDefinitions.put(typeName, found);
    }
    return found;
  }
}
