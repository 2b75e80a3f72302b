package dev.obol.domain.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class TestClockAndIdsTest {

  @Test
  void the_clock_stands_still_until_moved() {
    MutableClock clock = MutableClock.at("2025-03-01T12:00:00Z");

    assertThat(clock.instant()).isEqualTo(Instant.parse("2025-03-01T12:00:00Z")).isEqualTo(clock.instant());
    assertThat(clock.getZone()).isEqualTo(ZoneOffset.UTC);
    assertThat(clock.advance(Duration.ofDays(1))).isEqualTo(Instant.parse("2025-03-02T12:00:00Z"));
    assertThat(clock.millis()).isEqualTo(Instant.parse("2025-03-02T12:00:00Z").toEpochMilli());
    clock.set(Instant.EPOCH);
    assertThat(clock.instant()).isEqualTo(Instant.EPOCH);
  }

  @Test
  void a_zoned_view_moves_with_the_clock() {
    MutableClock clock = MutableClock.at(Instant.EPOCH);
    Clock paris = clock.withZone(ZoneId.of("Europe/Paris"));

    clock.advance(Duration.ofHours(1));

    assertThat(paris.instant()).isEqualTo(Instant.EPOCH.plusSeconds(3600));
    assertThat(paris.getZone()).isEqualTo(ZoneId.of("Europe/Paris"));
  }

  @Test
  void ids_count_per_prefix_zero_padded() {
    SequentialIds ids = new SequentialIds();

    assertThat(ids.newId("grt")).isEqualTo("grt_000001");
    assertThat(ids.newId("grt")).isEqualTo("grt_000002");
    assertThat(ids.newId("dbt")).isEqualTo("dbt_000001").isEqualTo(SequentialIds.id("dbt", 1));
    assertThatThrownBy(() -> ids.newId("")).isInstanceOf(IllegalArgumentException.class);
  }
}
