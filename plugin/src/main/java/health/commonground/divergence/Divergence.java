package health.commonground.divergence;

import health.commonground.goal.GoalExtensions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.Annotation;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Goal;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;

/**
 * A named difference between a client's goal and their therapist's goal, read from and written to
 * one goal-divergence extension on the client goal. It is a view over the extension, so parts this
 * class does not interpret survive a read-modify-write untouched.
 */
public final class Divergence {

  /** One application of an alignment strategy. */
  public record StrategyUse(String code, Instant date, String author, String note) {}

  private final Extension extension;

  private Divergence(Extension extension) {
    this.extension = extension;
  }

  /** The recorded divergences of a goal, in the order they were recorded. */
  public static List<Divergence> on(Goal goal) {
    List<Divergence> divergences = new ArrayList<>();
    for (Extension ext : goal.getExtension()) {
      if (GoalExtensions.DIVERGENCE.equals(ext.getUrl())) {
        divergences.add(new Divergence(ext));
      }
    }
    return divergences;
  }

  /** The divergence of a goal with the given counterpart that is still open, if any. */
  public static Optional<Divergence> openWith(Goal goal, String counterpart) {
    return on(goal).stream()
        .filter(d -> counterpart.equals(d.counterpart()))
        .filter(d -> d.status().map(DivergenceStatus::isOpen).orElse(false))
        .findFirst();
  }

  /** Names a new divergence on {@code goal}; it starts as identified. */
  public static Divergence name(
      Goal goal,
      String counterpart,
      List<DivergenceDimension> dimensions,
      Instant identified,
      Reference identifiedBy) {
    Extension ext = goal.addExtension().setUrl(GoalExtensions.DIVERGENCE);
    ext.addExtension("counterpart", new Reference(counterpart));
    for (DivergenceDimension dimension : dimensions) {
      ext.addExtension("dimension", dimension.coding());
    }
    ext.addExtension("status", new CodeType(DivergenceStatus.IDENTIFIED.code()));
    ext.addExtension("identified", dateTime(identified));
    if (identifiedBy != null && (identifiedBy.hasReference() || identifiedBy.hasDisplay())) {
      ext.addExtension("identifiedBy", identifiedBy.copy());
    }
    return new Divergence(ext);
  }

  /** A copy of this divergence on another goal, against the given counterpart. */
  public Divergence copyTo(Goal goal, String counterpart) {
    Extension copy = extension.copy();
    goal.addExtension(copy);
    Divergence divergence = new Divergence(copy);
    divergence.sub("counterpart").setValue(new Reference(counterpart));
    return divergence;
  }

  public String counterpart() {
    Extension part = extension.getExtensionByUrl("counterpart");
    return part != null && part.getValue() instanceof Reference ref ? ref.getReference() : null;
  }

  public void setCounterpart(String counterpart) {
    sub("counterpart").setValue(new Reference(counterpart));
  }

  public String statusCode() {
    Extension part = extension.getExtensionByUrl("status");
    return part == null || part.getValue() == null ? null : part.getValue().primitiveValue();
  }

  public Optional<DivergenceStatus> status() {
    return Optional.ofNullable(statusCode()).flatMap(DivergenceStatus::fromCode);
  }

  public boolean isOpen() {
    return status().map(DivergenceStatus::isOpen).orElse(false);
  }

  public void setStatus(DivergenceStatus status) {
    sub("status").setValue(new CodeType(status.code()));
  }

  public List<String> dimensionCodes() {
    List<String> codes = new ArrayList<>();
    for (Extension part : extension.getExtensionsByUrl("dimension")) {
      if (part.getValue() instanceof Coding coding && coding.getCode() != null) {
        codes.add(coding.getCode());
      }
    }
    return codes;
  }

  public Optional<Instant> identified() {
    Extension part = extension.getExtensionByUrl("identified");
    return part != null && part.getValue() instanceof DateTimeType dt && dt.getValue() != null
        ? Optional.of(dt.getValue().toInstant())
        : Optional.empty();
  }

  public Optional<Reference> identifiedBy() {
    Extension part = extension.getExtensionByUrl("identifiedBy");
    return part != null && part.getValue() instanceof Reference ref
        ? Optional.of(ref)
        : Optional.empty();
  }

  public List<StrategyUse> strategies() {
    List<StrategyUse> uses = new ArrayList<>();
    for (Extension strategy : extension.getExtensionsByUrl("strategy")) {
      Extension code = strategy.getExtensionByUrl("code");
      Extension date = strategy.getExtensionByUrl("date");
      Extension author = strategy.getExtensionByUrl("author");
      Extension note = strategy.getExtensionByUrl("note");
      uses.add(
          new StrategyUse(
              code != null && code.getValue() instanceof Coding c ? c.getCode() : null,
              date != null && date.getValue() instanceof DateTimeType d && d.getValue() != null
                  ? d.getValue().toInstant()
                  : null,
              author != null && author.getValue() instanceof Reference r ? r.getReference() : null,
              note != null && note.getValue() != null ? note.getValue().primitiveValue() : null));
    }
    return uses;
  }

  public void addStrategy(AlignmentStrategy strategy, Instant date, Reference author, String note) {
    Extension use = extension.addExtension().setUrl("strategy");
    use.addExtension("code", strategy.coding());
    use.addExtension("date", dateTime(date));
    use.addExtension("author", author.copy());
    if (note != null && !note.isBlank()) {
      use.addExtension("note", new StringType(note));
    }
  }

  public int noteCount() {
    return extension.getExtensionsByUrl("note").size();
  }

  public void addNote(Reference author, Instant time, String text) {
    Annotation annotation = new Annotation().setText(text).setTime(Date.from(time));
    if (author != null && author.hasReference()) {
      annotation.setAuthor(author.copy());
    } else if (author != null && author.hasDisplay()) {
      annotation.setAuthor(new StringType(author.getDisplay()));
    }
    extension.addExtension("note", annotation);
  }

  /** The extension itself, e.g. to compare two versions of it. */
  Extension extension() {
    return extension;
  }

  private Extension sub(String url) {
    Extension part = extension.getExtensionByUrl(url);
    if (part == null) {
      part = extension.addExtension().setUrl(url);
    }
    return part;
  }

  private static DateTimeType dateTime(Instant instant) {
    DateTimeType value = new DateTimeType(Date.from(instant));
    value.setTimeZoneZulu(true);
    return value;
  }
}
