package dev.obol.domain.service;

import dev.obol.domain.model.EntryContext;
import dev.obol.domain.model.EntryKind;
import dev.obol.domain.model.Grant;
import dev.obol.domain.model.Wallet;
import dev.obol.domain.payment.Clawback;
import dev.obol.domain.payment.EventOutcome;
import dev.obol.domain.payment.EventOutcome.Code;
import dev.obol.domain.payment.Payment;
import dev.obol.domain.payment.PaymentBonus;
import dev.obol.domain.payment.PaymentEvent.DisputeWon;
import dev.obol.domain.payment.PaymentEvent.PaymentReversed;
import dev.obol.domain.payment.PaymentEvent.ReversalKind;
import dev.obol.domain.port.PaymentSession;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * Refunds and disputes: money given back takes back its share of the very grant the payment made (what was spent
 * already is recorded as shortfall, never taken from elsewhere); a won dispute gives it back. How much is
 * {@link Clawback}'s rule; every change is a ledger entry of its own, nothing is edited.
 */
public final class RefundEvents {

  public EventOutcome reversed(PaymentSession session, PaymentReversed reversed, EventContext context) {
    Optional<Payment> found =
        reversed.paymentIntentId() == null
            ? Optional.empty()
            : session.findPaymentByIntent(reversed.paymentIntentId());
    if (found.isEmpty()) {
      return EventOutcome.ignored("no Obol payment for payment intent " + reversed.paymentIntentId());
    }
    Payment payment = found.get();
    if (payment.grantedNothing()) {
      return EventOutcome.of(Code.NOTHING_TO_CLAW_BACK, "payment " + payment.providerId() + " granted nothing");
    }
    Payment.Reversal before = payment.reversal();
    // Refund events carry the charge's cumulative amount refunded; a dispute carries its own amount.
    long reversedCents =
        switch (reversed.kind()) {
          case REFUND -> Math.max(before.reversedCents(), reversed.reversedCents());
          case DISPUTE -> Math.addExact(before.reversedCents(), reversed.reversedCents());
        };
    reversedCents = Math.min(reversedCents, payment.paidCents());
    Instant now = context.now();
    String requestId = context.requestId().value();
    Optional<PaymentBonus> bonus = session.findBonus(payment.providerId());
    Set<String> grantIds =
        bonus.isPresent() ? Set.of(payment.grantId(), bonus.get().grantId()) : Set.of(payment.grantId());
    Wallet wallet = session.wallet().loadWallet(payment.asset(), grantIds);
    wallet.expireDue(now, EntryContext.of(requestId, null, now));
    Grant grant = wallet.grant(payment.grantId());
    Clawback.Step step = Clawback.step(payment.sale(), before, reversedCents, grant.remaining());
    String reason = reversed.kind() == ReversalKind.REFUND ? "refund" : "dispute";
    if (step.taken() > 0) {
      wallet.takeFrom(
          grant.grantId(),
          step.taken(),
          EntryKind.CLAWBACK,
          new EntryContext(null, reason + ":" + reversed.reversalId(), requestId, null, now));
    }
    long bonusTaken =
        bonus.isEmpty()
            ? 0
            : clawBackBonus(session, payment, bonus.get(), wallet, reversedCents,
                reason + ":" + reversed.reversalId(), requestId, now);
    if (wallet.hasChanges()) {
      session.wallet().save(wallet);
    }
    session.updateReversal(payment.withReversal(step.after(before)));
    if (step.toTake() == 0 && bonusTaken == 0) {
      return EventOutcome.of(Code.NOTHING_TO_CLAW_BACK, "nothing more to take back for " + payment.providerId());
    }
    return EventOutcome.of(
        Code.CLAWED_BACK,
        reason + " of " + reversedCents + "/" + payment.paidCents() + " cents: took back " + step.taken() + " "
            + payment.asset() + ", shortfall " + step.shortfall() + (bonusTaken > 0 ? ", bonus " + bonusTaken : ""));
  }

  /**
   * Takes back the payment's bonus grant in the same proportion as its own grant (the same rule, measured against the
   * same money paid), from the wallet already loaded for this reversal.
   *
   * @return what was taken from the bonus grant now
   */
  private static long clawBackBonus(
      PaymentSession session,
      Payment payment,
      PaymentBonus bonus,
      Wallet wallet,
      long reversedCents,
      String reason,
      String requestId,
      Instant now) {
    Grant grant = wallet.loaded(bonus.grantId()).orElse(null);
    long available = grant == null ? 0 : grant.available();
    Clawback.Step step = Clawback.step(bonus.sale(payment.paidCents()), bonus.reversal(), reversedCents, available);
    if (step.taken() > 0) {
      wallet.takeFrom(
          bonus.grantId(), step.taken(), EntryKind.CLAWBACK, new EntryContext(null, reason, requestId, null, now));
    }
    session.updateBonusReversal(bonus.withReversal(step.after(bonus.reversal())));
    return step.taken();
  }

  public EventOutcome disputeWon(PaymentSession session, DisputeWon won, EventContext context) {
    Optional<Payment> found = session.findPaymentByIntent(won.paymentIntentId());
    if (found.isEmpty()) {
      return EventOutcome.ignored("no Obol payment for payment intent " + won.paymentIntentId());
    }
    Payment payment = found.get();
    if (payment.grantedNothing()) {
      return EventOutcome.of(Code.NOTHING_TO_RESTORE, "payment " + payment.providerId() + " granted nothing");
    }
    Payment.Reversal before = payment.reversal();
    Clawback.Undo undo = Clawback.undo(payment.sale(), before, won.disputedCents());
    Optional<PaymentBonus> bonus = session.findBonus(payment.providerId());
    Clawback.Undo bonusUndo =
        bonus.map(b -> Clawback.undo(b.sale(payment.paidCents()), b.reversal(), won.disputedCents())).orElse(null);
    long bonusRestored = bonusUndo == null ? 0 : bonusUndo.restored();
    if (undo.restored() > 0 || bonusRestored > 0) {
      Instant now = context.now();
      String requestId = context.requestId().value();
      Set<String> grantIds =
          bonus.isPresent() ? Set.of(payment.grantId(), bonus.get().grantId()) : Set.of(payment.grantId());
      Wallet wallet = session.wallet().loadWallet(payment.asset(), grantIds);
      wallet.expireDue(now, EntryContext.of(requestId, null, now));
      EntryContext restoring = new EntryContext(null, "dispute_won:" + won.disputeId(), requestId, null, now);
      if (undo.restored() > 0) {
        wallet.restore(payment.grantId(), undo.restored(), EntryKind.REVERSAL, restoring);
      }
      if (bonusRestored > 0) {
        wallet.restore(bonus.get().grantId(), bonusRestored, EntryKind.REVERSAL, restoring);
      }
      // What went back to a grant that has expired since expires with it (net zero, but explained).
      wallet.expireDue(now, EntryContext.of(requestId, null, now));
      session.wallet().save(wallet);
    }
    session.updateReversal(payment.withReversal(undo.after(before)));
    if (bonusUndo != null) {
      session.updateBonusReversal(bonus.get().withReversal(bonusUndo.after(bonus.get().reversal())));
    }
    if (undo.restored() == 0 && undo.shortfallForgiven() == 0) {
      return EventOutcome.of(Code.NOTHING_TO_RESTORE, "nothing was taken back for " + payment.providerId());
    }
    return EventOutcome.of(
        Code.RESTORED,
        "dispute " + won.disputeId() + " won: restored " + undo.restored() + " " + payment.asset()
            + ", shortfall forgiven " + undo.shortfallForgiven());
  }
}
