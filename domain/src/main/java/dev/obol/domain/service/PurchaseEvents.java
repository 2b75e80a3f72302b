package dev.obol.domain.service;

import dev.obol.domain.model.GrantSource;
import dev.obol.domain.payment.BonusRule;
import dev.obol.domain.payment.EventOutcome;
import dev.obol.domain.payment.EventOutcome.Code;
import dev.obol.domain.payment.Payment;
import dev.obol.domain.payment.PaymentBonus;
import dev.obol.domain.payment.PaymentCatalog;
import dev.obol.domain.payment.PaymentEvent.PurchaseFailed;
import dev.obol.domain.payment.PaymentEvent.PurchasePaid;
import dev.obol.domain.payment.PaymentEvent.PurchasePending;
import dev.obol.domain.payment.PaymentKind;
import dev.obol.domain.usecase.GrantCommand;
import dev.obol.domain.usecase.GrantReceipt;
import dev.obol.domain.port.PaymentSession;
import java.time.Instant;
import java.util.Optional;

/**
 * One-time purchases (token packs and money top-ups): a paid checkout grants once, by its session id; a pending or
 * failed one grants nothing. Runs on a locked account inside the event's transaction.
 */
public final class PurchaseEvents {

  private final GrantWriter grants;
  private final PaymentCatalog catalog;

  /** Without bonus rules. */
  public PurchaseEvents(GrantWriter grants) {
    this(grants, PaymentCatalog.defaults());
  }

  /** @param catalog its bonus rules add a bonus grant to the purchases they apply to */
  public PurchaseEvents(GrantWriter grants, PaymentCatalog catalog) {
    this.grants = grants;
    this.catalog = catalog;
  }

  /**
   * The outcome of a paid checkout that must write nothing at all, decided before any account is locked (so it does
   * not even create an empty account); empty when it may write.
   */
  public Optional<EventOutcome> refusal(PurchasePaid paid) {
    if (paid.grantAmount() <= 0 || paid.paidCents() < 0) {
      return Optional.of(
          EventOutcome.ignored(
              "session " + paid.sessionId() + " grants nothing (amount " + paid.grantAmount() + ", paid "
                  + paid.paidCents() + ")"));
    }
    return Optional.empty();
  }

  public EventOutcome paid(PaymentSession session, PurchasePaid paid, EventContext context) {
    if (session.findPayment(paid.sessionId()).isPresent()) {
      return EventOutcome.of(Code.ALREADY_GRANTED, "session " + paid.sessionId() + " was granted already");
    }
    PaymentKind kind = paid.kind();
    String reason = kind == PaymentKind.TOKEN_PACK ? "token_pack:" + paid.pack() : "top_up";
    GrantReceipt receipt =
        grants.write(
            session.wallet(),
            GrantCommand.of(
                    paid.accountId(), kind.asset(), paid.grantAmount(), kind.source(), reason, context.requestId())
                .withReference(paid.sessionId()),
            context.now());
    session.insertPayment(
        Payment.newGrant(
            paid.accountId(),
            paid.sessionId(),
            kind,
            paid.paymentIntentId(),
            receipt.grantId(),
            paid.grantAmount(),
            paid.paidCents(),
            paid.currency(),
            context.now()));
    String bonus = bonus(session, paid, context);
    return EventOutcome.of(
        Code.GRANTED, "granted " + paid.grantAmount() + " " + kind.asset() + " as " + receipt.grantId() + bonus);
  }

  /**
   * The bonus grant of the rule the purchase earns, in the same transaction as the purchase's own grant (so it is
   * granted exactly once with it), recorded against the payment so a refund takes it back in proportion.
   *
   * @return what the outcome's detail says of it ("" when no rule applies)
   */
  private String bonus(PaymentSession session, PurchasePaid paid, EventContext context) {
    Optional<BonusRule> rule = catalog.bonusFor(paid.kind(), paid.paidCents());
    if (rule.isEmpty()) {
      return "";
    }
    long amount = rule.get().amountFor(paid.grantAmount());
    if (amount <= 0) {
      return "";
    }
    Instant expiresAt = rule.get().validFor() == null ? null : context.now().plus(rule.get().validFor());
    GrantReceipt receipt =
        grants.write(
            session.wallet(),
            GrantCommand.of(
                    paid.accountId(),
                    paid.kind().asset(),
                    amount,
                    GrantSource.PROMO,
                    "bonus:" + rule.get().name(),
                    context.requestId())
                .withReference(paid.sessionId())
                .withExpiry(expiresAt),
            context.now());
    session.insertBonus(
        new PaymentBonus(
            paid.accountId(), paid.sessionId(), receipt.grantId(), rule.get().name(), amount, Payment.Reversal.NONE));
    return ", bonus " + amount + " (" + rule.get().name() + ") as " + receipt.grantId();
  }

  /** Writes nothing: a pending payment is granted by its later success event. */
  public EventOutcome pending(PaymentSession session, PurchasePending pending) {
    return session.findPayment(pending.sessionId()).isPresent()
        ? EventOutcome.of(Code.ALREADY_GRANTED, "session " + pending.sessionId() + " was granted already")
        : EventOutcome.of(Code.AWAITING_PAYMENT, "session " + pending.sessionId() + " awaits its payment");
  }

  /** Writes nothing. */
  public EventOutcome failed(PurchaseFailed failed) {
    return EventOutcome.of(
        Code.PAYMENT_FAILED, "payment of session " + failed.sessionId() + " failed; nothing granted");
  }
}
