package dev.obol.domain.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.obol.domain.model.AccountId;
import dev.obol.domain.port.Outbox;
import dev.obol.domain.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NotificationRelayTest {

  final MutableClock clock = MutableClock.at("2026-11-01T00:00:00Z");
  final FakeOutbox outbox = new FakeOutbox();
  final Set<String> failing = new HashSet<>();
  final List<String> sent = new ArrayList<>();
  final NotificationRelay relay =
      new NotificationRelay(
          outbox,
          (endpoint, n) -> {
            sent.add(endpoint + " " + n.eventId());
            return failing.contains(endpoint) ? "HTTP 500" : null;
          },
          List.of("http://a", "http://b"),
          clock);

  @Test
  void backoffDoublesFromTenSecondsUpToAnHour() {
    assertThat(NotificationRelay.backoff(1)).isEqualTo(Duration.ofSeconds(10));
    assertThat(NotificationRelay.backoff(2)).isEqualTo(Duration.ofSeconds(20));
    assertThat(NotificationRelay.backoff(5)).isEqualTo(Duration.ofSeconds(160));
    assertThat(NotificationRelay.backoff(30)).isEqualTo(Duration.ofHours(1));
  }

  @Test
  void anEventIsDeliveredOnlyWhenEveryEndpointTookItAndNeverResentToOneThatDid() {
    outbox.add("evt_1");
    failing.add("http://b");

    assertThat(relay.deliverDue()).isZero();
    assertThat(outbox.rows.get("evt_1").nextAttemptAt).isEqualTo(clock.instant().plusSeconds(10));

    failing.clear();
    clock.advance(Duration.ofSeconds(10));
    assertThat(relay.deliverDue()).isEqualTo(1);
    assertThat(sent).containsExactly("http://a evt_1", "http://b evt_1", "http://b evt_1");
    assertThat(outbox.rows.get("evt_1").delivered).isTrue();
  }

  @Test
  void afterTheLastAttemptTheEventIsKeptButNotRetried() {
    outbox.add("evt_1");
    failing.add("http://a");
    for (int i = 0; i < NotificationRelay.ATTEMPTS_MAX; i++) {
      relay.deliverDue();
      clock.advance(Duration.ofHours(2));
    }
    assertThat(outbox.rows.get("evt_1").nextAttemptAt).isNull();
    assertThat(outbox.rows.get("evt_1").delivered).isFalse();
    int attempts = sent.size();
    relay.deliverDue();
    assertThat(sent).hasSize(attempts);
  }

  @Test
  void withoutEndpointsNothingIsClaimed() {
    outbox.add("evt_1");
    NotificationRelay none = new NotificationRelay(outbox, (e, n) -> null, List.of(), clock);
    assertThat(none.deliverDue()).isZero();
    assertThat(outbox.rows.get("evt_1").attempts).isZero();
  }

  @Test
  void deliveredEventsAreDeletedAfterTheRetentionAndUndeliveredOnesAreKept() {
    outbox.add("evt_old");
    outbox.add("evt_stuck");
    failing.add("http://b");
    relay.deliverDue(); // evt_old and evt_stuck both fail on b
    failing.clear();
    outbox.rows.get("evt_stuck").nextAttemptAt = null; // given up: stays undelivered
    clock.advance(Duration.ofMinutes(1));
    assertThat(relay.deliverDue()).isEqualTo(1); // evt_old delivered now
    outbox.add("evt_recent");
    clock.advance(NotificationRelay.DEFAULT_RETENTION.minusHours(1));
    assertThat(relay.deliverDue()).isEqualTo(1); // evt_recent delivered 1 h before evt_old's retention ends

    assertThat(relay.purgeDelivered()).isZero();
    clock.advance(Duration.ofHours(2));
    assertThat(relay.purgeDelivered()).isEqualTo(1);
    assertThat(outbox.rows).containsOnlyKeys("evt_stuck", "evt_recent");
  }

  static final class FakeOutbox implements Outbox {
    static final class Row {
      int attempts;
      Instant nextAttemptAt = Instant.EPOCH;
      Set<String> deliveredTo = Set.of();
      boolean delivered;
      Instant deliveredAt;
    }

    final Map<String, Row> rows = new LinkedHashMap<>();

    void add(String eventId) {
      rows.put(eventId, new Row());
    }

    @Override
    public List<PendingNotification> claimDue(Instant now, Instant leaseUntil, int limit) {
      List<PendingNotification> due = new ArrayList<>();
      rows.forEach(
          (id, row) -> {
            if (!row.delivered && row.nextAttemptAt != null && !row.nextAttemptAt.isAfter(now) && due.size() < limit) {
              row.attempts++;
              row.nextAttemptAt = leaseUntil;
              due.add(new PendingNotification(AccountId.of("a"), id, "credits.granted", "{}", row.attempts,
                  row.deliveredTo));
            }
          });
      return due;
    }

    @Override
    public void markDelivered(PendingNotification n, Set<String> deliveredTo, Instant at) {
      Row row = rows.get(n.eventId());
      row.delivered = true;
      row.deliveredAt = at;
      row.nextAttemptAt = null;
      row.deliveredTo = Set.copyOf(deliveredTo);
    }

    @Override
    public int purgeDelivered(Instant deliveredBefore, int limit) {
      List<String> old =
          rows.entrySet().stream()
              .filter(e -> e.getValue().delivered && e.getValue().deliveredAt.isBefore(deliveredBefore))
              .map(Map.Entry::getKey)
              .limit(limit)
              .toList();
      old.forEach(rows::remove);
      return old.size();
    }

    @Override
    public void retryLater(PendingNotification n, Set<String> deliveredTo, Instant nextAttemptAt, String error) {
      Row row = rows.get(n.eventId());
      row.nextAttemptAt = nextAttemptAt;
      row.deliveredTo = Set.copyOf(deliveredTo);
    }
  }
}
