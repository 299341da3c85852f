package health.commonground.web;

import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import health.commonground.divergence.DivergenceService;
import health.commonground.fhir.ResourceWriter;
import health.commonground.goal.GoalAcceptances;
import health.commonground.goal.GoalExtensions;
import health.commonground.goal.GoalRole;
import health.commonground.security.ActingUser;
import health.commonground.security.ResourceAccess;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import org.hl7.fhir.r4.model.Annotation;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Goal;
import org.hl7.fhir.r4.model.Goal.GoalLifecycleStatus;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.springframework.stereotype.Service;

/**
 * The writes of the screens that are plain goal edits (new goals, translations, notes, a client's
 * own rewording). They go through the ResourceWriter with the goal's version as If-Match, so the
 * same own-voice rules, validation and Provenance hold as on the FHIR API and a concurrent change
 * is refused rather than overwritten. Divergence work goes to the {@link DivergenceService}.
 */
@Service
class GoalActions {

  static final String LANGUAGE_PATTERN = "[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}";

  private final ResourceWriter writer;
  private final GoalBoardReader reader;

  GoalActions(ResourceWriter writer, GoalBoardReader reader) {
    this.writer = writer;
    this.reader = reader;
  }

  /**
   * A goal in the client's own words and language, written by them or recorded for them in session.
   */
  Goal recordClientGoal(String patientId, String text, String language, ResourceAccess access) {
    Goal goal = newGoal(GoalRole.CLIENT, patientId, text);
    goal.setLanguage(language(language));
    goal.setExpressedBy(new Reference("Patient/" + patientId));
    return (Goal) writer.create(goal, null, access).resource();
  }

  /** A clinician's goal: they agree with it; the client's answer is asked for (pending). */
  Goal addTherapistGoal(String patientId, String text, String language, ResourceAccess access) {
    Goal goal = newGoal(GoalRole.THERAPIST, patientId, text);
    if (language != null && !language.isBlank()) {
      goal.setLanguage(language(language));
    }
    ActingUser actor = access.actor();
    goal.setExpressedBy(actor.reference().copy().setDisplay(null));
    GoalAcceptances.set(goal, actor.reference().getReference(), GoalAcceptances.AGREE);
    GoalAcceptances.set(goal, "Patient/" + patientId, GoalAcceptances.PENDING);
    return (Goal) writer.create(goal, null, access).resource();
  }

  /** A translation of the goal's wording; the words as written stay untouched. */
  Goal addTranslation(
      String goalId, long version, String language, String text, ResourceAccess access) {
    Goal goal = current(goalId);
    String lang = language(language);
    if (lang.equalsIgnoreCase(goal.getLanguage())) {
      throw new InvalidRequestException("translation-same-language");
    }
    StringType description = goal.getDescription().getTextElement();
    description
        .getExtension()
        .removeIf(
            e ->
                GoalExtensions.TRANSLATION.equals(e.getUrl())
                    && e.getExtensionByUrl("lang") != null
                    && lang.equalsIgnoreCase(
                        e.getExtensionByUrl("lang").getValue().primitiveValue()));
    Extension translation = description.addExtension().setUrl(GoalExtensions.TRANSLATION);
    translation.addExtension("lang", new CodeType(lang));
    translation.addExtension("content", new StringType(required(text)));
    return write(goal, version, access);
  }

  /** A note on a goal; from a client on a therapist goal it is their question about it. */
  Goal addNote(String goalId, long version, String text, ResourceAccess access) {
    Goal goal = current(goalId);
    Annotation note = goal.addNote().setText(required(text)).setTime(Date.from(now()));
    if (!access.actor().isSystem()) {
      note.setAuthor(access.actor().reference().copy().setDisplay(null));
    }
    return write(goal, version, access);
  }

  /** A client changes the wording of their own goal (the own-voice rule refuses anyone else). */
  Goal reword(String goalId, long version, String text, String language, ResourceAccess access) {
    Goal goal = current(goalId);
    goal.getDescription().setText(required(text));
    if (language != null && !language.isBlank()) {
      goal.setLanguage(language(language));
    }
    return write(goal, version, access);
  }

  /**
   * A client says a goal of theirs is no longer theirs: it ends as cancelled, kept in the history.
   */
  Goal letGo(String goalId, long version, ResourceAccess access) {
    Goal goal = current(goalId);
    goal.setLifecycleStatus(GoalLifecycleStatus.CANCELLED);
    return write(goal, version, access);
  }

  /** The replacement of a goal being revised, in the same voice as the old one. */
  Goal replacementFor(Goal old, String text, ActingUser actor) {
    GoalRole role = GoalRole.of(old).orElseThrow();
    Goal goal = newGoal(role, old.getSubject().getReferenceElement().getIdPart(), text);
    goal.setExpressedBy(old.getExpressedBy().copy());
    if (old.hasLanguage()) {
      goal.setLanguage(old.getLanguage());
    }
    goal.setLifecycleStatus(old.getLifecycleStatus());
    for (GoalAcceptances.Acceptance a : GoalAcceptances.of(old)) {
      if (a.individual() == null) {
        continue;
      }
      boolean mine = a.individual().equals(actor.reference().getReference());
      GoalAcceptances.set(
          goal, a.individual(), mine ? GoalAcceptances.AGREE : GoalAcceptances.PENDING);
    }
    return goal;
  }

  Goal current(String goalId) {
    return reader.goal(goalId).orElseThrow(() -> new ResourceNotFoundException("Goal/" + goalId));
  }

  private Goal write(Goal goal, long version, ResourceAccess access) {
    String id = goal.getIdElement().getIdPart();
    goal.setIdElement(goal.getIdElement().toUnqualifiedVersionless());
    return (Goal) writer.update(goal, id, version, access).resource();
  }

  private static Goal newGoal(GoalRole role, String patientId, String text) {
    Goal goal = new Goal();
    goal.getMeta().addProfile(role.profile());
    goal.setLifecycleStatus(GoalLifecycleStatus.ACTIVE);
    goal.setSubject(new Reference("Patient/" + patientId));
    goal.getDescription().setText(required(text));
    goal.setStart(new DateType(Date.from(now())));
    return goal;
  }

  static String language(String language) {
    if (language == null || !language.trim().matches(LANGUAGE_PATTERN)) {
      throw new InvalidRequestException("language-invalid");
    }
    return language.trim();
  }

  private static String required(String text) {
    if (text == null || text.isBlank()) {
      throw new InvalidRequestException("text-required");
    }
    if (text.length() > 4000) {
      throw new InvalidRequestException("text-too-long");
    }
    return text.strip();
  }

  private static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.SECONDS);
  }
}
