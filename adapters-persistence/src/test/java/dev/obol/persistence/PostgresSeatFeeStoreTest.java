package dev.obol.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.AccountStatus;
import dev.obol.domain.model.ChargePeriod;
import dev.obol.domain.model.Notification;
import dev.obol.domain.model.NotificationType;
import dev.obol.domain.model.SeatCharge;
import dev.obol.domain.model.SeatCount;
import dev.obol.domain.model.SeatPlan;
import dev.obol.domain.port.AccountSession;
import dev.obol.domain.port.AccountStore.LockMode;
import dev.obol.domain.port.Outbox.PendingNotification;
import dev.obol.domain.testing.LedgerInvariantExtension;
import dev.obol.persistence.testing.PersistenceContext;
import dev.obol.persistence.testing.TestDatabase;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The seat-fee tables and the outbox on a real PostgreSQL: what the database itself guarantees. */
class PostgresSeatFeeStoreTest {

  static final Instant NOW = Instant.parse("2026-11-01T00:00:00Z");
  private static HikariDataSource dataSource;
  private static PostgresAccountStore store;
  private static PostgresLedgerAudit audit;
  private static PostgresOutbox outbox;
  private final AccountId account = AccountId.of("acct-" + UUID.randomUUID());

  @BeforeAll
  static void startDatabase() {
    PersistenceContext context = TestDatabase.get().freshContext(8);
    dataSource = context.dataSource();
    store = context.accountStore();
    audit = new PostgresLedgerAudit(context.transactions(), store);
    outbox = new PostgresOutbox(context.bean(OutboxRepository.class));
  }

  @AfterAll
  static void closePool() {
    dataSource.close();
  }

  @RegisterExtension
  final LedgerInvariantExtension ledgerInvariant = LedgerInvariantExtension.over(() -> audit, () -> NOW);

  @Test
  void theDatabaseRefusesASecondChargeForTheSamePeriodWhateverTheCallerChecked() {
    ChargePeriod period = ChargePeriod.parse("2026-11");
    store.inTransaction(account, LockMode.CREATE_IF_MISSING, s -> {
      s.saveSeatCharge(charge(period, "fee_1"));
      return null;
    });

    assertThatThrownBy(
            () ->
                store.inTransaction(account, LockMode.EXISTING, s -> {
                  s.saveSeatCharge(charge(period, "fee_2"));
                  return null;
                }))
        .isInstanceOf(PersistenceException.class);
    store.inTransaction(account, LockMode.EXISTING, s -> {
      assertThat(s.findSeatCharge(period)).get().extracting(SeatCharge::chargeId).isEqualTo("fee_1");
      assertThat(s.owedSeatCharges()).hasSize(1);
      s.markSeatChargePaid(period, NOW);
      assertThat(s.owedSeatCharges()).isEmpty();
      assertThat(s.lastSeatCharge()).get().extracting(SeatCharge::paidAt).isEqualTo(NOW);
      return null;
    });
  }

  @Test
  void seatPlanAndStatusRoundTripAndTheWorkListHoldsAccountsWithSeats() {
    store.inTransaction(account, LockMode.CREATE_IF_MISSING, s -> {
      assertThat(s.seatPlan()).isEqualTo(SeatPlan.NONE);
      s.saveSeatPlan(new SeatPlan(SeatCount.of(3), true, ChargePeriod.parse("2026-10"), "why"));
      s.setStatus(AccountStatus.INSUFFICIENT_FUNDS);
      assertThat(s.account().orElseThrow().status()).isEqualTo(AccountStatus.INSUFFICIENT_FUNDS);
      return null;
    });
    assertThat(store.findAccount(account).orElseThrow().status()).isEqualTo(AccountStatus.INSUFFICIENT_FUNDS);
    store.inTransaction(account, LockMode.EXISTING, s -> {
      assertThat(s.seatPlan()).isEqualTo(new SeatPlan(SeatCount.of(3), true, ChargePeriod.parse("2026-10"), "why"));
      return null;
    });
    assertThat(store.accountsWithSeats("", 100_000)).contains(account);
    assertThat(store.accountsWithSeats(account.value(), 100_000)).doesNotContain(account);
  }

  @Test
  void seatWritesShareTheAccountsTransactionAndItsConnection() {
    store.inTransaction(account, LockMode.CREATE_IF_MISSING, s -> null);
    assertThatThrownBy(
            () ->
                store.inTransaction(account, LockMode.EXISTING, s -> {
                  s.saveSeatPlan(new SeatPlan(SeatCount.of(2), false, null, null));
                  s.saveSeatCharge(charge(ChargePeriod.parse("2026-11"), "fee_1"));
                  // The repository's writes are seen by a hand-written statement of the session: one connection.
                  assertThat(countSeatCharges(s)).isEqualTo(1);
                  throw new IllegalStateException("boom");
                }))
        .hasMessage("boom");

    store.inTransaction(account, LockMode.EXISTING, s -> {
      assertThat(s.seatPlan()).isEqualTo(SeatPlan.NONE);
      assertThat(s.lastSeatCharge()).isEmpty();
      return null;
    });
    assertThat(store.accountsWithSeats("", 100_000)).doesNotContain(account);
  }

  private long countSeatCharges(AccountSession session) {
    try (var statement =
        ((PostgresSession) session).prepare("SELECT count(*) FROM seat_charges WHERE account_id = ?")) {
      statement.setString(1, account.value());
      try (var rows = statement.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void eventsExistExactlyWhenTheirTransactionCommitted() {
    store.inTransaction(account, LockMode.CREATE_IF_MISSING, s -> {
      s.publish(event("evt_committed"));
      return null;
    });
    assertThatThrownBy(
            () ->
                store.inTransaction(account, LockMode.EXISTING, s -> {
                  s.publish(event("evt_rolled_back"));
                  throw new IllegalStateException("boom");
                }))
        .hasMessage("boom");

    List<PendingNotification> claimed = claimMine(NOW);
    assertThat(claimed).extracting(PendingNotification::eventId).containsExactly("evt_committed");
    assertThat(claimed.get(0).body())
        .startsWith("{\"id\":\"evt_committed\",\"type\":\"credits.granted\",\"account_id\":\"" + account + "\"")
        .contains("\"created_at\":\"2026-11-01T00:00:00Z\"", "\"data\":{\"amount\":5,\"ok\":true}");
  }

  @Test
  void aClaimIsALeaseAndDeliveredOrAbandonedEventsAreNeverClaimedAgain() {
    store.inTransaction(account, LockMode.CREATE_IF_MISSING, s -> {
      s.publish(event("evt_a"));
      s.publish(event("evt_b"));
      return null;
    });
    List<PendingNotification> first = claimMine(NOW);
    assertThat(first).hasSize(2).allSatisfy(p -> assertThat(p.attempts()).isEqualTo(1));
    assertThat(claimMine(NOW.plusSeconds(59))).as("leased").isEmpty();

    outbox.markDelivered(first.get(0), Set.of("http://a"), NOW);
    outbox.retryLater(first.get(1), Set.of("http://a"), null, "HTTP 500");
    assertThat(claimMine(NOW.plusSeconds(3600))).isEmpty();
    assertThat(outbox.undelivered(account)).isEqualTo(1);
  }

  @Test
  void thePurgeDeletesOnlyEventsDeliveredBeforeTheCutOff() {
    store.inTransaction(account, LockMode.CREATE_IF_MISSING, s -> {
      s.publish(event("evt_old"));
      s.publish(event("evt_new"));
      s.publish(event("evt_pending"));
      return null;
    });
    List<PendingNotification> claimed = claimMine(NOW);
    for (PendingNotification each : claimed) {
      if (each.eventId().equals("evt_old")) {
        outbox.markDelivered(each, Set.of("http://a"), NOW);
      } else if (each.eventId().equals("evt_new")) {
        outbox.markDelivered(each, Set.of("http://a"), NOW.plusSeconds(7200));
      }
    }

    outbox.purgeDelivered(NOW.plusSeconds(3600), 1000);
    assertThat(myEventIds()).containsExactlyInAnyOrder("evt_new", "evt_pending");

    outbox.purgeDelivered(NOW.plusSeconds(7201), 1000);
    assertThat(myEventIds()).as("an undelivered event is never deleted").containsExactly("evt_pending");
  }

  private List<String> myEventIds() {
    try (var connection = dataSource.getConnection();
        var statement = connection.prepareStatement("SELECT event_id FROM outbox WHERE account_id = ?")) {
      statement.setString(1, account.value());
      List<String> ids = new java.util.ArrayList<>();
      try (var rows = statement.executeQuery()) {
        while (rows.next()) {
          ids.add(rows.getString(1));
        }
      }
      return ids;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void twoRelaysClaimingAtOnceNeverGetTheSameEvent() throws Exception {
    store.inTransaction(account, LockMode.CREATE_IF_MISSING, s -> {
      for (int i = 0; i < 40; i++) {
        s.publish(event("evt_" + i));
      }
      return null;
    });
    CountDownLatch start = new CountDownLatch(1);
    List<CompletableFuture<List<PendingNotification>>> claims =
        List.of(claimAsync(start), claimAsync(start));
    start.countDown();
    Set<String> seen = new HashSet<>();
    int total = 0;
    for (CompletableFuture<List<PendingNotification>> claim : claims) {
      for (PendingNotification p : claim.get(30, TimeUnit.SECONDS)) {
        if (p.accountId().equals(account)) {
          seen.add(p.eventId());
          total++;
        }
      }
    }
    assertThat(total).isEqualTo(seen.size());
  }

  // ---- helpers ---------------------------------------------------------------------------------------------------

  private CompletableFuture<List<PendingNotification>> claimAsync(CountDownLatch start) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            start.await();
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
          return outbox.claimDue(NOW, NOW.plusSeconds(60), 30);
        });
  }

  /** Claims everything due (other tests' events included) and keeps this account's. */
  private List<PendingNotification> claimMine(Instant now) {
    return outbox.claimDue(now, now.plusSeconds(60), 1000).stream()
        .filter(p -> p.accountId().equals(account))
        .toList();
  }

  private Notification event(String id) {
    return new Notification(
        id, account, NotificationType.CREDITS_GRANTED, NOW, Notification.data("amount", 5L, "ok", true));
  }

  private SeatCharge charge(ChargePeriod period, String chargeId) {
    return new SeatCharge(account, period, chargeId, SeatCount.of(1), 500, SeatCharge.Outcome.OWED, NOW, null);
  }
}
