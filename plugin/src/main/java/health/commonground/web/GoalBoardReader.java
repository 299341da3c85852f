package health.commonground.web;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import health.commonground.divergence.AlignmentService;
import health.commonground.divergence.AlignmentSummary;
import health.commonground.divergence.Divergence;
import health.commonground.divergence.DivergenceStatus;
import health.commonground.divergence.OpenDivergence;
import health.commonground.goal.GoalAcceptances;
import health.commonground.goal.GoalExtensions;
import health.commonground.goal.GoalRelationships;
import health.commonground.goal.GoalRole;
import health.commonground.security.ResourceAccess;
import health.commonground.store.ResourceStore;
import health.commonground.store.SearchParamRegistry;
import health.commonground.store.SearchQuery;
import health.commonground.store.SqlCondition;
import health.commonground.store.StoredVersion;
import health.commonground.web.GoalBoard.DiscussItem;
import health.commonground.web.GoalBoard.DivergenceCard;
import health.commonground.web.GoalBoard.GoalCard;
import health.commonground.web.GoalBoard.Link;
import health.commonground.web.GoalBoard.Note;
import health.commonground.web.GoalBoard.Strategy;
import health.commonground.web.GoalBoard.Translation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.Annotation;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Goal;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.RelatedPerson;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.stereotype.Service;

/** Reads one client's goals from the store into a {@link GoalBoard}. */
@Service
class GoalBoardReader {

  private final ResourceStore store;
  private final SearchParamRegistry registry;
  private final FhirContext fhir;
  private final AlignmentService alignment;

  GoalBoardReader(
      ResourceStore store,
      SearchParamRegistry registry,
      FhirContext fhir,
      AlignmentService alignment) {
    this.store = store;
    this.registry = registry;
    this.fhir = fhir;
    this.alignment = alignment;
  }

  boolean patientKnown(String patientId) {
    return patientId != null
        && patientId.matches("[A-Za-z0-9\\-.]{1,64}")
        && store.exists("Patient", patientId);
  }

  Optional<Goal> goal(String goalId) {
    return store.read("Goal", goalId).filter(v -> !v.deleted()).map(v -> (Goal) parse(v));
  }

  Optional<Goal> goalVersion(String goalId, long version) {
    return store
        .readVersion("Goal", goalId, version)
        .filter(v -> !v.deleted())
        .map(v -> (Goal) parse(v));
  }

  /** The language the client prefers (Patient.communication), for new goals in their words. */
  String patientLanguage(String patientId) {
    return store
        .read("Patient", patientId)
        .map(v -> (Patient) parse(v))
        .flatMap(
            p ->
                p.getCommunication().stream()
                    .filter(c -> c.getPreferred())
                    .findFirst()
                    .or(() -> p.getCommunication().stream().findFirst()))
        .flatMap(c -> c.getLanguage().getCoding().stream().findFirst())
        .map(c -> c.getCode())
        .orElse(null);
  }

  GoalBoard read(String patientId, ResourceAccess access, Instant now) {
    IParser parser = fhir.newJsonParser();
    List<Goal> goals = new ArrayList<>();
    for (StoredVersion v : store.referencing("Goal", "patient", "Patient", List.of(patientId))) {
      goals.add((Goal) parser.parseResource(v.json()));
    }
    goals.sort(
        Comparator.comparing(GoalBoardReader::recorded)
            .thenComparing(g -> g.getIdElement().getIdPart()));

    Set<String> people = new HashSet<>();
    people.add("Patient/" + patientId);
    for (Goal goal : goals) {
      people.add(goal.getExpressedBy().getReference());
      goal.getNote().forEach(n -> people.add(author(n)));
      for (Divergence d : Divergence.on(goal)) {
        d.identifiedBy().ifPresent(r -> people.add(r.getReference()));
        d.strategies().forEach(s -> people.add(s.author()));
      }
    }
    Map<String, String> names = names(people, access);

    Map<String, String> tags = new HashMap<>();
    int[] counters = new int[3];
    for (Goal goal : goals) {
      GoalRole role = GoalRole.of(goal).orElse(GoalRole.THERAPIST);
      String prefix =
          switch (role) {
            case CLIENT -> "C";
            case THERAPIST -> "T";
            case SHARED -> "S";
          };
      tags.put(goal.getIdElement().getIdPart(), prefix + (++counters[role.ordinal()]));
    }

    List<GoalCard> shared = new ArrayList<>();
    List<GoalCard> client = new ArrayList<>();
    List<GoalCard> therapist = new ArrayList<>();
    List<GoalCard> ended = new ArrayList<>();
    List<DivergenceCard> divergences = new ArrayList<>();
    for (Goal goal : goals) {
      GoalCard card = card(goal, tags, names);
      if (!card.current()) {
        ended.add(card);
      } else if (card.isShared()) {
        shared.add(card);
      } else if (card.isClient()) {
        client.add(card);
      } else {
        therapist.add(card);
      }
      if (card.isClient()) {
        int seq = 0;
        for (Divergence d : Divergence.on(goal)) {
          divergences.add(divergence(goal, card, d, seq++, tags, names, now));
        }
      }
    }
    // Open divergences first, oldest first; ended ones after, as history.
    divergences.sort(
        Comparator.comparing((DivergenceCard d) -> !d.open())
            .thenComparing(d -> d.identified() == null ? Instant.MAX : d.identified()));

    AlignmentSummary summary = alignment.summary(patientId, access, now);
    List<DiscussItem> toDiscuss = new ArrayList<>();
    for (OpenDivergence d : summary.toDiscuss()) {
      toDiscuss.add(
          new DiscussItem(
              d.recorded(),
              d.goalId(),
              tags.getOrDefault(d.goalId(), "?"),
              d.counterpartId() == null ? null : tags.getOrDefault(d.counterpartId(), "?"),
              d.status(),
              d.dimensions(),
              d.rule() == null ? null : d.rule().code(),
              d.ageDays(now),
              d.weight(),
              d.goalDescription()));
    }
    return new GoalBoard(
        patientId,
        names.getOrDefault("Patient/" + patientId, ""),
        patientLanguage(patientId),
        shared,
        client,
        therapist,
        ended,
        divergences,
        toDiscuss,
        summary.byDimension());
  }

  private GoalCard card(Goal goal, Map<String, String> tags, Map<String, String> names) {
    String id = goal.getIdElement().getIdPart();
    List<Translation> translations = new ArrayList<>();
    for (Extension t :
        goal.getDescription().getTextElement().getExtensionsByUrl(GoalExtensions.TRANSLATION)) {
      Extension lang = t.getExtensionByUrl("lang");
      Extension content = t.getExtensionByUrl("content");
      if (lang != null && content != null && content.getValue() != null) {
        translations.add(
            new Translation(lang.getValue().primitiveValue(), content.getValue().primitiveValue()));
      }
    }
    List<Note> notes = new ArrayList<>();
    for (Annotation n : goal.getNote()) {
      String author = author(n);
      notes.add(
          new Note(
              author == null ? authorText(n) : names.getOrDefault(author, author),
              author != null
                  && (author.startsWith("Patient/") || author.startsWith("RelatedPerson/")),
              n.getTime() == null ? null : n.getTime().toInstant(),
              n.getText()));
    }
    String clientAcceptance = null;
    String clinicianAcceptance = null;
    for (GoalAcceptances.Acceptance a : GoalAcceptances.of(goal)) {
      if (a.byClient() && clientAcceptance == null) {
        clientAcceptance = a.status();
      } else if (a.byClinician() && clinicianAcceptance == null) {
        clinicianAcceptance = a.status();
      }
    }
    List<Link> links = new ArrayList<>();
    for (GoalRelationships.Relationship r : GoalRelationships.of(goal)) {
      String target = goalId(r.target());
      if (target != null) {
        links.add(new Link(r.type(), target, tags.getOrDefault(target, "?")));
      }
    }
    String lifecycle = goal.getLifecycleStatus() == null ? "" : goal.getLifecycleStatus().toCode();
    return new GoalCard(
        id,
        Long.parseLong(goal.getMeta().getVersionId() == null ? "1" : goal.getMeta().getVersionId()),
        tags.get(id),
        GoalRole.of(goal).map(GoalRole::code).orElse("therapist"),
        goal.getDescription().getText(),
        goal.getLanguage(),
        lifecycle,
        switch (lifecycle) {
          case "completed", "cancelled", "rejected", "entered-in-error" -> false;
          default -> true;
        },
        names.getOrDefault(
            goal.getExpressedBy().getReference(), goal.getExpressedBy().getDisplay()),
        translations,
        notes,
        clientAcceptance,
        clinicianAcceptance,
        links,
        recorded(goal));
  }

  private DivergenceCard divergence(
      Goal goal,
      GoalCard card,
      Divergence d,
      int seq,
      Map<String, String> tags,
      Map<String, String> names,
      Instant now) {
    String counterpart = goalId(d.counterpart());
    List<Strategy> strategies = new ArrayList<>();
    for (Divergence.StrategyUse s : d.strategies()) {
      strategies.add(
          new Strategy(s.code(), s.date(), names.getOrDefault(s.author(), ""), s.note()));
    }
    List<Note> notes = new ArrayList<>();
    Extension ext =
        goal.getExtension().stream()
            .filter(e -> GoalExtensions.DIVERGENCE.equals(e.getUrl()))
            .skip(seq)
            .findFirst()
            .orElse(null);
    if (ext != null) {
      for (Extension n : ext.getExtensionsByUrl("note")) {
        if (n.getValue() instanceof Annotation a) {
          String author = author(a);
          notes.add(
              new Note(
                  author == null ? authorText(a) : names.getOrDefault(author, author),
                  author != null && author.startsWith("Patient/"),
                  a.getTime() == null ? null : a.getTime().toInstant(),
                  a.getText()));
        }
      }
    }
    Instant identified = d.identified().orElse(null);
    DivergenceStatus status = d.status().orElse(DivergenceStatus.IDENTIFIED);
    return new DivergenceCard(
        card.id() + "-" + seq,
        card.id(),
        counterpart,
        card.tag(),
        tags.getOrDefault(counterpart, "?"),
        card.version(),
        d.dimensionCodes(),
        status.code(),
        d.isOpen() && card.current(),
        identified,
        identified == null ? 0 : Math.max(0, Duration.between(identified, now).toDays()),
        d.identifiedBy()
            .map(r -> names.getOrDefault(r.getReference(), r.getDisplay()))
            .orElse(null),
        strategies,
        notes,
        status.allowedNext().stream()
            .filter(s -> s != DivergenceStatus.SUPERSEDED)
            .map(DivergenceStatus::code)
            .toList());
  }

  /** Display names of people by reference; absent when unknown or not the viewer's to see. */
  Map<String, String> names(Set<String> references, ResourceAccess access) {
    Map<String, List<String>> idsByType = new HashMap<>();
    for (String ref : references) {
      if (ref == null) {
        continue;
      }
      String[] parts = ref.split("/");
      if (parts.length == 2) {
        idsByType.computeIfAbsent(parts[0], k -> new ArrayList<>()).add(parts[1]);
      }
    }
    Map<String, String> names = new HashMap<>();
    IParser parser = fhir.newJsonParser();
    for (Map.Entry<String, List<String>> e : idsByType.entrySet()) {
      if (!List.of("Patient", "Practitioner", "RelatedPerson").contains(e.getKey())) {
        continue;
      }
      SearchQuery query = SearchQuery.ofIds(e.getKey(), e.getValue(), registry);
      Optional<SqlCondition> readable = access.readable(e.getKey());
      for (StoredVersion v :
          store.search(
              readable.isEmpty() ? query : query.and(readable.get()), 0, e.getValue().size())) {
        Resource r = (Resource) parser.parseResource(v.json());
        List<HumanName> humanNames =
            r instanceof Patient p
                ? p.getName()
                : r instanceof Practitioner pr ? pr.getName() : ((RelatedPerson) r).getName();
        if (!humanNames.isEmpty()) {
          names.put(e.getKey() + "/" + v.id(), display(humanNames.get(0)));
        }
      }
    }
    return names;
  }

  private static String display(HumanName name) {
    if (name.hasText()) {
      return name.getText();
    }
    StringBuilder b = new StringBuilder();
    name.getGiven().forEach(g -> b.append(g.getValue()).append(' '));
    if (name.hasFamily()) {
      b.append(name.getFamily());
    }
    return b.toString().trim();
  }

  private Resource parse(StoredVersion v) {
    return (Resource) fhir.newJsonParser().parseResource(v.json());
  }

  private static Instant recorded(Goal goal) {
    if (goal.hasStartDateType() && goal.getStartDateType().getValue() != null) {
      return goal.getStartDateType().getValue().toInstant();
    }
    if (goal.hasStatusDate()) {
      return goal.getStatusDate().toInstant();
    }
    return goal.getMeta().getLastUpdated() == null
        ? Instant.EPOCH
        : goal.getMeta().getLastUpdated().toInstant();
  }

  private static String author(Annotation note) {
    return note.hasAuthorReference() ? note.getAuthorReference().getReference() : null;
  }

  private static String authorText(Annotation note) {
    if (note.hasAuthorReference()) {
      Reference r = note.getAuthorReference();
      return r.getDisplay();
    }
    return note.hasAuthorStringType() ? note.getAuthorStringType().getValue() : null;
  }

  static String goalId(String reference) {
    if (reference == null) {
      return null;
    }
    String[] parts = reference.split("/");
    for (int i = parts.length - 2; i >= 0; i--) {
      if ("Goal".equals(parts[i])) {
        return parts[i + 1];
      }
    }
    return null;
  }
}
