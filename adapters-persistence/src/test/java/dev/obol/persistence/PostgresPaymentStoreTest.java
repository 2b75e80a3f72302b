package dev.obol.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.Asset;
import dev.obol.domain.model.GrantSource;
import dev.obol.domain.model.RequestId;
import dev.obol.domain.payment.BillingInterval;
import dev.obol.domain.payment.EventOutcome;
import dev.obol.domain.payment.Payment;
import dev.obol.domain.payment.PaymentKind;
import dev.obol.domain.payment.PlanTerms;
import dev.obol.domain.payment.QuotaPeriod;
import dev.obol.domain.payment.ReceivedEvent;
import dev.obol.domain.payment.Subscription;
import dev.obol.domain.usecase.GrantCommand;
import dev.obol.domain.usecase.GrantReceipt;
import dev.obol.domain.port.AccountStore.LockMode;
import dev.obol.domain.port.PaymentStore;
import dev.obol.domain.service.GrantWriter;
import dev.obol.domain.testing.MutableClock;
import dev.obol.domain.testing.LedgerInvariantExtension;
import dev.obol.persistence.testing.PersistenceContext;
import dev.obol.persistence.testing.TestDatabase;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The payment store on a real PostgreSQL: once per event, all or nothing, unique grants and periods. */
class PostgresPaymentStoreTest {

  private static HikariDataSource dataSource;
  private static PostgresAccountStore accounts;
  private static PostgresLedgerAudit audit;
  private static PostgresPaymentStore payments;
  private static final MutableClock clock = MutableClock.at("2026-11-01T10:00:00Z");
  private static final GrantWriter writer = new GrantWriter(new TimeOrderedIds());

  private final AccountId account = AccountId.of("acct-" + UUID.randomUUID());

  @BeforeAll
  static void startDatabase() {
    PersistenceContext context = TestDatabase.get().freshContext(8);
    dataSource = context.dataSource();
    accounts = context.accountStore();
    audit = new PostgresLedgerAudit(context.transactions(), accounts);
    payments =
        new PostgresPaymentStore(
            context.transactions(),
            clock,
            new PaymentRepositories(
                context.bean(StripeEventRepository.class),
                context.bean(PaymentRepository.class),
                context.bean(SubscriptionRepository.class),
                context.bean(QuotaPeriodRepository.class)));
  }

  @AfterAll
  static void closePool() {
    dataSource.close();
  }

  @RegisterExtension
  final LedgerInvariantExtension ledgerInvariant = LedgerInvariantExtension.over(() -> audit, clock::instant);

  @Test
  void anEventIsProcessedOnceWithItsWritesAndADuplicateDoesNothing() {
    ReceivedEvent event = event("evt_once");

    Optional<EventOutcome> first = payments.processOnce(event, account, LockMode.CREATE_IF_MISSING, s -> {
      GrantReceipt receipt = writer.write(s.wallet(), grant(500), clock.instant());
      s.insertPayment(payment("cs_1", receipt.grantId()));
      return EventOutcome.of(EventOutcome.Code.GRANTED, "ok");
    }, null);
    Optional<EventOutcome> second = payments.processOnce(event, account, LockMode.CREATE_IF_MISSING, s -> {
      throw new AssertionError("a duplicate must not run");
    }, null);

    assertThat(first).contains(EventOutcome.of(EventOutcome.Code.GRANTED, "ok"));
    assertThat(second).isEmpty();
    assertThat(balance()).isEqualTo(500);
    assertThat(payments.event(eventId("evt_once")).orElseThrow().outcome()).isEqualTo("GRANTED");
  }

  @Test
  void aFailureRollsBackTheEventAndEveryWriteSoARedeliveryProcessesItAgain() {
    ReceivedEvent event = event("evt_fails");

    assertThatThrownBy(() -> payments.processOnce(event, account, LockMode.CREATE_IF_MISSING, s -> {
      GrantReceipt receipt = writer.write(s.wallet(), grant(500), clock.instant());
      s.insertPayment(payment("cs_2", receipt.grantId()));
      throw new IllegalStateException("boom after the writes");
    }, null)).hasMessage("boom after the writes");

    assertThat(payments.event(eventId("evt_fails"))).isEmpty();
    assertThat(accounts.findAccount(account)).isEmpty();

    assertThat(payments.processOnce(event, account, LockMode.CREATE_IF_MISSING, s -> {
      assertThat(s.findPayment("cs_2")).isEmpty();
      return EventOutcome.ignored("second time");
    }, null)).isPresent();
  }

  @Test
  void anEventWithoutAnAccountIsStoredWithItsOutcome() {
    assertThat(payments.processOnce(event("evt_none"), null, LockMode.EXISTING, s -> {
      throw new AssertionError("no account, no work");
    }, EventOutcome.ignored("no account"))).contains(EventOutcome.ignored("no account"));
    assertThat(payments.event(eventId("evt_none")).orElseThrow().accountId()).isNull();
  }

  @Test
  void aReprocessRunsUnderTheEventsRowLockAndAFailureLeavesTheStoredOutcome() {
    ReceivedEvent event = event("evt_again");
    payments.processOnce(event, null, LockMode.EXISTING, s -> null, EventOutcome.unreadable("old rule"));
    PaymentStore.Processing grant =
        new PaymentStore.Processing(account, LockMode.CREATE_IF_MISSING, s -> {
          GrantReceipt receipt = writer.write(s.wallet(), grant(500), clock.instant());
          s.insertPayment(payment("cs_again", receipt.grantId()));
          return EventOutcome.of(EventOutcome.Code.GRANTED, "granted");
        }, null);

    assertThat(payments.reprocessOnce("evt_missing_" + account.value(), stored -> Optional.of(grant))).isEmpty();
    assertThatThrownBy(() -> payments.reprocessOnce(event.eventId(), stored -> Optional.of(
        new PaymentStore.Processing(account, LockMode.CREATE_IF_MISSING, s -> {
          writer.write(s.wallet(), grant(500), clock.instant());
          throw new IllegalStateException("boom");
        }, null)))).hasMessage("boom");
    assertThat(payments.event(event.eventId()).orElseThrow().outcome()).isEqualTo("UNREADABLE");
    assertThat(accounts.findAccount(account)).isEmpty();

    assertThat(payments.reprocessOnce(event.eventId(), stored -> {
      assertThat(stored.outcome()).isEqualTo(EventOutcome.unreadable("old rule"));
      assertThat(stored.payload()).isEqualTo("{}");
      return Optional.of(grant);
    })).contains(EventOutcome.of(EventOutcome.Code.GRANTED, "granted"));
    assertThat(payments.reprocessOnce(event.eventId(), stored -> Optional.empty()))
        .contains(EventOutcome.of(EventOutcome.Code.GRANTED, "granted"));
    assertThat(payments.event(event.eventId()).orElseThrow().accountId()).isEqualTo(account.value());
    assertThat(balance()).isEqualTo(500);
  }

  @Test
  void paymentsAndQuotaPeriodsAreUniqueAndPaymentsAreFoundByIntentAcrossAccounts() {
    Instant start = Instant.parse("2026-11-01T00:00:00Z");
    Instant end = Instant.parse("2026-12-01T00:00:00Z");
    PlanTerms terms = new PlanTerms("monthly", 3000, 0, BillingInterval.MONTH);
    payments.processOnce(event("evt_sub"), account, LockMode.CREATE_IF_MISSING, s -> {
      GrantReceipt receipt = writer.write(s.wallet(), grant(10), clock.instant());
      s.insertPayment(payment("cs_3", receipt.grantId()));
      s.saveSubscription(Subscription.linked(account, "sub_1", null, terms, clock.instant()));
      s.saveSubscription(
          Subscription.linked(account, "sub_1", "cus_1", terms, clock.instant())
              .withPaidPeriod(start, end, null, clock.instant()));
      s.insertPeriod(new QuotaPeriod(account, "sub_1", start, end, receipt.grantId(), null, "in_1", clock.instant()));
      return EventOutcome.ignored("set up");
    }, null);

    payments.inTransaction(account, s -> {
      assertThat(s.findSubscription("sub_1")).hasValueSatisfying(sub -> {
        assertThat(sub.customerId()).isEqualTo("cus_1");
        assertThat(sub.paidUntil()).isEqualTo(end);
      });
      assertThat(s.latestPeriod("sub_1")).hasValueSatisfying(p -> assertThat(p.periodStart()).isEqualTo(start));
      assertThat(s.findPaymentByIntent("pi_cs_3_" + account.value())).hasValueSatisfying(p -> assertThat(p.providerId()).isEqualTo("cs_3"));
      return null;
    });
    assertThat(payments.accountOfPaymentIntent("pi_cs_3_" + account.value())).contains(account);

    assertThatThrownBy(() -> payments.inTransaction(account, s -> {
      s.insertPeriod(new QuotaPeriod(account, "sub_1", start, end, s.findPayment("cs_3").orElseThrow().grantId(),
          null, "scheduled", clock.instant()));
      return null;
    })).isInstanceOf(PersistenceException.class);
    assertThatThrownBy(() -> payments.inTransaction(account, s -> {
      s.insertPayment(payment("cs_3", null));
      return null;
    })).isInstanceOf(PersistenceException.class);
  }

  private ReceivedEvent event(String id) {
    return new ReceivedEvent(eventId(id), "checkout.session.completed", "{}", clock.instant());
  }

  /** Event ids are global: each test's are its own. */
  private String eventId(String id) {
    return id + "_" + account.value();
  }

  private GrantCommand grant(long tokens) {
    return new GrantCommand(
        account, Asset.TOKEN, tokens, GrantSource.PURCHASE, null, null, "cs", "token_pack:basic", RequestId.of("r1"));
  }

  private Payment payment(String sessionId, String grantId) {
    return Payment.newGrant(account, sessionId, PaymentKind.TOKEN_PACK, "pi_" + sessionId + "_" + account.value(), grantId, 500, 3999,
        "eur", clock.instant());
  }

  private long balance() {
    return accounts.openGrants(account, Asset.TOKEN).stream().mapToLong(g -> g.remaining()).sum();
  }
}
