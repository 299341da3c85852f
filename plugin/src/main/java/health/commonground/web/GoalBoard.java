package health.commonground.web;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the joint review screens show for one client: shared goals on top, the client's and the
 * therapist's goals side by side, the divergences between them and what to discuss next session.
 * Every goal has a short tag (C1, T1, S1) so that links read the same on screen, in print and to a
 * screen reader.
 */
public record GoalBoard(
    String patientId,
    String patientName,
    String patientLanguage,
    List<GoalCard> shared,
    List<GoalCard> client,
    List<GoalCard> therapist,
    List<GoalCard> ended,
    List<DivergenceCard> divergences,
    List<DiscussItem> toDiscuss,
    Map<String, Integer> openByDimension) {

  public GoalCard goal(String id) {
    for (List<GoalCard> list : List.of(shared, client, therapist, ended)) {
      for (GoalCard card : list) {
        if (card.id().equals(id)) {
          return card;
        }
      }
    }
    return null;
  }

  public String tag(String goalId) {
    GoalCard card = goal(goalId);
    return card == null ? "?" : card.tag();
  }

  /** One goal as a card. */
  public record GoalCard(
      String id,
      long version,
      String tag,
      String role,
      String text,
      String language,
      String lifecycle,
      boolean current,
      String expressedByName,
      List<Translation> translations,
      List<Note> notes,
      String clientAcceptance,
      String clinicianAcceptance,
      List<Link> links,
      Instant recorded) {

    public boolean isShared() {
      return "shared".equals(role);
    }

    public boolean isClient() {
      return "client".equals(role);
    }

    public boolean isTherapist() {
      return "therapist".equals(role);
    }

    public List<Link> counterparts() {
      return links.stream().filter(l -> "other".equals(l.type())).toList();
    }

    /**
     * Links other than counterparts: shared goals it led to, what it replaced or was replaced by.
     */
    public List<Link> history() {
      return links.stream().filter(l -> !"other".equals(l.type())).toList();
    }

    public String linkIds() {
      return String.join(" ", counterparts().stream().map(Link::goalId).toList());
    }
  }

  public record Translation(String language, String text) {}

  public record Note(String authorName, boolean byClient, Instant time, String text) {}

  /** A goal-relationship link; {@code tag} is the target's tag on this board. */
  public record Link(String type, String goalId, String tag) {}

  /** A divergence recorded on a client goal against a therapist goal. */
  public record DivergenceCard(
      String key,
      String clientGoalId,
      String therapistGoalId,
      String clientTag,
      String therapistTag,
      long clientVersion,
      List<String> dimensions,
      String status,
      boolean open,
      Instant identified,
      long ageDays,
      String identifiedByName,
      List<Strategy> strategies,
      List<Note> notes,
      List<String> nextStatuses) {}

  public record Strategy(String code, Instant date, String authorName, String note) {}

  /**
   * One item of "to discuss next session": a recorded divergence (status and dimensions) or one the
   * system detected (its rule).
   */
  public record DiscussItem(
      boolean recorded,
      String goalId,
      String goalTag,
      String counterpartTag,
      String status,
      List<String> dimensions,
      String rule,
      long ageDays,
      int weight,
      String goalText) {}
}
