package dev.obol.domain.service;

import static dev.obol.domain.model.Notification.data;

import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.AccountStatus;
import dev.obol.domain.model.Asset;
import dev.obol.domain.model.ChargePeriod;
import dev.obol.domain.model.EntryContext;
import dev.obol.domain.model.EntryKind;
import dev.obol.domain.model.Grant;
import dev.obol.domain.model.Notification;
import dev.obol.domain.model.NotificationType;
import dev.obol.domain.model.SeatCharge;
import dev.obol.domain.model.SeatCharge.Outcome;
import dev.obol.domain.model.SeatFeeFormula;
import dev.obol.domain.model.SeatPlan;
import dev.obol.domain.model.Wallet;
import dev.obol.domain.usecase.ChargeOutcome;
import dev.obol.domain.port.AccountSession;
import dev.obol.domain.port.IdGenerator;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The per-seat ladder, applied inside an account's transaction: the monthly charge (paid, or owed and the account
 * INSUFFICIENT_FUNDS), collecting what is owed when a credit covers it, and the low-balance flag. Also the hooks that
 * make every credit and every debit go through these rules, whatever their origin (Grant, Stripe, operators).
 */
public final class SeatFeeLadder implements GrantWriter.AfterCredit, WalletService.AfterDebit {

  private final SeatFeeFormula formula;
  private final IdGenerator ids;
  private final List<WalletService.AfterDebit> afterCharge;

  public SeatFeeLadder(SeatFeeFormula formula, IdGenerator ids) {
    this(formula, ids, List.of());
  }

  /** @param afterCharge run after a monthly charge, before the wallet is saved (the auto-recharge threshold) */
  public SeatFeeLadder(SeatFeeFormula formula, IdGenerator ids, List<WalletService.AfterDebit> afterCharge) {
    this.formula = formula;
    this.ids = ids;
    this.afterCharge = List.copyOf(afterCharge);
  }

  public SeatFeeFormula formula() {
    return formula;
  }

  // ---- hooks -----------------------------------------------------------------------------------------------------

  /** Every credit is announced; an EUR credit that covers what is owed collects it at once. */
  @Override
  public void afterCredit(AccountSession session, Wallet wallet, Grant grant, Instant now) {
    publish(
        session,
        NotificationType.CREDITS_GRANTED,
        now,
        data(
            "grant_id", grant.grantId(),
            "asset", grant.asset().name(),
            "amount", grant.amount(),
            "source", grant.source().name(),
            "reason", grant.reason(),
            "reference", grant.reference(),
            "balance", wallet.balance()));
    if (grant.asset() != Asset.EUR) {
      return;
    }
    if (collectOwedIfCovered(session, wallet, null, now)) {
      liftInsufficientFunds(session, "owed seat fees collected from a credit", now);
    }
    evaluateLowBalance(session, wallet.balance(), now);
  }

  @Override
  public void afterDebit(AccountSession session, Wallet wallet, Instant now) {
    if (wallet.asset() == Asset.EUR) {
      evaluateLowBalance(session, wallet.balance(), now);
    }
  }

  // ---- the monthly charge ----------------------------------------------------------------------------------------

  /**
   * Charges the period's fee, all or nothing. What is owed from earlier periods is paid first: the fee is debited only
   * if the balance covers everything due, otherwise it joins what is owed. The caller holds the account's lock and
   * the seat_charges primary key backs the "once per period" rule even against a caller that does not.
   */
  ChargeOutcome charge(AccountSession session, ChargePeriod period, String requestId, Instant now) {
    Wallet wallet = session.loadWallet(Asset.EUR, Set.of());
    wallet.expireDue(now, EntryContext.of(requestId, null, now));
    ChargeOutcome outcome = chargeFrom(session, wallet, period, requestId, now);
    // Paid or owed, a balance left below the auto-recharge threshold recharges (an owed fee is collected by it).
    for (WalletService.AfterDebit hook : afterCharge) {
      hook.afterDebit(session, wallet, now);
    }
    session.save(wallet);
    return outcome;
  }

  private ChargeOutcome chargeFrom(
      AccountSession session, Wallet wallet, ChargePeriod period, String requestId, Instant now) {
    if (session.findSeatCharge(period).isPresent()) {
      return ChargeOutcome.alreadyCharged(wallet.balance());
    }
    SeatPlan plan = session.seatPlan();
    long feeCents = formula.feeCents(plan.seatCount());
    if (feeCents == 0) {
      return ChargeOutcome.noFee(wallet.balance());
    }
    long dueCents = Math.addExact(owedCents(session.owedSeatCharges()), feeCents);
    String chargeId = ids.newId("fee");
    AccountId accountId = session.account().orElseThrow().id();
    if (wallet.balance() >= dueCents) {
      collectOwedIfCovered(session, wallet, requestId, now);
      SeatCharge charge =
          new SeatCharge(accountId, period, chargeId, plan.seatCount(), feeCents, Outcome.PAID, now, now);
      debitFee(wallet, charge, requestId, now);
      session.saveSeatCharge(charge);
      publishCharge(session, NotificationType.CHARGE_SUCCEEDED, charge, wallet.balance(), 0, false, now);
      liftInsufficientFunds(session, "owed seat fees collected by the monthly charge", now);
      evaluateLowBalance(session, wallet.balance(), now);
      return ChargeOutcome.charged(feeCents, wallet.balance());
    }
    SeatCharge owed = new SeatCharge(accountId, period, chargeId, plan.seatCount(), feeCents, Outcome.OWED, now, null);
    session.saveSeatCharge(owed);
    publishCharge(session, NotificationType.CHARGE_FAILED, owed, wallet.balance(), dueCents, false, now);
    if (session.account().orElseThrow().status() == AccountStatus.ACTIVE) {
      session.setStatus(AccountStatus.INSUFFICIENT_FUNDS);
      publish(
          session,
          NotificationType.ACCOUNT_INSUFFICIENT_FUNDS,
          now,
          data("owed", dueCents, "balance", wallet.balance(), "period", period.toString()));
    }
    evaluateLowBalance(session, wallet.balance(), now);
    return ChargeOutcome.failed(feeCents, wallet.balance());
  }

  /**
   * Collects every owed charge if the wallet covers all of them (all or nothing, oldest first), each with its own FEE
   * entry and {@code charge.succeeded}. Does not save the wallet.
   *
   * @return true when nothing is owed afterwards
   */
  boolean collectOwedIfCovered(AccountSession session, Wallet wallet, String requestId, Instant now) {
    List<SeatCharge> owed = session.owedSeatCharges();
    if (owed.isEmpty()) {
      return true;
    }
    if (wallet.liveBalanceAt(now) < owedCents(owed)) {
      return false;
    }
    for (SeatCharge charge : owed) {
      debitFee(wallet, charge, requestId, now);
      session.markSeatChargePaid(charge.period(), now);
      publishCharge(session, NotificationType.CHARGE_SUCCEEDED, charge.paid(now), wallet.balance(), 0, true, now);
    }
    return true;
  }

  /** INSUFFICIENT_FUNDS becomes ACTIVE once nothing is owed; SUSPENDED stays (only an operator lifts it). */
  void liftInsufficientFunds(AccountSession session, String reason, Instant now) {
    if (session.account().orElseThrow().status() != AccountStatus.INSUFFICIENT_FUNDS) {
      return;
    }
    session.setStatus(AccountStatus.ACTIVE);
    publish(
        session,
        NotificationType.ACCOUNT_REINSTATED,
        now,
        data("status", AccountStatus.ACTIVE.name(), "previous_status", "INSUFFICIENT_FUNDS", "by", "payment",
            "reason", reason));
  }

  // ---- low balance -----------------------------------------------------------------------------------------------

  /**
   * Flags the account when its EUR balance no longer covers what is owed plus the next monthly fee, and announces it
   * at most once per period (a reminder in a later period while it stays low); clears the flag once covered.
   */
  void evaluateLowBalance(AccountSession session, long balanceCents, Instant now) {
    SeatPlan plan = session.seatPlan();
    long feeCents = formula.feeCents(plan.seatCount());
    boolean low = feeCents > 0 && balanceCents < Math.addExact(owedCents(session.owedSeatCharges()), feeCents);
    ChargePeriod current = ChargePeriod.containing(now);
    if (low) {
      boolean notifiedThisPeriod = current.equals(plan.lowBalanceNotifiedIn());
      if (plan.lowBalanceAlerted() && notifiedThisPeriod) {
        return;
      }
      session.saveSeatPlan(plan.withLowBalanceAlert(true, current));
      if (!notifiedThisPeriod) {
        publish(
            session,
            NotificationType.BALANCE_LOW,
            now,
            data("balance", balanceCents, "monthly_fee", feeCents, "period", current.toString()));
      }
    } else if (plan.lowBalanceAlerted()) {
      session.saveSeatPlan(plan.withLowBalanceAlert(false, plan.lowBalanceNotifiedIn()));
    }
  }

  // ---- helpers ---------------------------------------------------------------------------------------------------

  static long owedCents(List<SeatCharge> owed) {
    long sum = 0;
    for (SeatCharge charge : owed) {
      sum = Math.addExact(sum, charge.feeCents());
    }
    return sum;
  }

  private static void debitFee(Wallet wallet, SeatCharge charge, String requestId, Instant now) {
    String reason = "seat fee " + charge.period() + " (" + charge.seatCount().value() + " seats)";
    wallet.debit(charge.feeCents(), EntryKind.FEE, new EntryContext(null, reason, requestId, charge.chargeId(), now));
  }

  private void publishCharge(
      AccountSession session,
      NotificationType type,
      SeatCharge charge,
      long balanceCents,
      long owedCents,
      boolean collectedLate,
      Instant now) {
    publish(
        session,
        type,
        now,
        data(
            "charge_id", charge.chargeId(),
            "period", charge.period().toString(),
            "seat_count", charge.seatCount().value(),
            "fee", charge.feeCents(),
            "balance", balanceCents,
            "owed", type == NotificationType.CHARGE_FAILED ? owedCents : null,
            "collected_late", type == NotificationType.CHARGE_SUCCEEDED ? collectedLate : null));
  }

  void publish(AccountSession session, NotificationType type, Instant now, Map<String, Object> data) {
    session.publish(new Notification(ids.newId("evt"), session.account().orElseThrow().id(), type, now, data));
  }
}
