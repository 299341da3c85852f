package health.commonground.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ResourceIdsTest {

  @Test
  void idsAreVersion7UuidsOfTheirTime() {
    long millis = 1_795_000_000_123L; // 2026-11-18
    UUID id = UUID.fromString(ResourceIds.at(millis));
    assertThat(id.version()).isEqualTo(7);
    assertThat(id.variant()).isEqualTo(2);
    assertThat(id.getMostSignificantBits() >>> 16).isEqualTo(millis);
    assertThat(ResourceIds.next())
        .matches("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  }

  @Test
  void laterIdsSortAfterEarlierOnesAsText() {
    String earlier = ResourceIds.at(1_795_000_000_123L);
    String later = ResourceIds.at(1_795_000_000_124L);
    String muchLater = ResourceIds.at(4_102_444_800_000L); // 2100
    assertThat(earlier).isLessThan(later);
    assertThat(later).isLessThan(muchLater);
  }

  @Test
  void idsOfTheSameMillisecondDiffer() {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      ids.add(ResourceIds.at(1_795_000_000_123L));
    }
    assertThat(ids).hasSize(10_000);
  }
}
