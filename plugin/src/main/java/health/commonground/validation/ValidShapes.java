package health.commonground.validation;

import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.Property;
import org.hl7.fhir.r4.model.Resource;

/**
 * The shapes of resources that passed validation without errors, so that writing another resource
 * of a known shape does not run the validator again.
 *
 * <p>A resource's shape is the resource itself (every element, in order, with its type and value)
 * except for four kinds of value, each replaced by its kind, because nothing the validator checks
 * tells two values of one kind apart:
 *
 * <ul>
 *   <li>a resource's id and {@code meta.versionId} that are valid ids;
 *   <li>the id in a {@code Type/id} reference: the type stays, so target type rules still apply;
 *   <li>free text (a CodeableConcept's or an Annotation's text, a Reference's display) made of
 *       letters, digits, marks, single inner spaces and ordinary punctuation; text with markup
 *       characters, other symbols or surrounding whitespace stays as it is;
 *   <li>the dates of a goal (start, status, target due date), of a note and {@code
 *       meta.lastUpdated}, when they are real calendar dates of the same precision between 1900 and
 *       2100. Dates elsewhere stay: a Period's start and end are compared.
 * </ul>
 *
 * Codes, systems, URIs, profiles, extension URLs, languages, numbers and all other strings are part
 * of the shape as they are. Our profiles declare no maximum lengths, fixed or pattern strings, and
 * their invariants compare codes and reference types only; a resource with a narrative or contained
 * resources has no shape (always validated). {@code ValidShapesTest} validates variants of every
 * sample Goal that share its shape and checks they get the same errors.
 *
 * <p>With a shape its validation messages are kept when all of them are about the resource as a
 * whole (such as the best-practice warning that a resource should have a narrative): only their
 * position in the validated text depends on the values a shape leaves out, so {@code $validate} can
 * answer a resource of that shape without the validator ({@link
 * ProfileValidator#validateOrRecall}).
 *
 * <p>Shapes are kept as SHA-256 digests, at most {@value #MAX_SHAPES} of them. Thread-safe.
 */
public final class ValidShapes {

  static final int MAX_SHAPES = 20_000;

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");
  private static final Pattern TYPED_REFERENCE =
      Pattern.compile("([A-Z][A-Za-z]{1,63})/([A-Za-z0-9\\-.]{1,64})");
  static final int MAX_TEXT = 2000;
  private static final String PUNCTUATION = ".,;:!?'\"()-/%+#@_*$€£‘’“”–—…";
  private static final Pattern DATE = Pattern.compile("\\d{4}(-\\d{2}(-\\d{2})?)?");
  private static final Pattern DATE_TIME =
      Pattern.compile(
          "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]\\d{2}:\\d{2})");

  /** Shape -> its messages when all are about the whole resource, else empty. */
  private final Map<String, Optional<List<SingleValidationMessage>>> passed =
      new ConcurrentHashMap<>();

  /** Each distinct list of recalled messages once (in practice a handful). */
  private final Map<List<SingleValidationMessage>, Optional<List<SingleValidationMessage>>>
      distinctMessages = new ConcurrentHashMap<>();

  /** The resource's shape, or empty when it has none (narrative, contained resources). */
  public Optional<String> shapeOf(Resource resource) {
    StringBuilder shape = new StringBuilder(1024).append(resource.fhirType());
    if (!appendChildren(resource, shape)) {
      return Optional.empty();
    }
    return Optional.of(digest(shape));
  }

  /** Whether a resource of this shape passed validation before. */
  public boolean passed(String shape) {
    return passed.containsKey(shape);
  }

  /**
   * The messages of a shape that passed with messages about the whole resource only (perhaps none),
   * without line and column (they depend on the resource's text); else empty.
   */
  public Optional<List<SingleValidationMessage>> recall(String shape) {
    return passed.getOrDefault(shape, Optional.empty());
  }

  /**
   * Records the validation of a resource of this shape and type; one with errors did not pass and
   * is not recorded.
   */
  public void remember(String shape, String resourceType, ValidationResult result) {
    if (ProfileValidator.hasErrors(result) || passed.size() >= MAX_SHAPES) {
      return;
    }
    List<SingleValidationMessage> messages = result.getMessages();
    boolean aboutWholeResource =
        messages.stream().allMatch(m -> resourceType.equals(m.getLocationString()));
    passed.putIfAbsent(shape, aboutWholeResource ? shared(messages) : Optional.empty());
  }

  /**
   * The messages without their position, as one instance for all shapes that got the same ones:
   * most shapes share the narrative warning, and a shape is not worth a copy of its text.
   */
  private Optional<List<SingleValidationMessage>> shared(List<SingleValidationMessage> messages) {
    List<SingleValidationMessage> unplaced = new ArrayList<>(messages.size());
    for (SingleValidationMessage message : messages) {
      SingleValidationMessage copy = new SingleValidationMessage(message);
      copy.setLocationLine(null);
      copy.setLocationCol(null);
      unplaced.add(copy);
    }
    List<SingleValidationMessage> key = List.copyOf(unplaced);
    return distinctMessages.computeIfAbsent(key, k -> Optional.of(k));
  }

  int size() {
    return passed.size();
  }

  private static boolean appendChildren(Base element, StringBuilder shape) {
    shape.append('{');
    for (Property property : element.children()) {
      if (!property.hasValues()) {
        continue;
      }
      String name = property.getName();
      if ("contained".equals(name)) {
        return false;
      }
      for (Base value : property.getValues()) {
        if (value == null
            || (value.isPrimitive() && value.primitiveValue() == null && value.isEmpty())) {
          continue; // not encoded, so not validated
        }
        String type = value.fhirType();
        if ("Narrative".equals(type) || "xhtml".equals(type)) {
          return false;
        }
        shape.append(name).append(':').append(type);
        if (value.isPrimitive()) {
          appendValue(element, name, type, value.primitiveValue(), shape);
        }
        if (!appendChildren(value, shape)) {
          return false;
        }
      }
    }
    shape.append('}');
    return true;
  }

  private static void appendValue(
      Base parent, String name, String type, String value, StringBuilder shape) {
    String kind = value == null ? null : kindOf(parent, name, type, value);
    if (kind != null) {
      shape.append('~').append(kind);
    } else if (value == null) {
      shape.append('!');
    } else {
      // Length first, so that no value can run into what follows it.
      shape.append('=').append(value.length()).append(':').append(value);
    }
  }

  /** The kind standing for the value in the shape, or null when the value itself stays. */
  private static String kindOf(Base parent, String name, String type, String value) {
    String parentType = parent.fhirType();
    if ("id".equals(name) && parent instanceof Resource resource) {
      // Encoded (and so validated) is the id part only: "Goal/x/_history/2" as "x".
      String idPart = resource.getIdElement().getIdPart();
      return idPart != null && ID.matcher(idPart).matches() ? "id" : null;
    }
    if (isAt(parentType, name, "Meta", "versionId")) {
      return ID.matcher(value).matches() ? "id" : null;
    }
    if (isAt(parentType, name, "Reference", "reference")) {
      Matcher reference = TYPED_REFERENCE.matcher(value);
      return reference.matches() ? reference.group(1) + "/id" : null;
    }
    if (isAt(parentType, name, "CodeableConcept", "text")
        || isAt(parentType, name, "Annotation", "text")
        || isAt(parentType, name, "Reference", "display")) {
      return isPlainText(value) ? "text" : null;
    }
    if (isAt(parentType, name, "Goal", "start[x]")
        || isAt(parentType, name, "Goal", "statusDate")
        || isAt(parentType, name, "Goal.target", "due[x]")
        || isAt(parentType, name, "Annotation", "time")
        || isAt(parentType, name, "Meta", "lastUpdated")) {
      return dateKind(type, value);
    }
    return null;
  }

  private static boolean isAt(String parentType, String name, String atType, String atName) {
    return atName.equals(name) && atType.equals(parentType);
  }

  /** Letters, digits, marks, ordinary punctuation and single inner spaces; nothing else. */
  static boolean isPlainText(String text) {
    int length = text.length();
    if (length == 0
        || length > MAX_TEXT
        || text.charAt(0) == ' '
        || text.charAt(length - 1) == ' ') {
      return false;
    }
    char previous = 'x';
    for (int i = 0; i < length; i++) {
      char c = text.charAt(i);
      boolean ok =
          c == ' '
              ? previous != ' '
              : Character.isLetterOrDigit(c) || isMark(c) || PUNCTUATION.indexOf(c) >= 0;
      if (!ok) {
        return false;
      }
      previous = c;
    }
    return true;
  }

  private static boolean isMark(char c) {
    int category = Character.getType(c);
    return category == Character.NON_SPACING_MARK
        || category == Character.COMBINING_SPACING_MARK
        || category == Character.ENCLOSING_MARK;
  }

  /** "date:10" for a valid day, "dateTime" for a valid date and time with a zone; else null. */
  private static String dateKind(String type, String value) {
    try {
      if (("date".equals(type) || "dateTime".equals(type)) && DATE.matcher(value).matches()) {
        int year = Integer.parseInt(value.substring(0, 4));
        if (value.length() == 10) {
          LocalDate.parse(value);
        } else if (value.length() == 7) {
          LocalDate.parse(value + "-01");
        }
        return year >= 1900 && year <= 2100 ? type + ":" + value.length() : null;
      }
      if (("dateTime".equals(type) || "instant".equals(type))
          && DATE_TIME.matcher(value).matches()) {
        int year = OffsetDateTime.parse(value).getYear();
        // The zone-less local date must be a valid day too, whatever the offset.
        LocalDate.parse(value.substring(0, 10));
        return year >= 1900 && year <= 2100 ? type + ":time" : null;
      }
    } catch (DateTimeParseException e) {
      return null;
    }
    return null;
  }

  private static String digest(CharSequence shape) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] hash = sha.digest(shape.toString().getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().withoutPadding().encodeToString(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }
}
