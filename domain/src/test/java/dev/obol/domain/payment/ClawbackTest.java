package dev.obol.domain.payment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.obol.domain.payment.Payment.Reversal;
import org.junit.jupiter.api.Test;

class ClawbackTest {

  @Test
  void aFullRefundTargetsExactlyWhatWasGranted() {
    assertThat(Clawback.target(sale(500, 3999), 3999)).isEqualTo(500);
    assertThat(Clawback.target(sale(2500, 2500), 2500)).isEqualTo(2500);
  }

  @Test
  void aPartialRefundRoundsDownInTheCustomersFavour() {
    // 500 * 2000 / 3999 = 250.06...
    assertThat(Clawback.target(sale(500, 3999), 2000)).isEqualTo(250);
    // 100 * 1 / 999 = 0.1: a one-cent refund takes nothing back.
    assertThat(Clawback.target(sale(100, 999), 1)).isZero();
    // 1000 * 6998 / 6999 = 999.857...
    assertThat(Clawback.target(sale(1000, 6999), 6998)).isEqualTo(999);
  }

  @Test
  void aWonDisputeForgivesTheShortfallFirstThenRestoresWhatWasTaken() {
    // 500 tokens for 3999 cents; 100 spent, then a dispute of everything took back 400 and recorded 100 short.
    Clawback.Undo won = Clawback.undo(sale(500, 3999), new Reversal(3999, 400, 100), 3999);
    assertThat(won).isEqualTo(new Clawback.Undo(0, 100, 400));

    // After a partial refund of 2000 (target 250) and a dispute of the other 1999 (target 500 in all): winning the
    // dispute brings the target back to 250, so 250 of what was taken returns and the refund's part stands.
    Clawback.Undo afterRefund = Clawback.undo(sale(500, 3999), new Reversal(3999, 500, 0), 1999);
    assertThat(afterRefund).isEqualTo(new Clawback.Undo(2000, 0, 250));

    // Nothing was taken: nothing to restore.
    assertThat(Clawback.undo(sale(500, 3999), new Reversal(0, 0, 0), 3999)).isEqualTo(new Clawback.Undo(0, 0, 0));
  }

  @Test
  void cumulativeTargetsMakeSeveralPartialRefundsAddUpToOneOfTheSameTotal() {
    long granted = 500;
    long paid = 3999;
    long taken = 0;
    long refunded = 0;
    for (long refund : new long[] {1, 1333, 7, 1333, 1325}) {
      refunded += refund;
      Clawback.Step step = Clawback.step(sale(granted, paid), targeted(taken), refunded, Long.MAX_VALUE);
      taken += step.taken();
    }
    assertThat(refunded).isEqualTo(paid);
    assertThat(taken).isEqualTo(granted);
  }

  @Test
  void neverBelowZeroTheRestIsShortfall() {
    Clawback.Step step = Clawback.step(sale(500, 3999), targeted(0), 3999, 120);
    assertThat(step.toTake()).isEqualTo(500);
    assertThat(step.taken()).isEqualTo(120);
    assertThat(step.shortfall()).isEqualTo(380);

    Clawback.Step again = Clawback.step(sale(500, 3999), targeted(500), 3999, 0);
    assertThat(again.toTake()).isZero();
    assertThat(again.shortfall()).isZero();
  }

  @Test
  void reversedAmountsAreClampedToWhatWasPaid() {
    assertThat(Clawback.target(sale(500, 3999), 99_999)).isEqualTo(500);
    assertThat(Clawback.target(sale(500, 3999), -5)).isZero();
  }

  @Test
  void hugeGrantsAreExactWithoutOverflowAndAbsurdPaymentsFailLoudly() {
    // granted near Long.MAX_VALUE: q * r never exceeds granted, rest * r < paid².
    long granted = Long.MAX_VALUE - 7;
    assertThat(Clawback.target(sale(granted, 2), 1)).isEqualTo(granted / 2);
    assertThat(Clawback.target(sale(granted, 3999), 3999)).isEqualTo(granted);
    assertThatThrownBy(() -> Clawback.target(sale(Long.MAX_VALUE - 1, 4_000_000_001L), 4_000_000_000L))
        .isInstanceOf(ArithmeticException.class);
  }

  private static Clawback.Sale sale(long granted, long paidCents) {
    return new Clawback.Sale(granted, paidCents);
  }

  /** Earlier reversals that targeted this much, all of it taken. */
  private static Reversal targeted(long clawedBack) {
    return new Reversal(0, clawedBack, 0);
  }
}
