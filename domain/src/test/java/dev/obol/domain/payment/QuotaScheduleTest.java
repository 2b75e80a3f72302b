package dev.obol.domain.payment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.obol.domain.payment.QuotaSchedule.Window;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class QuotaScheduleTest {

  private static final Instant AUG_6 = Instant.parse("2026-08-06T12:00:00Z");
  private static final Instant NEXT_AUG_6 = Instant.parse("2027-08-06T12:00:00Z");

  @Test
  void aMonthlyInvoiceIsOneWindow() {
    Instant sep6 = Instant.parse("2026-09-06T12:00:00Z");
    assertThat(QuotaSchedule.windowAt(AUG_6, sep6, AUG_6.plusSeconds(3600)))
        .contains(new Window(0, AUG_6, sep6));
    assertThat(QuotaSchedule.nextStart(new Window(0, AUG_6, sep6), sep6)).isEmpty();
  }

  @Test
  void aPaidYearHasTwelveMonthlyWindowsOnTheAnniversaries() {
    Instant at = AUG_6;
    for (int k = 0; k < 12; k++) {
      Window window = QuotaSchedule.windowAt(AUG_6, NEXT_AUG_6, at.plusSeconds(1)).orElseThrow();
      assertThat(window.month()).isEqualTo(k);
      assertThat(window.start()).isEqualTo(at);
      at = window.end();
    }
    assertThat(at).isEqualTo(NEXT_AUG_6);
    assertThat(QuotaSchedule.windowAt(AUG_6, NEXT_AUG_6, NEXT_AUG_6)).isEmpty();
  }

  @Test
  void anniversariesCountFromTheStartSoShortMonthsDoNotDrift() {
    Instant jan31 = Instant.parse("2026-01-31T00:00:00Z");
    Instant end = Instant.parse("2027-01-31T00:00:00Z");
    Window feb = QuotaSchedule.windowAt(jan31, end, Instant.parse("2026-02-28T01:00:00Z")).orElseThrow();
    assertThat(feb.start()).isEqualTo(Instant.parse("2026-02-28T00:00:00Z"));
    assertThat(feb.end()).isEqualTo(Instant.parse("2026-03-31T00:00:00Z"));
  }

  @Test
  void beforeTheStartIsTheFirstWindowAndAfterTheEndNothing() {
    assertThat(QuotaSchedule.windowAt(AUG_6, NEXT_AUG_6, AUG_6.minusSeconds(60)).map(Window::month))
        .isEqualTo(Optional.of(0));
    assertThat(QuotaSchedule.windowAt(AUG_6, NEXT_AUG_6, NEXT_AUG_6.plusSeconds(1))).isEmpty();
    assertThat(QuotaSchedule.windowAt(AUG_6, AUG_6, AUG_6)).isEmpty();
  }
}
