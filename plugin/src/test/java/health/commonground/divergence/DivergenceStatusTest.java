package health.commonground.divergence;

import static health.commonground.divergence.DivergenceStatus.AGREED_TO_DIFFER;
import static health.commonground.divergence.DivergenceStatus.COMMON_GROUND;
import static health.commonground.divergence.DivergenceStatus.EXPLORING;
import static health.commonground.divergence.DivergenceStatus.IDENTIFIED;
import static health.commonground.divergence.DivergenceStatus.SUPERSEDED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every pair of statuses: the five allowed moves are allowed, the twenty others refused. */
class DivergenceStatusTest {

  @Test
  void exactlyTheSeedsMovesAreAllowed() {
    Set<String> allowed =
        Set.of(
            "identified>exploring",
            "identified>superseded",
            "exploring>common-ground",
            "exploring>agreed-to-differ",
            "exploring>superseded");
    int refused = 0;
    for (DivergenceStatus from : DivergenceStatus.values()) {
      for (DivergenceStatus to : DivergenceStatus.values()) {
        if (from == to) {
          continue;
        }
        boolean expected = allowed.contains(from.code() + ">" + to.code());
        assertEquals(expected, from.mayMoveTo(to), from.code() + " -> " + to.code());
        refused += expected ? 0 : 1;
      }
    }
    assertEquals(15, refused);
  }

  @Test
  void onlyIdentifiedAndExploringAreOpen() {
    assertEquals(
        EnumSet.of(IDENTIFIED, EXPLORING),
        EnumSet.copyOf(
            java.util.Arrays.stream(DivergenceStatus.values())
                .filter(DivergenceStatus::isOpen)
                .toList()));
  }

  @Test
  void theRefusalNamesTheAllowedMoves() {
    String message =
        DivergenceTransitionRule.transitionRefused(IDENTIFIED, COMMON_GROUND, null).getMessage();
    assertTrue(message.contains("Allowed from identified: exploring, superseded"), message);
    String ended =
        DivergenceTransitionRule.transitionRefused(AGREED_TO_DIFFER, EXPLORING, null).getMessage();
    assertTrue(ended.contains("none"), ended);
    assertTrue(SUPERSEDED.allowedNext().isEmpty());
  }
}
