package health.commonground.store;

import java.util.function.BiConsumer;
import org.hl7.fhir.r4.model.Resource;

/**
 * A search parameter the store indexes: its name, its kind, what it means, and how its values are
 * taken from a resource.
 */
public record SearchParam(
    String name, Kind kind, String description, BiConsumer<Resource, IndexEntries> extractor) {

  /** The FHIR search parameter types the store supports. */
  public enum Kind {
    TOKEN,
    REFERENCE,
    STRING
  }

  public static SearchParam token(
      String name, String description, BiConsumer<Resource, IndexEntries> extractor) {
    return new SearchParam(name, Kind.TOKEN, description, extractor);
  }

  public static SearchParam reference(
      String name, String description, BiConsumer<Resource, IndexEntries> extractor) {
    return new SearchParam(name, Kind.REFERENCE, description, extractor);
  }

  public static SearchParam string(
      String name, String description, BiConsumer<Resource, IndexEntries> extractor) {
    return new SearchParam(name, Kind.STRING, description, extractor);
  }
}
