package dev.obol.domain.service;

import dev.obol.domain.error.FailedPreconditionException;
import dev.obol.domain.error.UnavailableException;
import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.Asset;
import dev.obol.domain.model.Operation;
import dev.obol.domain.payment.AutoRecharge;
import dev.obol.domain.payment.CheckoutMetadata;
import dev.obol.domain.payment.OffSessionCharge;
import dev.obol.domain.payment.OffSessionResult;
import dev.obol.domain.payment.Pack;
import dev.obol.domain.payment.PaymentCatalog;
import dev.obol.domain.payment.PaymentCustomer;
import dev.obol.domain.payment.RechargeAttempt;
import dev.obol.domain.port.AccountSession;
import dev.obol.domain.port.AccountStore;
import dev.obol.domain.port.AccountStore.LockMode;
import dev.obol.domain.port.Activity;
import dev.obol.domain.port.PaymentCustomers;
import dev.obol.domain.port.RechargeQueue;
import dev.obol.domain.port.StoredCardPayments;
import dev.obol.domain.usecase.AutoRechargeUseCases;
import dev.obol.domain.usecase.AutoRechargeView;
import dev.obol.domain.usecase.SetAutoRechargeCommand;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Auto-recharge: its settings (SetAutoRecharge, GetAutoRecharge) and the hand-over of requested recharges to the
 * provider. A recharge is requested inside the write that crossed the threshold ({@link AutoRechargeTrigger}); this
 * hands it to the provider after that commit, outside any transaction, and records the answer in a transaction of
 * its own. The provider's idempotency key (account and sequence) makes a repeated hand-over (a crash after the call,
 * a lease that ran out, two instances) charge once.
 */
public final class AutoRechargeService implements AutoRechargeUseCases {

  /** How many requested recharges one dispatch run hands over, and how long a claim keeps others off one. */
  public record Dispatch(int batch, Duration lease) {
    public Dispatch {
      if (batch < 1 || lease.isNegative() || lease.isZero()) {
        throw new IllegalArgumentException("dispatch batch and lease must be positive");
      }
    }
  }

  private final AccountStore store;
  private final PaymentCustomers customers;
  private final PaymentCatalog catalog;
  private final Optional<StoredCardPayments> provider;
  private final RechargeQueue queue;
  private final AutoRechargeTrigger trigger;
  private final Dispatch dispatch;
  private final Clock clock;
  private final Activity activity;

  /** @param provider empty: payments are not configured (auto-recharge cannot be turned on) */
  public AutoRechargeService(
      AccountStore store,
      PaymentCustomers customers,
      PaymentCatalog catalog,
      Optional<StoredCardPayments> provider,
      RechargeQueue queue,
      AutoRechargeTrigger trigger,
      Dispatch dispatch,
      Clock clock,
      Activity activity) {
    this.store = store;
    this.customers = customers;
    this.catalog = catalog;
    this.provider = provider;
    this.queue = queue;
    this.trigger = trigger;
    this.dispatch = dispatch;
    this.clock = clock;
    this.activity = activity;
  }

  @Override
  public AutoRechargeView set(SetAutoRechargeCommand command) {
    AutoRecharge.Settings settings = settings(command);
    Instant now = now();
    boolean saved = customers.customerOf(command.accountId()).map(PaymentCustomer::canChargeOffSession).orElse(false);
    if (command.enabled()) {
      if (provider.isEmpty()) {
        throw new FailedPreconditionException(
            "PAYMENTS_NOT_CONFIGURED",
            "payments are not configured on this server (set OBOL_STRIPE_SECRET_KEY)");
      }
      if (!saved) {
        throw new FailedPreconditionException(
            "PAYMENT_METHOD_REQUIRED",
            "auto-recharge charges a saved payment method: the account has none yet (a checkout saves one)");
      }
    }
    return AfterCommit.around(
        activity,
        () ->
            Idempotent.write(
                store,
                command.accountId(),
                LockMode.EXISTING,
                null,
                new Idempotent.Request(
                    command.requestId(), Operation.SET_AUTO_RECHARGE, command.fingerprint(), now),
                session -> {
                  if (session.account().isEmpty()) {
                    throw Accounts.notFound(command.accountId());
                  }
                  AutoRecharge next =
                      session
                          .autoRecharge()
                          .map(r -> r.reconfigured(settings, now))
                          .orElseGet(() -> AutoRecharge.configured(command.accountId(), settings, now));
                  session.saveAutoRecharge(next);
                  // A wallet already below the new threshold is recharged now, not at its next debit.
                  long balance = session.loadWallet(settings.asset(), Set.of()).liveBalanceAt(now);
                  trigger.requestIfDue(session, settings.asset(), balance, now);
                  return AutoRechargeView.of(session.autoRecharge().orElseThrow(), saved, now);
                }));
  }

  private AutoRecharge.Settings settings(SetAutoRechargeCommand command) {
    if (command.asset() == Asset.TOKEN) {
      Pack pack = catalog.pack(command.pack());
      return new AutoRecharge.Settings(
          Asset.TOKEN, command.threshold(), pack.name(), pack.tokens(), pack.priceCents(), pack.currency(),
          command.monthlyLimit(), command.enabled());
    }
    long amount = catalog.checkedTopUp(command.amountCents(), "amount");
    return new AutoRecharge.Settings(
        Asset.EUR, command.threshold(), null, amount, amount, PaymentCatalog.CURRENCY, command.monthlyLimit(),
        command.enabled());
  }

  @Override
  public AutoRechargeView get(AccountId accountId) {
    Instant now = now();
    boolean saved = customers.customerOf(accountId).map(PaymentCustomer::canChargeOffSession).orElse(false);
    return store.inTransaction(
        accountId,
        LockMode.EXISTING,
        session -> {
          if (session.account().isEmpty()) {
            throw Accounts.notFound(accountId);
          }
          return session
              .autoRecharge()
              .map(r -> AutoRechargeView.of(r, saved, now))
              .orElseGet(() -> AutoRechargeView.none(saved));
        });
  }

  /**
   * Hands the requested recharges that are due to the provider (the job, and right after a commit that requested
   * one). A provider that cannot be reached leaves a recharge requested: it is handed over again when its claim runs
   * out, under the same idempotency key.
   *
   * @return how many were handed over and answered
   */
  public int dispatchDue() {
    Instant now = now();
    List<RechargeAttempt> due = queue.claimDue(now, now.plus(dispatch.lease()), dispatch.batch());
    int answered = 0;
    for (RechargeAttempt attempt : due) {
      if (handOver(attempt)) {
        answered++;
      }
    }
    return answered;
  }

  private boolean handOver(RechargeAttempt attempt) {
    Optional<PaymentCustomer> customer = customers.customerOf(attempt.accountId());
    OffSessionResult result;
    if (provider.isEmpty()) {
      result = new OffSessionResult.Declined(null, "payments are not configured on this server");
    } else if (customer.isEmpty() || !customer.get().canChargeOffSession()) {
      result = new OffSessionResult.Declined(null, "the account has no saved payment method");
    } else {
      try {
        result = provider.get().chargeOffSession(charge(attempt, customer.get()));
      } catch (UnavailableException e) {
        return false; // still REQUESTED: handed over again when the claim runs out, with the same key
      }
    }
    OffSessionResult answer = result;
    Instant now = now();
    AfterCommit.around(
        activity,
        () ->
            store.inTransaction(
                attempt.accountId(),
                LockMode.EXISTING,
                AfterCommit.carried(session -> record(session, attempt.sequence(), answer, now))));
    return true;
  }

  private static OffSessionCharge charge(RechargeAttempt attempt, PaymentCustomer customer) {
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put(CheckoutMetadata.KIND, CheckoutMetadata.KIND_AUTO_RECHARGE);
    metadata.put(CheckoutMetadata.ACCOUNT_ID, attempt.accountId().value());
    metadata.put(CheckoutMetadata.SEQUENCE, Long.toString(attempt.sequence()));
    metadata.put(CheckoutMetadata.ASSET, attempt.asset().name());
    String description;
    if (attempt.pack() != null) {
      metadata.put(CheckoutMetadata.PACK, attempt.pack());
      metadata.put(CheckoutMetadata.TOKENS, Long.toString(attempt.grantAmount()));
      description = "Auto-recharge: " + attempt.grantAmount() + " tokens (" + attempt.pack() + ")";
    } else {
      metadata.put(CheckoutMetadata.AMOUNT, Long.toString(attempt.grantAmount()));
      description = "Auto-recharge: prepaid credit top-up";
    }
    return new OffSessionCharge(
        customer.customerId(),
        customer.paymentMethodId(),
        attempt.priceCents(),
        attempt.currency(),
        description,
        metadata,
        attempt.idempotencyKey());
  }

  /** The provider's answer, under the account's lock; an event that settled the recharge first wins. */
  private Void record(AccountSession session, long sequence, OffSessionResult answer, Instant now) {
    AfterCommit.attempt();
    Optional<RechargeAttempt> stored = session.findRechargeAttempt(sequence);
    if (stored.isEmpty()) {
      return null;
    }
    RechargeAttempt attempt = stored.get();
    if (answer instanceof OffSessionResult.Declined declined) {
      trigger.failed(session, attempt, declined.paymentIntentId(), declined.reason(), now);
    } else if (attempt.status() == RechargeAttempt.Status.REQUESTED
        || (attempt.paymentIntentId() == null && answer.paymentIntentId() != null)) {
      session.updateRechargeAttempt(attempt.pending(answer.paymentIntentId(), now));
    }
    return null;
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }
}
