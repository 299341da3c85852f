package health.commonground.web;

import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import health.commonground.divergence.AlignmentStrategy;
import health.commonground.divergence.Divergence;
import health.commonground.divergence.DivergenceDimension;
import health.commonground.divergence.DivergenceService;
import health.commonground.divergence.DivergenceService.CarryOver;
import health.commonground.divergence.DivergenceStatus;
import health.commonground.goal.GoalAcceptances;
import health.commonground.security.ActingUser;
import health.commonground.security.ResourceAccess;
import health.commonground.web.GoalBoard.GoalCard;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.hl7.fhir.r4.model.Goal;
import org.hl7.fhir.r4.model.Goal.GoalLifecycleStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The joint review screens: the clinician's view of one client's goals (after an EHR launch, or
 * picked from the caseload), the client's own view (after a portal launch), and the printable
 * summary. Each action is a small form; with htmx it answers the refreshed board in place with the
 * result announced, without it the page is reloaded (post, redirect, get).
 */
@Controller
@RequestMapping("/app")
class JointReviewController {

  private static final String FLASH = "flash";

  private final Viewers viewers;
  private final GoalBoardReader reader;
  private final GoalActions actions;
  private final DivergenceService divergences;
  private final Caseload caseload;

  JointReviewController(
      Viewers viewers,
      GoalBoardReader reader,
      GoalActions actions,
      DivergenceService divergences,
      Caseload caseload) {
    this.viewers = viewers;
    this.reader = reader;
    this.actions = actions;
    this.divergences = divergences;
    this.caseload = caseload;
  }

  /**
   * The screen a launch lands on: the client's own view, the client in context, or the caseload.
   */
  @GetMapping
  String home(HttpServletRequest request, Model model) {
    Viewer viewer = viewers.current(request);
    String patient = viewer.isClient() ? viewer.ownPatient() : viewer.contextPatient();
    if (patient == null) {
      if (viewer.isClient()) {
        return page(model, viewer, "review/unknown-client", null);
      }
      model.addAttribute("caseload", caseload.of(viewer, Instant.now()));
      return page(model, viewer, "review/caseload", null);
    }
    return board(viewer, patient, model);
  }

  @GetMapping("/clients/{patient}")
  String client(@PathVariable String patient, HttpServletRequest request, Model model) {
    Viewer viewer = viewers.current(request);
    viewers.requireAccess(viewer, patient);
    return board(viewer, patient, model);
  }

  @GetMapping("/clients/{patient}/summary")
  String summary(@PathVariable String patient, HttpServletRequest request, Model model) {
    Viewer viewer = viewers.current(request);
    viewers.requireAccess(viewer, patient);
    if (!reader.patientKnown(patient)) {
      return page(model, viewer, "review/unknown-client", null);
    }
    model.addAttribute("board", reader.read(patient, viewer.access(), Instant.now()));
    model.addAttribute("printedOn", Instant.now());
    return page(model, viewer, "review/summary", patient);
  }

  /** The action forms of one goal, loaded when the clinician opens them (keeps the page small). */
  @GetMapping("/clients/{patient}/goals/{goal}/actions")
  String goalActions(
      @PathVariable String patient,
      @PathVariable String goal,
      HttpServletRequest request,
      Model model) {
    Viewer viewer = clinician(request, patient);
    GoalBoard board = reader.read(patient, viewer.access(), Instant.now());
    GoalCard card = board.goal(goal);
    if (card == null) {
      throw new Viewers.NotYours();
    }
    model.addAttribute("board", board);
    model.addAttribute("g", card);
    page(model, viewer, "review/goal-actions", patient);
    return htmx(request) ? "review/goal-actions :: clinician" : "review/goal-actions";
  }

  /** The forms to work on one divergence. */
  @GetMapping("/clients/{patient}/divergences/{key}/actions")
  String divergenceActions(
      @PathVariable String patient,
      @PathVariable String key,
      HttpServletRequest request,
      Model model) {
    Viewer viewer = clinician(request, patient);
    GoalBoard board = reader.read(patient, viewer.access(), Instant.now());
    GoalBoard.DivergenceCard card =
        board.divergences().stream()
            .filter(d -> d.key().equals(key))
            .findFirst()
            .orElseThrow(Viewers.NotYours::new);
    model.addAttribute("board", board);
    model.addAttribute("d", card);
    GoalCard clientGoal = board.goal(card.clientGoalId());
    GoalCard therapistGoal = board.goal(card.therapistGoalId());
    model.addAttribute("clientGoal", clientGoal);
    model.addAttribute("therapistGoal", therapistGoal);
    page(model, viewer, "review/divergence-actions", patient);
    return htmx(request) ? "review/divergence-actions :: forms" : "review/divergence-actions";
  }

  // --- clinician and client: goals in their own voice --------------------------------------------

  @PostMapping("/clients/{patient}/client-goals")
  String recordClientGoal(
      @PathVariable String patient,
      @RequestParam(required = false) String text,
      @RequestParam(required = false) String language,
      HttpServletRequest request,
      Model model,
      RedirectAttributes redirect) {
    Viewer viewer = viewers.current(request);
    viewers.requireAccess(viewer, patient);
    return act(
        viewer,
        patient,
        null,
        null,
        text,
        request,
        model,
        redirect,
        "flash.client-goal-recorded",
        () -> actions.recordClientGoal(patient, text, language, viewer.access()));
  }

  @PostMapping("/clients/{patient}/therapist-goals")
  String addTherapistGoal(
      @PathVariable String patient,
      @RequestParam(required = false) String text,
      @RequestParam(required = false) String language,
      HttpServletRequest request,
      Model model,
      RedirectAttributes redirect) {
    Viewer viewer = clinician(request, patient);
    return act(
        viewer,
        patient,
        null,
        null,
        text,
        request,
        model,
        redirect,
        "flash.therapist-goal-added",
        () -> actions.addTherapistGoal(patient, text, language, viewer.access()));
  }

  @PostMapping("/clients/{patient}/goals/{goal}/translation")
  String addTranslation(
      @PathVariable String patient,
      @PathVariable String goal,
      @RequestParam(required = false) Long version,
      @RequestParam(required = false) String language,
      @RequestParam(required = false) String text,
      HttpServletRequest request,
      Model model,
      RedirectAttributes redirect) {
    Viewer viewer = goalOf(request, patient, goal);
    return act(
        viewer,
        patient,
        goal,
        version,
        text,
        request,
        model,
        redirect,
        "flash.translation-added",
        () -> actions.addTranslation(goal, required(version), language, text, viewer.access()));
  }

  @PostMapping("/clients/{patient}/goals/{goal}/note")
  String addNote(
      @PathVariable String patient,
      @PathVariable String goal,
      @RequestParam(required = false) Long version,
      @RequestParam(required = false) String text,
      HttpServletRequest request,
      Model model,
      RedirectAttributes redirect) {
    Viewer viewer = goalOf(request, patient, goal);
    return act(
        viewer,
        patient,
        goal,
        version,
        text,
        request,
        model,
        redirect,
        viewer.isClient() ? "flash.question-sent" : "flash.note-added",
        () -> actions.addNote(goal, required(version), text, viewer.access()));
  }

  /** A client rewords their own goal. */
  @PostMapping("/clients/{patient}/goals/{goal}/wording")
  String reword(
      @PathVariable String patient,
      @PathVariable String goal,
      @RequestParam(required = false) Long version,
      @RequestParam(required = false) String text,
      @RequestParam(required = false) String language,
      HttpServletRequest request,
      Model model,
      RedirectAttributes redirect) {
    Viewer viewer = goalOf(request, patient, goal);
    return act(
        viewer,
        patient,
        goal,
        version,
        text,
        request,
        model,
        redirect,
        "flash.goal-reworded",
        () -> actions.reword(goal, required(version), text, language, viewer.access()));
  }

  /** A client lets go of a goal of theirs ("is this goal still yours?" — no). */
  @PostMapping("/clients/{patient}/goals/{goal}/let-go")
  String letGo(
      @PathVariable String patient,
      @PathVariable String goal,
      @RequestParam(required = false) Long version,
      HttpServletRequest request,
      Model model,
      RedirectAttributes redirect) {
    Viewer viewer = goalOf(request, patient, goal);
    if (!viewer.isClient()) {
      throw new Viewers.NotYours();
    }
    return act(
        viewer,
        patient,
        goal,
        version,
        null,
        request,
        model,
        redirect,
        "flash.goal-let-go",
        () -> actions.letGo(goal, required(version), viewer.access()));
  }

  /**
   * Acceptance of a goal: a party's own answer; or, from a clinician with {@code for=client}, the
   * client's answer given in session, recorded as such.
   */
  @PostMapping("/clients/{patient}/goals/{goal}/acceptance")
  String accept(
      @PathVariable String patient,
      @PathVariable String goal,
      @RequestParam(required = false) Long version,
      @RequestParam(required = false) String status,
      @RequestParam(name = "for", required = false) String forWhom,
      HttpServletRequest request,
      Model model,
      RedirectAttributes redirect) {
    Viewer viewer = goalOf(request, patient, goal);
    boolean inSession = viewer.isClinician() && "client".equals(forWhom);
    String key =
        GoalAcceptances.DISAGREE.equals(status)
            ? "flash.declined"
            : inSession ? "flash.client-accepted-in-session" : "flash.accepted";
    return act(
        viewer,
        patient,
        goal,
        version,
        null,
        request,
        model,
        redirect,
        key,
        () ->
            inSession
                ? divergences.accept(
                    goal, status, "Patient/" + patient, required(version), inSession(viewer))
                : divergences.accept(goal, status, null, required(version), viewer.access()));
  }

  // --- clinician: links, divergences, shared goals, revisions ------------------------------------

  @PostMapping("/clients/{patient}/goals/{goal}/link")
  String link(
      @PathVariable String patient,
      @PathVariable String goal,
      @RequestParam(required = false) Long version,
      @RequestParam(required = false) String counterpart,
      HttpServletRequest request,
      Model model,
      RedirectAttributes redirect) {
    Viewer viewer = clinicianGoal(request, patient, goal);
    requireGoalOf(patient, counterpart);
    return act(
        viewer,
        patient,
        goal,
        version,
        null,
        request,
        model,
        redirect,
        "flash.linked",
        () -> divergences.link(goal, counterpart, required(version), viewer.access()));
  }

  @PostMapping("/clients/{patient}/goals/{goal}/divergence")
  String nameDivergence(
      @PathVariable String patient,
      @PathVariable String goal,
      @RequestParam(required = false) Long version,
      @RequestParam(required = false) String counterpart,
      @RequestParam(name = "dimension", required = false) List<String> dimensions,
      @RequestParam(required = false) String note,
      HttpServletRequest request,
      Model model,
      RedirectAttributes redirect) {
    Viewer viewer = clinicianGoal(request, patient, goal);
    requireGoalOf(patient, counterpart);
    List<DivergenceDimension> parsed = new ArrayList<>();
    for (String code : dimensions == null ? List.<String>of() : dimensions) {
      DivergenceDimension.fromCode(code).ifPresent(parsed::add);
    }
    return act(
        viewer,
        patient,
        goal,
        version,
        note,
        request,
        model,
        redirect,
        "flash.divergence-named",
        () -> {
          if (parsed.isEmpty()) {
            throw new ca.uhn.fhir.rest.server.exceptions.InvalidRequestException(
                "dimension-required");
          }
          return divergences.nameDivergence(
              goal, counterpart, parsed, note, required(version), viewer.access());
        });
  }

  @PostMapping("/clients/{patient}/goals/{goal}/strategy")
  String logStrategy(
      @PathVariable String patient,
      @PathVariable String goal,
      @RequestParam(required = false) Long version,
      @RequestParam(required = false) String counterpart,
      @RequestParam(required = false) String strategy,
      @RequestParam(required = false) String note,
      HttpServletRequest request,
      Model model,
      RedirectAttributes redirect) {
    Viewer viewer = clinicianGoal(request, patient, goal);
    return act(
        viewer,
        patient,
        goal,
        version,
        note,
        request,
        model,
        redirect,
        "flash.strategy-logged",
        () ->
            divergences.logStrategy(
                goal,
                counterpart,
                AlignmentStrategy.fromCode(strategy)
                    .orElseThrow(
                        () ->
                            new ca.uhn.fhir.rest.server.exceptions.InvalidRequestException(
                                "strategy-required")),
                null,
                note,
                required(version),
                viewer.access()));
  }

  /**
   * Moves a divergence on; agreeing to differ from "identified" explores first, so the history
   * shows both.
   */
  @PostMapping("/clients/{patient}/goals/{goal}/status")
  String moveStatus(
      @PathVariable String patient,
      @PathVariable String goal,
      @RequestParam(required = false) Long version,
      @RequestParam(required = false) String counterpart,
      @RequestParam(required = false) String status,
      @RequestParam(required = false) String note,
      HttpServletRequest request,
      Model model,
      RedirectAttributes redirect) {
    Viewer viewer = clinicianGoal(request, patient, goal);
    DivergenceStatus to = DivergenceStatus.fromCode(status == null ? "" : status).orElse(null);
    String key =
        to == DivergenceStatus.AGREED_TO_DIFFER ? "flash.agreed-to-differ" : "flash.status-moved";
    return act(
        viewer,
        patient,
        goal,
        version,
        note,
        request,
        model,
        redirect,
        key,
        () -> {
          if (to == null) {
            throw new ca.uhn.fhir.rest.server.exceptions.InvalidRequestException("status-required");
          }
          Goal current = actions.current(goal);
          boolean fromIdentified =
              Divergence.openWith(current, "Goal/" + counterpart)
                  .flatMap(Divergence::status)
                  .map(s -> s == DivergenceStatus.IDENTIFIED)
                  .orElse(false);
          Long expected = required(version);
          if (to == DivergenceStatus.AGREED_TO_DIFFER && fromIdentified) {
            Goal explored =
                divergences.moveDivergence(
                    goal, counterpart, DivergenceStatus.EXPLORING, null, expected, viewer.access());
            expected = Long.parseLong(explored.getMeta().getVersionId());
          }
          return divergences.moveDivergence(goal, counterpart, to, note, expected, viewer.access());
        });
  }

  @PostMapping("/clients/{patient}/shared-goals")
  String proposeShared(
      @PathVariable String patient,
      @RequestParam(required = false) String clientGoal,
      @RequestParam(required = false) String therapistGoal,
      @RequestParam(required = false) String text,
      @RequestParam(required = false) String language,
      HttpServletRequest request,
      Model model,
      RedirectAttributes redirect) {
    Viewer viewer = clinician(request, patient);
    requireGoalOf(patient, clientGoal);
    requireGoalOf(patient, therapistGoal);
    return act(
        viewer,
        patient,
        null,
        null,
        text,
        request,
        model,
        redirect,
        "flash.shared-proposed",
        () ->
            divergences.align(
                clientGoal,
                therapistGoal,
                text,
                language == null || language.isBlank() ? null : GoalActions.language(language),
                viewer.access()));
  }

  /**
   * Revises a goal in one's own voice: the old one ends and points to the new (replacement chain).
   */
  @PostMapping("/clients/{patient}/goals/{goal}/revision")
  String revise(
      @PathVariable String patient,
      @PathVariable String goal,
      @RequestParam(required = false) Long version,
      @RequestParam(required = false) String text,
      HttpServletRequest request,
      Model model,
      RedirectAttributes redirect) {
    Viewer viewer = goalOf(request, patient, goal);
    return act(
        viewer,
        patient,
        goal,
        version,
        text,
        request,
        model,
        redirect,
        "flash.goal-revised",
        () -> {
          Goal old = actions.current(goal);
          return divergences.revise(
              goal,
              actions.replacementFor(old, text, viewer.actor()),
              GoalLifecycleStatus.CANCELLED,
              CarryOver.CARRY_OVER,
              required(version),
              viewer.access());
        });
  }

  // --- plumbing --------------------------------------------------------------------------------

  private String board(Viewer viewer, String patient, Model model) {
    // A client the EHR knows and this record does not yet: say so (the launch still stands).
    if (!reader.patientKnown(patient)) {
      return page(model, viewer, "review/unknown-client", null);
    }
    viewers.requireAccess(viewer, patient);
    model.addAttribute("board", reader.read(patient, viewer.access(), Instant.now()));
    return page(
        model, viewer, viewer.isClinician() ? "review/clinician" : "review/client", patient);
  }

  private String page(Model model, Viewer viewer, String view, String patient) {
    model.addAttribute("viewer", viewer);
    model.addAttribute("viewerName", viewerName(viewer));
    model.addAttribute("smart", viewer.session());
    model.addAttribute("context", viewer.session().context());
    model.addAttribute("patient", patient);
    model.addAttribute("base", patient == null ? null : "/app/clients/" + patient);
    model.addAttribute("dimensions", DivergenceDimension.values());
    model.addAttribute("strategies", AlignmentStrategy.values());
    model.addAttribute("languages", Languages.COMMON);
    return view;
  }

  /**
   * Runs one action and answers its result: with htmx the refreshed board (status 200, so htmx
   * swaps it in) with the flash; without, a redirect to the board with the flash.
   */
  private String act(
      Viewer viewer,
      String patient,
      String goal,
      Long version,
      String attempted,
      HttpServletRequest request,
      Model model,
      RedirectAttributes redirect,
      String successKey,
      Supplier<?> action) {
    Flash flash;
    try {
      action.get();
      flash = Flash.success(successKey);
    } catch (PreconditionFailedException e) {
      flash = Flash.conflict(conflict(goal, version, attempted, request.getLocale()));
    } catch (BaseServerResponseException e) {
      flash = ErrorMessages.flash(e);
    }
    if (htmx(request)) {
      model.addAttribute(FLASH, flash);
      model.addAttribute("board", reader.read(patient, viewer.access(), Instant.now()));
      page(model, viewer, null, patient);
      return (viewer.isClinician() ? "review/clinician" : "review/client") + " :: board";
    }
    redirect.addFlashAttribute(FLASH, flash);
    return "redirect:/app/clients/" + patient;
  }

  private Flash.Conflict conflict(String goal, Long seen, String attempted, Locale locale) {
    Flash.GoalVersion before =
        seen == null ? null : reader.goalVersion(goal, seen).map(Conflicts::version).orElse(null);
    Flash.GoalVersion now = reader.goal(goal).map(Conflicts::version).orElse(null);
    return new Flash.Conflict(goal, before, now, attempted);
  }

  /** The signed-in person's name: from the id token, else from their record here. */
  private String viewerName(Viewer viewer) {
    String name = viewer.session().user().displayName();
    if (name == null && viewer.reference() != null) {
      name =
          reader
              .names(java.util.Set.of(viewer.reference()), viewer.access())
              .get(viewer.reference());
    }
    return name;
  }

  private static boolean htmx(HttpServletRequest request) {
    return "true".equals(request.getHeader("HX-Request"));
  }

  private static long required(Long version) {
    if (version == null) {
      throw new ca.uhn.fhir.rest.server.exceptions.InvalidRequestException("version-required");
    }
    return version;
  }

  private Viewer clinician(HttpServletRequest request, String patient) {
    Viewer viewer = viewers.current(request);
    viewers.requireAccess(viewer, patient);
    if (!viewer.isClinician()) {
      throw new Viewers.NotYours();
    }
    return viewer;
  }

  private Viewer clinicianGoal(HttpServletRequest request, String patient, String goal) {
    Viewer viewer = clinician(request, patient);
    requireGoalOf(patient, goal);
    return viewer;
  }

  private Viewer goalOf(HttpServletRequest request, String patient, String goal) {
    Viewer viewer = viewers.current(request);
    viewers.requireAccess(viewer, patient);
    requireGoalOf(patient, goal);
    return viewer;
  }

  /** A goal named in a form must be one of this client's: ids from elsewhere are refused. */
  private void requireGoalOf(String patient, String goal) {
    if (goal == null) {
      return;
    }
    String id = GoalBoardReader.goalId(goal.contains("/") ? goal : "Goal/" + goal);
    boolean ours =
        id != null
            && reader
                .goal(id)
                .map(g -> ("Patient/" + patient).equals(g.getSubject().getReference()))
                .orElse(false);
    if (!ours) {
      throw new Viewers.NotYours();
    }
  }

  /**
   * A clinician recording the client's own answer, given in the session: the write acts for no
   * signed-in party of the goal (so the own-voice rule lets the answer be the client's) and its
   * Provenance names the clinician who recorded it and that it was given in session.
   */
  private static ResourceAccess inSession(Viewer viewer) {
    String name = viewer.session().user().displayName();
    return viewer
        .access()
        .actingAs(
            new ActingUser(
                null,
                null,
                "Given by the client in session; recorded by "
                    + (name == null ? "" : name + " ")
                    + "("
                    + viewer.reference()
                    + ")"));
  }
}
