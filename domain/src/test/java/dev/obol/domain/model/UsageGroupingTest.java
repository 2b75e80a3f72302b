package dev.obol.domain.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class UsageGroupingTest {

  @Test
  void featureKeysAreTheFeatureAndEmptyForAFeaturelessDebit() {
    assertThat(UsageGrouping.FEATURE.key("image", null)).isEqualTo("image");
    assertThat(UsageGrouping.FEATURE.key(null, null)).isEmpty();
  }

  @Test
  void dayAndMonthKeysAreUtc() {
    Instant lastSecondOfNovember = Instant.parse("2026-11-30T23:59:59.999999Z");
    assertThat(UsageGrouping.DAY.key(null, lastSecondOfNovember)).isEqualTo("2026-11-30");
    assertThat(UsageGrouping.MONTH.key(null, lastSecondOfNovember)).isEqualTo("2026-11");
    Instant december = Instant.parse("2026-12-01T00:00:00Z");
    assertThat(UsageGrouping.DAY.key(null, december)).isEqualTo("2026-12-01");
    assertThat(UsageGrouping.MONTH.key(null, december)).isEqualTo("2026-12");
    assertThat(UsageGrouping.DAY.key(null, Instant.parse("0999-01-05T00:00:00Z"))).isEqualTo("0999-01-05");
  }
}
