package dev.obol.domain.testing;

import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.EntryKind;
import dev.obol.domain.payment.EventOutcome;
import dev.obol.domain.payment.Payment;
import dev.obol.domain.payment.PaymentBonus;
import dev.obol.domain.payment.QuotaPeriod;
import dev.obol.domain.payment.ReceivedEvent;
import dev.obol.domain.payment.RecordedEvent;
import dev.obol.domain.payment.Subscription;
import dev.obol.domain.port.AccountSession;
import dev.obol.domain.port.AccountStore.LockMode;
import dev.obol.domain.port.PaymentSession;
import dev.obol.domain.port.PaymentStore;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import dev.obol.domain.payment.PaymentCustomer;
import dev.obol.domain.port.PaymentCustomers;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@link PaymentStore} in memory, over an {@link InMemoryAccountStore} (which holds the wallets). One transaction at a
 * time; a failing unit of work leaves events and payment rows as they were, like the account store does.
 */
public final class InMemoryPaymentStore implements PaymentStore, PaymentCustomers {

  private final InMemoryAccountStore accounts;
  private final Object lock = new Object();
  private State committed = new State();

  public InMemoryPaymentStore(InMemoryAccountStore accounts) {
    this.accounts = accounts;
  }

  @Override
  public Optional<EventOutcome> processOnce(
      ReceivedEvent event,
      AccountId accountId,
      LockMode mode,
      Function<PaymentSession, EventOutcome> work,
      EventOutcome outcomeWithoutAccount) {
    synchronized (lock) {
      if (committed.events.containsKey(event.eventId())) {
        return Optional.empty();
      }
      State working = committed.copy();
      EventOutcome outcome = run(working, new Processing(accountId, mode, work, outcomeWithoutAccount));
      working.events.put(event.eventId(), new StoredEvent(event.type(), event.payload(), accountId, outcome));
      committed = working;
      return Optional.of(outcome);
    }
  }

  @Override
  public Optional<EventOutcome> reprocessOnce(
      String eventId, Function<RecordedEvent, Optional<Processing>> plan) {
    synchronized (lock) {
      StoredEvent stored = committed.events.get(eventId);
      if (stored == null) {
        return Optional.empty();
      }
      Optional<Processing> processing =
          plan.apply(new RecordedEvent(eventId, stored.type(), stored.payload(), stored.outcome()));
      if (processing.isEmpty()) {
        return Optional.of(stored.outcome());
      }
      State working = committed.copy();
      EventOutcome outcome = run(working, processing.get());
      AccountId accountId = processing.get().accountId() != null ? processing.get().accountId() : stored.accountId();
      working.events.put(eventId, new StoredEvent(stored.type(), stored.payload(), accountId, outcome));
      committed = working;
      return Optional.of(outcome);
    }
  }

  private EventOutcome run(State working, Processing processing) {
    if (processing.accountId() == null) {
      return processing.outcomeWithoutAccount();
    }
    return accounts.inTransaction(
        processing.accountId(),
        processing.mode(),
        session -> processing.work().apply(new Session(working, session, processing.accountId())));
  }

  @Override
  public <T> T inTransaction(AccountId accountId, Function<PaymentSession, T> work) {
    return inTransaction(accountId, LockMode.EXISTING, work);
  }

  @Override
  public Optional<PaymentCustomer> customerOf(AccountId accountId) {
    return Optional.ofNullable(committed.customers.get(accountId));
  }

  @Override
  public Optional<AccountId> accountOfCustomer(String customerId) {
    return committed.customers.values().stream()
        .filter(c -> c.customerId().equals(customerId))
        .map(PaymentCustomer::accountId)
        .findFirst();
  }

  @Override
  public PaymentCustomer saveCustomerIfNone(AccountId accountId, String customerId, Instant at) {
    synchronized (lock) {
      PaymentCustomer stored = committed.customers.get(accountId);
      if (stored != null) {
        return stored;
      }
      State working = committed.copy();
      PaymentCustomer customer = new PaymentCustomer(accountId, customerId, null, null);
      working.customers.put(accountId, customer);
      committed = working;
      return customer;
    }
  }

  @Override
  public Optional<AccountId> accountOfPaymentIntent(String paymentIntentId) {
    synchronized (lock) {
      return committed.payments.values().stream()
          .filter(p -> paymentIntentId.equals(p.paymentIntentId()))
          .map(Payment::accountId)
          .findFirst();
    }
  }

  @Override
  public List<SubscriptionRef> subscriptionsDue(Instant now, int limit) {
    synchronized (lock) {
      return committed.subscriptions.values().stream()
          .filter(s -> s.nextPeriodAt() != null && !s.nextPeriodAt().isAfter(now))
          .sorted(Comparator.comparing(Subscription::nextPeriodAt))
          .limit(limit)
          .map(s -> new SubscriptionRef(s.accountId(), s.subscriptionId()))
          .toList();
    }
  }

  // ---- for tests -------------------------------------------------------------------------------------------------

  /** One transaction on the account, creating it if asked: a use case's work without an event around it. */
  public <T> T inTransaction(AccountId accountId, LockMode mode, Function<PaymentSession, T> work) {
    synchronized (lock) {
      State working = committed.copy();
      T result =
          accounts.inTransaction(accountId, mode, session -> work.apply(new Session(working, session, accountId)));
      committed = working;
      return result;
    }
  }

  public Optional<StoredEvent> event(String eventId) {
    synchronized (lock) {
      return Optional.ofNullable(committed.events.get(eventId));
    }
  }

  /** Stores an event as an older build would have, without processing it. */
  public void store(String eventId, String type, String payload, EventOutcome outcome) {
    synchronized (lock) {
      committed.events.put(eventId, new StoredEvent(type, payload, null, outcome));
    }
  }

  public List<Payment> payments(AccountId accountId) {
    synchronized (lock) {
      return committed.payments.values().stream().filter(p -> p.accountId().equals(accountId)).toList();
    }
  }

  public record StoredEvent(String type, String payload, AccountId accountId, EventOutcome outcome) {}

  // ---- state -----------------------------------------------------------------------------------------------------

  private static final class State {
    final Map<String, StoredEvent> events = new LinkedHashMap<>();
    final Map<String, Payment> payments = new LinkedHashMap<>();
    final Map<String, Subscription> subscriptions = new LinkedHashMap<>();
    final Map<String, QuotaPeriod> periods = new LinkedHashMap<>();
    final Map<String, PaymentBonus> bonuses = new LinkedHashMap<>();
    final Map<AccountId, PaymentCustomer> customers = new LinkedHashMap<>();

    State copy() {
      State copy = new State();
      copy.customers.putAll(customers);
      copy.events.putAll(events);
      copy.payments.putAll(payments);
      copy.subscriptions.putAll(subscriptions);
      copy.periods.putAll(periods);
      copy.bonuses.putAll(bonuses);
      return copy;
    }
  }

  private static String key(AccountId accountId, String id) {
    return accountId.value() + "/" + id;
  }

  private final class Session implements PaymentSession {
    private final State state;
    private final AccountSession wallet;
    private final AccountId accountId;

    Session(State state, AccountSession wallet, AccountId accountId) {
      this.state = state;
      this.wallet = wallet;
      this.accountId = accountId;
    }

    @Override
    public AccountSession wallet() {
      return wallet;
    }

    @Override
    public Optional<Payment> findPayment(String providerId) {
      return Optional.ofNullable(state.payments.get(key(accountId, providerId)));
    }

    @Override
    public Optional<Payment> findPaymentByIntent(String paymentIntentId) {
      return state.payments.values().stream()
          .filter(p -> p.accountId().equals(accountId) && paymentIntentId.equals(p.paymentIntentId()))
          .findFirst();
    }

    @Override
    public void insertPayment(Payment payment) {
      if (state.payments.putIfAbsent(key(accountId, payment.providerId()), payment) != null) {
        throw new IllegalStateException("payment " + payment.providerId() + " exists");
      }
    }

    @Override
    public void updateReversal(Payment payment) {
      state.payments.put(key(accountId, payment.providerId()), payment);
    }

    @Override
    public Optional<PaymentBonus> findBonus(String providerId) {
      return Optional.ofNullable(state.bonuses.get(key(accountId, providerId)));
    }

    @Override
    public void insertBonus(PaymentBonus bonus) {
      String key = key(accountId, bonus.providerId());
      if (!state.payments.containsKey(key)) {
        throw new IllegalStateException("foreign key violated: bonus of unknown payment " + bonus.providerId());
      }
      if (state.bonuses.putIfAbsent(key, bonus) != null) {
        throw new IllegalStateException("duplicate key: bonus of payment " + bonus.providerId());
      }
    }

    @Override
    public void updateBonusReversal(PaymentBonus bonus) {
      state.bonuses.put(key(accountId, bonus.providerId()), bonus);
    }

    @Override
    public Optional<Subscription> findSubscription(String subscriptionId) {
      return Optional.ofNullable(state.subscriptions.get(key(accountId, subscriptionId)));
    }

    @Override
    public void saveSubscription(Subscription subscription) {
      state.subscriptions.put(key(accountId, subscription.subscriptionId()), subscription);
    }

    @Override
    public Optional<QuotaPeriod> latestPeriod(String subscriptionId) {
      return state.periods.values().stream()
          .filter(p -> p.accountId().equals(accountId) && p.subscriptionId().equals(subscriptionId))
          .max(Comparator.comparing(QuotaPeriod::periodStart));
    }

    @Override
    public void insertPeriod(QuotaPeriod period) {
      String key = key(accountId, period.subscriptionId() + "@" + period.periodStart());
      if (state.periods.putIfAbsent(key, period) != null) {
        throw new IllegalStateException("period " + key + " exists");
      }
    }

    @Override
    public void savePaymentMethod(String customerId, String paymentMethodId, Instant at) {
      state.customers.put(accountId, new PaymentCustomer(accountId, customerId, paymentMethodId, at));
    }

    @Override
    public long expiredFrom(String grantId) {
      return -accounts.entries(accountId).stream()
          .filter(e -> grantId.equals(e.entry().grantId()) && e.entry().kind() == EntryKind.EXPIRY)
          .mapToLong(e -> e.entry().amount())
          .sum();
    }
  }
}
