package health.commonground.web;

import java.io.Serializable;
import java.util.List;

/**
 * The result of an action as the screen announces it: saved, refused (with the reason), or a
 * conflict with someone else's change (with both versions side by side).
 *
 * @param kind success, error or conflict
 * @param key message key of the headline
 * @param detail the server's own explanation, when it adds something (may be English)
 * @param conflict both versions, for a conflict
 */
public record Flash(String kind, String key, String detail, Conflict conflict)
    implements Serializable {

  static Flash success(String key) {
    return new Flash("success", key, null, null);
  }

  static Flash error(String key, String detail) {
    return new Flash("error", key, detail, null);
  }

  static Flash conflict(Conflict conflict) {
    return new Flash("conflict", "flash.conflict", null, conflict);
  }

  /**
   * A goal changed by someone else between reading and writing: the version the person saw, the
   * version now stored, and what they tried to do (not saved).
   */
  public record Conflict(String goalId, GoalVersion seen, GoalVersion now, String attempted)
      implements Serializable {}

  public record GoalVersion(
      long version,
      String text,
      String lifecycle,
      List<String> acceptances,
      List<String> divergences,
      int notes,
      String lastUpdated)
      implements Serializable {}
}
