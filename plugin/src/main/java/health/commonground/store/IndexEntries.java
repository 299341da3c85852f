package health.commonground.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;

/** The index rows of one resource version, collected by the search parameters' extractors. */
public final class IndexEntries {

  record Token(String param, String system, String code) {}

  record Ref(String param, String targetType, String targetId) {}

  record Str(String param, String value) {}

  final List<Token> tokens = new ArrayList<>();
  final List<Ref> references = new ArrayList<>();
  final List<Str> strings = new ArrayList<>();

  private String param;

  IndexEntries forParam(String name) {
    this.param = name;
    return this;
  }

  public void token(String system, String code) {
    if (code != null && !code.isBlank()) {
      tokens.add(new Token(param, blankToNull(system), code));
    }
  }

  public void token(Coding coding) {
    if (coding != null) {
      token(coding.getSystem(), coding.getCode());
    }
  }

  public void token(CodeableConcept concept) {
    if (concept != null) {
      concept.getCoding().forEach(this::token);
    }
  }

  public void token(Identifier identifier) {
    if (identifier != null) {
      token(identifier.getSystem(), identifier.getValue());
    }
  }

  /**
   * Indexes a relative reference ({@code Type/id}, optionally versioned); other forms are skipped.
   */
  public void reference(Reference reference) {
    if (reference == null || !reference.hasReference()) {
      return;
    }
    LocalReference.parse(reference.getReference())
        .ifPresent(ref -> references.add(new Ref(param, ref.type(), ref.id())));
  }

  public void string(String value) {
    if (value != null && !value.isBlank()) {
      String normalised = normalise(value);
      strings.add(
          new Str(param, normalised.length() > 255 ? normalised.substring(0, 255) : normalised));
    }
  }

  public void name(HumanName name) {
    if (name != null) {
      string(name.getFamily());
      name.getGiven().forEach(given -> string(given.getValue()));
      if (name.hasText()) {
        string(name.getText());
      }
    }
  }

  /** The local references indexed under one parameter. */
  public List<LocalReference> references(String paramName) {
    return references.stream()
        .filter(ref -> ref.param().equals(paramName))
        .map(ref -> new LocalReference(ref.targetType(), ref.targetId(), null))
        .toList();
  }

  static String normalise(String value) {
    return value.trim().toLowerCase(Locale.ROOT);
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }
}
