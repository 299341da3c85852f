package health.commonground.divergence;

import static health.commonground.divergence.DivergenceTransitionRule.refuse;

import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import health.commonground.fhir.ResourceWriter;
import health.commonground.goal.GoalAcceptances;
import health.commonground.goal.GoalRelationships;
import health.commonground.goal.GoalRole;
import health.commonground.security.ActingUser;
import health.commonground.security.ResourceAccess;
import health.commonground.store.LocalReference;
import health.commonground.store.ResourceStore;
import health.commonground.store.StoredVersion;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;
import org.hl7.fhir.r4.model.Goal;
import org.hl7.fhir.r4.model.Goal.GoalLifecycleStatus;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * What a client and a clinician do with their goals: link them, name where they differ, work the
 * divergence through, agree a shared goal, accept or decline, revise. Each method is one database
 * transaction that locks the goals it changes (in id order, so two requests never deadlock) and
 * writes them through the ResourceWriter, so the same rules, validation and Provenance hold as for
 * plain FHIR writes.
 */
@Service
public class DivergenceService {

  private final ResourceStore store;
  private final ResourceWriter writer;

  DivergenceService(ResourceStore store, ResourceWriter writer) {
    this.store = store;
    this.writer = writer;
  }

  /**
   * Links a client goal and a therapist goal as counterparts (goal-relationship other, both ways).
   */
  @Transactional
  public List<Goal> link(String goalId, String counterpart, Long ifMatch, ResourceAccess access) {
    ActingUser actor = access.actor();
    Pair pair = lockPair(goalId, goalIdOf(counterpart, "counterpart"), ifMatch, access);
    pair.linkBothWays();
    return pair.write(access);
  }

  /** Names a divergence between two goals; it is recorded on the client goal. */
  @Transactional
  public Goal nameDivergence(
      String goalId,
      String counterpart,
      List<DivergenceDimension> dimensions,
      String note,
      Long ifMatch,
      ResourceAccess access) {
    ActingUser actor = access.actor();
    if (dimensions.isEmpty()) {
      throw new InvalidRequestException("Name at least one dimension of the divergence");
    }
    String otherId =
        counterpart != null
            ? goalIdOf(counterpart, "counterpart")
            : onlyCounterpart(goalId, access);
    Pair pair = lockPair(goalId, otherId, ifMatch, access);
    if (Divergence.openWith(
            pair.client, pair.therapist.getIdElement().toUnqualifiedVersionless().getValue())
        .isPresent()) {
      throw refuse(
          IssueType.DUPLICATE,
          "There is already an open divergence between these goals; log a strategy or move it"
              + " instead of naming it again",
          null);
    }
    pair.linkBothWays();
    Instant now = now();
    Divergence divergence =
        Divergence.name(pair.client, pair.therapistRef(), dimensions, now, actor.reference());
    if (note != null && !note.isBlank()) {
      divergence.addNote(actor.reference(), now, note);
    }
    pair.clientChanged = true;
    return pair.write(access).stream()
        .filter(g -> g.getIdElement().getIdPart().equals(pair.clientId()))
        .findFirst()
        .orElseThrow();
  }

  /** Logs one application of a strategy to an open divergence. */
  @Transactional
  public Goal logStrategy(
      String goalId,
      String counterpart,
      AlignmentStrategy strategy,
      Instant date,
      String note,
      Long ifMatch,
      ResourceAccess access) {
    ActingUser actor = access.actor();
    Located located = locate(goalId, counterpart, ifMatch, access);
    if (!located.divergence.isOpen()) {
      throw refuse(
          IssueType.BUSINESSRULE,
          "This divergence has ended ("
              + located.divergence.statusCode()
              + "); strategies are logged on open divergences (identified or exploring)",
          null);
    }
    located.divergence.addStrategy(strategy, date == null ? now() : date, actor.reference(), note);
    return write(located.holder, access);
  }

  /** Moves a divergence along its status machine, with an optional note on why. */
  @Transactional
  public Goal moveDivergence(
      String goalId,
      String counterpart,
      DivergenceStatus to,
      String note,
      Long ifMatch,
      ResourceAccess access) {
    ActingUser actor = access.actor();
    Located located = locate(goalId, counterpart, ifMatch, access);
    DivergenceStatus from = located.divergence.status().orElse(DivergenceStatus.IDENTIFIED);
    if (!from.mayMoveTo(to)) {
      throw DivergenceTransitionRule.transitionRefused(from, to, null);
    }
    located.divergence.setStatus(to);
    if (note != null && !note.isBlank()) {
      located.divergence.addNote(actor.reference(), now(), note);
    }
    return write(located.holder, access);
  }

  /**
   * Proposes a shared goal agreed from a client goal and a therapist goal: the wording is the
   * proposer's, both acceptances start pending and the goal is proposed until both agree. The
   * source goals point to it (successor) and their open divergence moves to common ground.
   */
  @Transactional
  public Goal align(
      String clientGoal,
      String therapistGoal,
      String description,
      String language,
      ResourceAccess access) {
    ActingUser actor = access.actor();
    if (description == null || description.isBlank()) {
      throw new InvalidRequestException("Give the wording of the shared goal (description)");
    }
    Pair pair =
        lockPair(
            goalIdOf(clientGoal, "clientGoal"),
            goalIdOf(therapistGoal, "therapistGoal"),
            null,
            access);
    Goal shared = new Goal();
    shared.getMeta().addProfile(GoalRole.SHARED.profile());
    shared.setLifecycleStatus(GoalLifecycleStatus.PROPOSED);
    shared.setSubject(pair.client.getSubject().copy());
    shared.getDescription().setText(description);
    if (language != null && !language.isBlank()) {
      shared.setLanguage(language);
    }
    if (!actor.isSystem()) {
      shared.setExpressedBy(actor.reference());
    }
    GoalAcceptances.set(
        shared, pair.client.getExpressedBy().getReference(), GoalAcceptances.PENDING);
    GoalAcceptances.set(
        shared, pair.therapist.getExpressedBy().getReference(), GoalAcceptances.PENDING);
    GoalRelationships.add(shared, GoalRelationships.PREDECESSOR, pair.clientRef());
    GoalRelationships.add(shared, GoalRelationships.PREDECESSOR, pair.therapistRef());
    Goal created = (Goal) writer.create(shared, null, access).resource();
    String sharedRef = "Goal/" + created.getIdElement().getIdPart();

    pair.linkBothWays();
    GoalRelationships.add(pair.client, GoalRelationships.SUCCESSOR, sharedRef);
    GoalRelationships.add(pair.therapist, GoalRelationships.SUCCESSOR, sharedRef);
    pair.clientChanged = true;
    pair.therapistChanged = true;
    Divergence open = Divergence.openWith(pair.client, pair.therapistRef()).orElse(null);
    if (open != null && open.status().orElse(null) == DivergenceStatus.IDENTIFIED) {
      // Common ground is reached by exploring; the history shows both steps.
      open.setStatus(DivergenceStatus.EXPLORING);
      pair.write(access);
      pair.reread(access);
      open = Divergence.openWith(pair.client, pair.therapistRef()).orElseThrow();
    }
    if (open != null) {
      open.setStatus(DivergenceStatus.COMMON_GROUND);
      open.addNote(
          actor.reference(), now(), "Common ground: shared goal " + sharedRef + " proposed");
      pair.clientChanged = true;
    }
    pair.write(access);
    return created;
  }

  /**
   * Records the acting party's own acceptance of a goal. A shared goal becomes active when every
   * party agrees and returns to proposed when one no longer does.
   */
  @Transactional
  public Goal accept(
      String goalId, String status, String individual, Long ifMatch, ResourceAccess access) {
    ActingUser actor = access.actor();
    if (!GoalAcceptances.AGREE.equals(status) && !GoalAcceptances.DISAGREE.equals(status)) {
      throw new InvalidRequestException("status must be agree or disagree, not '" + status + "'");
    }
    String who;
    if (actor.isSystem()) {
      if (individual == null) {
        throw new InvalidRequestException(
            "Say whose acceptance this is (individual): a request with no user behind it acts for"
                + " no one");
      }
      who = individual;
    } else {
      who = actor.reference().getReference();
      if (individual != null && !individual.equals(who)) {
        throw OwnVoiceRule.forbidden(
            "Each party sets only their own acceptance: "
                + who
                + " cannot answer for "
                + individual,
            "individual");
      }
    }
    Goal goal = lock(goalId, ifMatch, access);
    boolean shared = GoalRole.of(goal).orElse(null) == GoalRole.SHARED;
    if (shared && GoalAcceptances.of(goal, who).isEmpty()) {
      throw OwnVoiceRule.forbidden(
          who
              + " is not a party to this shared goal; its parties are "
              + GoalAcceptances.of(goal).stream()
                  .map(GoalAcceptances.Acceptance::individual)
                  .toList(),
          "Goal.extension('" + health.commonground.goal.GoalExtensions.ACCEPTANCE + "')");
    }
    GoalAcceptances.set(goal, who, status);
    if (shared && !ended(goal)) {
      goal.setLifecycleStatus(
          GoalAcceptances.allAgree(goal)
              ? GoalLifecycleStatus.ACTIVE
              : GoalLifecycleStatus.PROPOSED);
    }
    return write(goal, access);
  }

  /**
   * What a revision produced: the old goal (now ended, pointing to its replacement) and the new.
   */
  public record Revision(Goal old, Goal replacement) {}

  /** How open divergences of a revised goal are handled. */
  public enum CarryOver {
    CARRY_OVER,
    SUPERSEDE
  }

  /**
   * Replaces a goal by a new one as it evolves: the old goal ends (completed or cancelled) and
   * points to its replacement; its open divergences are superseded, and with carry-over continue on
   * the new goal (or against it, when the revised goal was a counterpart).
   */
  @Transactional
  public Revision revise(
      String goalId,
      Goal replacement,
      GoalLifecycleStatus oldStatus,
      CarryOver carryOver,
      Long ifMatch,
      ResourceAccess access) {
    ActingUser actor = access.actor();
    if (replacement == null) {
      throw new InvalidRequestException("Give the new goal (parameter goal)");
    }
    if (oldStatus != GoalLifecycleStatus.COMPLETED && oldStatus != GoalLifecycleStatus.CANCELLED) {
      throw new InvalidRequestException("oldLifecycleStatus must be completed or cancelled");
    }
    Goal old = lock(goalId, ifMatch, access);
    String oldRef = "Goal/" + goalId;
    if (ended(old)) {
      throw refuse(
          IssueType.BUSINESSRULE,
          oldRef
              + " has already ended ("
              + old.getLifecycleStatus().toCode()
              + "); revise its"
              + " replacement instead",
          "Goal.lifecycleStatus");
    }
    GoalRole role = GoalRole.of(old).orElse(null);
    if (role == GoalRole.CLIENT && actor.isClinician()) {
      throw OwnVoiceRule.forbidden(
          "A client's goal is revised only by the client: the new wording would be the"
              + " clinician's, not theirs. Record the clinician's view as a therapist goal, or add"
              + " a note",
          "Goal");
    }
    if (role == GoalRole.THERAPIST && actor.isClient()) {
      throw OwnVoiceRule.forbidden("A therapist goal is revised only by a clinician", "Goal");
    }
    if (!Objects.equals(old.getSubject().getReference(), replacement.getSubject().getReference())) {
      throw refuse(
          IssueType.BUSINESSRULE,
          "The new goal must be about the same client (" + old.getSubject().getReference() + ")",
          "Goal.subject");
    }
    if (GoalRole.of(replacement).orElse(null) != role) {
      throw refuse(
          IssueType.BUSINESSRULE,
          "The new goal must be in the same voice as the old ("
              + (role == null ? "?" : role.code())
              + " goal)",
          "Goal.expressedBy");
    }
    List<Divergence> openHere = Divergence.on(old).stream().filter(Divergence::isOpen).toList();
    List<Goal> holdersElsewhere = holdersOfOpenDivergencesAgainst(oldRef, goalId, access);
    if ((!openHere.isEmpty() || !holdersElsewhere.isEmpty()) && carryOver == null) {
      throw refuse(
          IssueType.REQUIRED,
          oldRef
              + " has open divergences; say what becomes of them: divergences = carry-over"
              + " (they continue with the new goal) or supersede (they end here)",
          "divergences");
    }
    replacement.setId((String) null);
    replacement.setLifecycleStatus(
        replacement.hasLifecycleStatus()
            ? replacement.getLifecycleStatus()
            : old.getLifecycleStatus());
    Instant now = now();
    boolean carry = carryOver == CarryOver.CARRY_OVER;
    if (carry) {
      for (Divergence divergence : openHere) {
        Divergence copy = divergence.copyTo(replacement, divergence.counterpart());
        copy.addNote(actor.reference(), now, "Carried over from " + oldRef);
        GoalRelationships.add(replacement, GoalRelationships.OTHER, divergence.counterpart());
      }
      for (Goal holder : holdersElsewhere) {
        GoalRelationships.add(
            replacement, GoalRelationships.OTHER, "Goal/" + holder.getIdElement().getIdPart());
      }
    }
    Goal created = (Goal) writer.create(replacement, null, access).resource();
    String newRef = "Goal/" + created.getIdElement().getIdPart();
    GoalRelationships.add(old, GoalRelationships.REPLACEMENT, newRef);
    old.setLifecycleStatus(oldStatus);
    for (Divergence divergence : openHere) {
      divergence.setStatus(DivergenceStatus.SUPERSEDED);
      divergence.addNote(
          actor.reference(), now, carry ? "Carried over to " + newRef : "Superseded by " + newRef);
    }
    Goal oldWritten = write(old, access);
    for (Goal holder : holdersElsewhere) {
      String holderId = holder.getIdElement().getIdPart();
      Goal locked = lock(holderId, null, access);
      for (Divergence divergence : Divergence.on(locked)) {
        if (divergence.isOpen() && oldRef.equals(divergence.counterpart())) {
          if (carry) {
            Divergence copy = divergence.copyTo(locked, newRef);
            copy.addNote(
                actor.reference(), now, "Carried over: " + oldRef + " was replaced by " + newRef);
          }
          divergence.setStatus(DivergenceStatus.SUPERSEDED);
          divergence.addNote(
              actor.reference(),
              now,
              (carry ? "Carried over: " : "Superseded: ") + oldRef + " was replaced by " + newRef);
        }
      }
      if (carry) {
        GoalRelationships.add(locked, GoalRelationships.OTHER, newRef);
      }
      write(locked, access);
    }
    return new Revision(oldWritten, created);
  }

  // --- locating and locking
  // ------------------------------------------------------------------------

  private record Located(Goal holder, Divergence divergence) {}

  /**
   * The divergence an operation on {@code goalId} means: one recorded on that goal, or (on a
   * therapist goal) one recorded on a client goal against it; {@code counterpart} picks among
   * several.
   */
  private Located locate(String goalId, String counterpart, Long ifMatch, ResourceAccess access) {
    Goal goal = lock(goalId, ifMatch, access);
    String ref = "Goal/" + goalId;
    String other = counterpart == null ? null : "Goal/" + goalIdOf(counterpart, "counterpart");
    List<Divergence> candidates = new ArrayList<>();
    for (Divergence d : Divergence.on(goal)) {
      if (other == null || other.equals(d.counterpart())) {
        candidates.add(d);
      }
    }
    if (!candidates.isEmpty()) {
      return new Located(goal, pick(candidates, ref));
    }
    List<Goal> holders = new ArrayList<>();
    for (StoredVersion v : store.referencing("Goal", "linked-goal", "Goal", List.of(goalId))) {
      if ((other == null || other.equals("Goal/" + v.id())) && access.canRead("Goal", v.id())) {
        holders.add(parse(v));
      }
    }
    for (Goal holder : holders) {
      Goal locked = lock(holder.getIdElement().getIdPart(), null, access);
      List<Divergence> against =
          Divergence.on(locked).stream().filter(d -> ref.equals(d.counterpart())).toList();
      if (!against.isEmpty()) {
        return new Located(locked, pick(against, ref));
      }
    }
    throw new ResourceNotFoundException(
        "No divergence is recorded on or against "
            + ref
            + (other == null ? "" : " with " + other)
            + "; name it first with $name-divergence");
  }

  /** The open one if there is exactly one, else the latest. */
  private static Divergence pick(List<Divergence> candidates, String ref) {
    List<Divergence> open = candidates.stream().filter(Divergence::isOpen).toList();
    if (open.size() > 1) {
      throw new InvalidRequestException(
          ref
              + " has "
              + open.size()
              + " open divergences; say which with the counterpart"
              + " parameter");
    }
    return open.isEmpty() ? candidates.get(candidates.size() - 1) : open.get(0);
  }

  private List<Goal> holdersOfOpenDivergencesAgainst(
      String ref, String goalId, ResourceAccess access) {
    List<Goal> holders = new ArrayList<>();
    for (StoredVersion v : store.referencing("Goal", "linked-goal", "Goal", List.of(goalId))) {
      if (!access.canRead("Goal", v.id())) {
        continue;
      }
      Goal g = parse(v);
      if (Divergence.on(g).stream().anyMatch(d -> d.isOpen() && ref.equals(d.counterpart()))) {
        holders.add(g);
      }
    }
    return holders;
  }

  private String onlyCounterpart(String goalId, ResourceAccess access) {
    Goal goal = read(goalId, access);
    List<String> linked =
        GoalRelationships.of(goal).stream()
            .filter(r -> GoalRelationships.OTHER.equals(r.type()))
            .map(GoalRelationships.Relationship::target)
            .toList();
    if (linked.size() != 1) {
      throw new InvalidRequestException(
          "Goal/"
              + goalId
              + " has "
              + linked.size()
              + " linked counterparts; say which one with"
              + " the counterpart parameter");
    }
    return goalIdOf(linked.get(0), "counterpart");
  }

  /** A client goal and a therapist goal of the same client, locked in id order. */
  private final class Pair {
    Goal client;
    Goal therapist;
    boolean clientChanged;
    boolean therapistChanged;

    String clientId() {
      return client.getIdElement().getIdPart();
    }

    String clientRef() {
      return "Goal/" + clientId();
    }

    String therapistRef() {
      return "Goal/" + therapist.getIdElement().getIdPart();
    }

    void linkBothWays() {
      clientChanged |= GoalRelationships.add(client, GoalRelationships.OTHER, therapistRef());
      therapistChanged |= GoalRelationships.add(therapist, GoalRelationships.OTHER, clientRef());
    }

    List<Goal> write(ResourceAccess access) {
      List<Goal> written = new ArrayList<>();
      if (clientChanged) {
        client = DivergenceService.this.write(client, access);
        clientChanged = false;
      }
      if (therapistChanged) {
        therapist = DivergenceService.this.write(therapist, access);
        therapistChanged = false;
      }
      written.add(client);
      written.add(therapist);
      return written;
    }

    void reread(ResourceAccess access) {
      client = read(clientId(), access);
    }
  }

  private Pair lockPair(String goalId, String otherId, Long ifMatch, ResourceAccess access) {
    if (goalId.equals(otherId)) {
      throw new InvalidRequestException("A goal cannot be its own counterpart");
    }
    TreeMap<String, Goal> locked = new TreeMap<>();
    for (String id : new java.util.TreeSet<>(List.of(goalId, otherId))) {
      locked.put(id, lock(id, id.equals(goalId) ? ifMatch : null, access));
    }
    Goal first = locked.get(goalId);
    Goal second = locked.get(otherId);
    if (!Objects.equals(first.getSubject().getReference(), second.getSubject().getReference())) {
      throw refuse(
          IssueType.BUSINESSRULE,
          "Both goals must be about the same client ("
              + first.getSubject().getReference()
              + " and "
              + second.getSubject().getReference()
              + ")",
          "Goal.subject");
    }
    GoalRole a = GoalRole.of(first).orElse(null);
    GoalRole b = GoalRole.of(second).orElse(null);
    Pair pair = new Pair();
    if (a == GoalRole.CLIENT && b == GoalRole.THERAPIST) {
      pair.client = first;
      pair.therapist = second;
    } else if (a == GoalRole.THERAPIST && b == GoalRole.CLIENT) {
      pair.client = second;
      pair.therapist = first;
    } else {
      throw refuse(
          IssueType.BUSINESSRULE,
          "Counterparts are one client goal and one therapist goal; these are a "
              + (a == null ? "?" : a.code())
              + " goal and a "
              + (b == null ? "?" : b.code())
              + " goal",
          null);
    }
    for (Goal g : List.of(first, second)) {
      if (ended(g)) {
        throw refuse(
            IssueType.BUSINESSRULE,
            "Goal/"
                + g.getIdElement().getIdPart()
                + " has ended ("
                + g.getLifecycleStatus().toCode()
                + ")",
            "Goal.lifecycleStatus");
      }
    }
    return pair;
  }

  /** Locks a goal the caller may see; one they may not is answered as if it did not exist. */
  private Goal lock(String id, Long ifMatch, ResourceAccess access) {
    if (!access.canRead("Goal", id)) {
      throw new ResourceNotFoundException("Goal/" + id + " is not known");
    }
    Long current =
        store
            .lockCurrentVersion("Goal", id)
            .orElseThrow(() -> new ResourceNotFoundException("Goal/" + id + " is not known"));
    if (ifMatch != null && !ifMatch.equals(current)) {
      throw new PreconditionFailedException(
          "If-Match: version "
              + ifMatch
              + " of Goal/"
              + id
              + " is not current (current is "
              + current
              + "); read it again and reapply your change");
    }
    return read(id, access);
  }

  private Goal read(String id, ResourceAccess access) {
    if (!access.canRead("Goal", id)) {
      throw new ResourceNotFoundException("Goal/" + id + " is not known");
    }
    StoredVersion version =
        store
            .read("Goal", id)
            .filter(v -> !v.deleted())
            .orElseThrow(() -> new ResourceNotFoundException("Goal/" + id + " is not known"));
    return parse(version);
  }

  private Goal parse(StoredVersion version) {
    return (Goal) writer.toResource(version);
  }

  private Goal write(Goal goal, ResourceAccess access) {
    String id = goal.getIdElement().getIdPart();
    goal.setIdElement(goal.getIdElement().toUnqualifiedVersionless());
    return (Goal) writer.update(goal, id, null, access).resource();
  }

  private static boolean ended(Goal goal) {
    return switch (goal.getLifecycleStatus() == null ? "" : goal.getLifecycleStatus().toCode()) {
      case "completed", "cancelled", "rejected", "entered-in-error" -> true;
      default -> false;
    };
  }

  static String goalIdOf(String reference, String parameter) {
    if (reference == null) {
      throw new InvalidRequestException("Parameter " + parameter + " is required");
    }
    return LocalReference.parse(reference)
        .filter(r -> r.type().equals("Goal"))
        .map(LocalReference::id)
        .orElseGet(
            () -> {
              if (reference.matches("[A-Za-z0-9\\-.]{1,64}")) {
                return reference;
              }
              throw new InvalidRequestException(
                  "Parameter "
                      + parameter
                      + " must be a Goal reference (Goal/[id]), not '"
                      + reference
                      + "'");
            });
  }

  private static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.SECONDS);
  }
}
