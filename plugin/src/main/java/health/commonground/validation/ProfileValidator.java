package health.commonground.validation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.IValidatorModule;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import health.commonground.conformance.ImplementationGuide;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.IntConsumer;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.utilities.json.model.JsonObject;
import org.hl7.fhir.utilities.json.parser.JsonParser;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Validates resources against base R4 and the profiles they declare, with one validation chain
 * ({@link ValidationChain}) built and warmed at start-up by {@link ValidationWarmUp}. Thread-safe.
 */
@Component
public class ProfileValidator {

  /** The core validator's message id for a declared profile it cannot find. */
  private static final String UNKNOWN_PROFILE = "Validation_VAL_Profile_Unknown";

  /** Warm-ups tried, each on a freshly built chain, before the start-up is given up. */
  static final int WARM_UP_ATTEMPTS = 3;

  private final FhirContext fhirContext;
  private final CompletableFuture<ValidationChain> warmUp;
  private final ValidShapes shapes = new ValidShapes();

  @Autowired
  public ProfileValidator(FhirContext fhirContext, ImplementationGuide implementationGuide) {
    this(fhirContext, implementationGuide, WARM_UP_ATTEMPTS, attempt -> {});
  }

  /**
   * @param beforeAttempt called on the warm-up thread before each attempt (numbered from 1), in a
   *     freshly built chain; what it throws fails that attempt, as tests need
   */
  ProfileValidator(
      FhirContext fhirContext,
      ImplementationGuide implementationGuide,
      int attempts,
      IntConsumer beforeAttempt) {
    this.fhirContext = fhirContext;
    // Building the chain (~1 s) and warming it happen on the warm-up thread, alongside the rest of
    // the start-up.
    this.warmUp =
        ValidationWarmUp.startInBackground(
            fhirContext,
            () -> ValidationChain.build(fhirContext, implementationGuide),
            attempts,
            beforeAttempt);
  }

  /**
   * Validates the resource; until the start-up warm-up has finished, waits for it first.
   *
   * <p>Why wait: the server takes requests before it reports ready, and a cold chain is not safe to
   * use from several threads at once. Its first calls convert the core definitions and generate our
   * profiles' snapshots, and HAPI's lazy steps there race (seen as a
   * ConcurrentModificationException, and as a snapshot asked for before it was generated).
   */
  public ValidationResult validate(IBaseResource resource) {
    return awaitWarmUp().validate(resource);
  }

  /**
   * What {@link #validate} gives this resource, without the validator when a resource of its shape
   * passed before with messages about the whole resource only ({@link ValidShapes}): those
   * messages, at the position the validator gives this resource in the text it validates (HAPI's
   * compact JSON of it). Otherwise validates it, and remembers the result for its shape.
   */
  public ValidationResult validateOrRecall(Resource resource) {
    Optional<String> shape = shapes.shapeOf(resource);
    Optional<List<SingleValidationMessage>> known = shape.flatMap(shapes::recall);
    if (known.isPresent()) {
      return new ValidationResult(fhirContext, placed(known.get(), resource));
    }
    ValidationResult result = validate(resource);
    shape.ifPresent(s -> shapes.remember(s, resource.fhirType(), result));
    return result;
  }

  /** The shapes of resources that passed, shared by writes and {@link #validateOrRecall}. */
  public ValidShapes shapes() {
    return shapes;
  }

  /**
   * Copies of the messages at the resource's position: where the core validator's JSON reader puts
   * the root object (the line it starts on, the column it ends at), read by that same reader.
   */
  private List<SingleValidationMessage> placed(
      List<SingleValidationMessage> messages, Resource resource) {
    if (messages.isEmpty()) {
      return List.of();
    }
    JsonObject root;
    try {
      root = JsonParser.parseObject(fhirContext.newJsonParser().encodeResourceToString(resource));
    } catch (IOException e) {
      throw new UncheckedIOException("HAPI's JSON of a parsed resource could not be read", e);
    }
    List<SingleValidationMessage> placed = new ArrayList<>(messages.size());
    for (SingleValidationMessage message : messages) {
      SingleValidationMessage copy = new SingleValidationMessage(message);
      copy.setLocationLine(root.getStart().getLine());
      copy.setLocationCol(root.getEnd().getCol());
      placed.add(copy);
    }
    return placed;
  }

  /**
   * A profile we do not hold (US Core, another IG) is reported, not refused: partners declare their
   * own profiles, and the resource is still held to base R4 and to every profile we hold. Applied
   * where a result decides a write or answers $validate; the validator's own messages stay HAPI's.
   */
  public static ValidationResult unknownProfilesAsWarnings(ValidationResult result) {
    for (SingleValidationMessage message : result.getMessages()) {
      if (message.getMessageId() != null
          && message.getMessageId().startsWith(UNKNOWN_PROFILE)
          && message.getSeverity() == ResultSeverityEnum.ERROR) {
        message.setSeverity(ResultSeverityEnum.WARNING);
      }
    }
    return result;
  }

  boolean isWarm() {
    return warmUp.isDone() && !warmUp.isCompletedExceptionally();
  }

  /** Blocks until the start-up warm-up has finished; rethrows its failure. */
  ValidationChain awaitWarmUp() {
    try {
      return warmUp.join();
    } catch (CompletionException e) {
      throw new IllegalStateException("The validation chain could not be warmed", e.getCause());
    }
  }

  /**
   * The validation chain, so that tests and the benchmark can run plain HAPI on the same one; once
   * warm, as {@link #validate} uses it.
   */
  IValidationSupport validationSupport() {
    return awaitWarmUp().support();
  }

  public FhirContext fhirContext() {
    return fhirContext;
  }

  /** Whether the result refuses a write: an error or fatal message. */
  public static boolean hasErrors(ValidationResult result) {
    return result.getMessages().stream()
        .anyMatch(
            m ->
                m.getSeverity() == ResultSeverityEnum.ERROR
                    || m.getSeverity() == ResultSeverityEnum.FATAL);
  }

  int coreValidatorsBuilt() {
    return awaitWarmUp().coreValidatorsBuilt();
  }

  /** A FhirValidator set up as ours is (no XSD or Schematron), around the given module. */
  static FhirValidator newValidator(FhirContext fhirContext, IValidatorModule module) {
    FhirValidator validator = fhirContext.newValidator();
    validator.setValidateAgainstStandardSchema(false);
    validator.setValidateAgainstStandardSchematron(false);
    validator.registerValidatorModule(module);
    return validator;
  }
}
