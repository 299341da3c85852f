package health.commonground.divergence;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each detection rule fires when its situation holds and stays quiet when it does not. */
class DetectionRulesTest {

  private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
  private final DetectionRules rules = new DetectionRules();
  private final DivergenceProperties properties = new DivergenceProperties(Duration.ofDays(14), 5);

  private static GoalSnapshot goal(
      String id,
      String role,
      String lifecycle,
      String clientAnswer,
      String clinicianAnswer,
      Instant since,
      GoalSnapshot.Link... links) {
    return new GoalSnapshot(
        id,
        "p",
        role,
        lifecycle,
        null,
        id,
        since,
        clientAnswer,
        clinicianAnswer,
        since,
        List.of(links));
  }

  private static GoalSnapshot.Link other(String id) {
    return new GoalSnapshot.Link("other", id);
  }

  private List<DetectionRule.Code> detect(DetectionRule rule, GoalSnapshot... goals) {
    return detect(rule, List.of(), goals);
  }

  private List<DetectionRule.Code> detect(
      DetectionRule rule, List<RecordedDivergence> recorded, GoalSnapshot... goals) {
    List<DetectionRule.Code> codes = new ArrayList<>();
    rule.detect(new ClientGoals("p", List.of(goals), recorded), NOW)
        .forEach(d -> codes.add(d.rule()));
    return codes;
  }

  @Test
  void therapistGoalDeclinedFires() {
    assertEquals(
        List.of(DetectionRule.Code.THERAPIST_GOAL_DECLINED),
        detect(
            rules.therapistGoalNotAccepted(properties),
            goal("t", "therapist", "active", "disagree", null, NOW.minusSeconds(60))));
  }

  @Test
  void therapistGoalPendingFiresOnlyAfterTheConfiguredTime() {
    DetectionRule rule = rules.therapistGoalNotAccepted(properties);
    assertEquals(
        List.of(DetectionRule.Code.THERAPIST_GOAL_PENDING),
        detect(
            rule,
            goal("t", "therapist", "active", "pending", null, NOW.minus(Duration.ofDays(15)))));
    assertEquals(
        List.of(DetectionRule.Code.THERAPIST_GOAL_PENDING),
        detect(rule, goal("t", "therapist", "active", null, null, NOW.minus(Duration.ofDays(15)))),
        "no answer at all counts as pending");
    assertEquals(
        List.of(),
        detect(
            rule,
            goal("t", "therapist", "active", "pending", null, NOW.minus(Duration.ofDays(13)))));
  }

  @Test
  void therapistGoalNotAcceptedStaysQuietWhenAcceptedEndedOrNamed() {
    DetectionRule rule = rules.therapistGoalNotAccepted(properties);
    Instant old = NOW.minus(Duration.ofDays(30));
    assertEquals(List.of(), detect(rule, goal("t", "therapist", "active", "agree", null, old)));
    assertEquals(
        List.of(), detect(rule, goal("t", "therapist", "cancelled", "disagree", null, old)));
    RecordedDivergence named =
        new RecordedDivergence(
            "c", 0, "p", "t", "agreed-to-differ", List.of("client-readiness"), old, 0, null);
    assertEquals(
        List.of(),
        detect(
            rule,
            List.of(named),
            goal("t", "therapist", "active", "disagree", null, old),
            goal("c", "client", "active", null, null, old)));
  }

  @Test
  void clientGoalWithoutCounterpartFiresAndLinkedDoesNot() {
    DetectionRule rule = rules.clientGoalUnlinked();
    assertEquals(
        List.of(DetectionRule.Code.CLIENT_GOAL_UNLINKED),
        detect(rule, goal("c", "client", "active", null, null, NOW)));
    assertEquals(
        List.of(),
        detect(
            rule,
            goal("c", "client", "active", null, null, NOW, other("t")),
            goal("t", "therapist", "active", null, null, NOW)));
    assertEquals(
        List.of(),
        detect(
            rule,
            goal("c", "client", "active", null, null, NOW),
            goal("t", "therapist", "active", null, null, NOW, other("c"))),
        "a link from the other side counts");
    assertEquals(
        List.of(DetectionRule.Code.CLIENT_GOAL_UNLINKED),
        detect(
            rule,
            goal("c", "client", "active", null, null, NOW, other("t")),
            goal("t", "therapist", "cancelled", null, null, NOW)),
        "a link to an ended goal does not count");
  }

  @Test
  void therapistGoalWithoutCounterpartFiresAndLinkedDoesNot() {
    DetectionRule rule = rules.therapistGoalUnlinked();
    assertEquals(
        List.of(DetectionRule.Code.THERAPIST_GOAL_UNLINKED),
        detect(rule, goal("t", "therapist", "active", null, null, NOW)));
    assertEquals(
        List.of(),
        detect(
            rule,
            goal(
                "t",
                "therapist",
                "active",
                null,
                null,
                NOW,
                new GoalSnapshot.Link("successor", "s")),
            goal("s", "shared", "proposed", "pending", "pending", NOW)));
  }

  @Test
  void sharedGoalDeclinedByEitherPartyFires() {
    DetectionRule rule = rules.sharedGoalDeclined();
    assertEquals(
        List.of(DetectionRule.Code.SHARED_GOAL_DECLINED),
        detect(rule, goal("s", "shared", "proposed", "disagree", "agree", NOW)));
    assertEquals(
        List.of(DetectionRule.Code.SHARED_GOAL_DECLINED),
        detect(rule, goal("s", "shared", "proposed", "agree", "disagree", NOW)));
    assertEquals(List.of(), detect(rule, goal("s", "shared", "active", "agree", "agree", NOW)));
    assertEquals(List.of(), detect(rule, goal("s", "shared", "proposed", "pending", "agree", NOW)));
  }
}
