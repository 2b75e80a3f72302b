package dev.obol.faults;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What the failover test asks of the ledger, as a pure function of what the clients sent, what Obol acknowledged and
 * the rows the surviving database holds: every acknowledged write is there exactly once, with the identity and amount
 * Obol answered; nothing is there that nobody asked for; an unacknowledged write is there at most once.
 *
 * <p>Each problem is one line of text; no problems means the ledger is whole.
 */
final class LedgerCheck {

  enum Kind { GRANT, DEBIT }

  /** Request ids are per account (the idempotency key is the pair). */
  record Key(String account, String requestId) {
    @Override
    public String toString() {
      return account + "/" + requestId;
    }
  }

  /** A write a client sent (at least once). */
  record Request(Key key, Kind kind) {}

  /**
   * A write Obol answered OK.
   *
   * @param operationId the grant id or debit id of the answer
   * @param amount what was granted or debited (positive)
   */
  record Ack(Key key, Kind kind, String operationId, long amount) {}

  /** A {@code ledger_entries} row: {@code kind} as stored (GRANT, DEBIT, …), {@code amount} signed. */
  record Entry(Key key, String kind, String operationId, long amount) {}

  /** A {@code debits} row. */
  record DebitRow(Key key, String debitId, long amount) {}

  private static final int SHOWN_MAX = 20;

  private LedgerCheck() {}

  static List<String> check(
      Collection<Request> requested, Collection<Ack> acknowledged, Collection<Entry> entries,
      Collection<DebitRow> debits) {
    List<String> problems = new ArrayList<>();
    Map<Key, Kind> sent = new HashMap<>();
    requested.forEach(request -> sent.put(request.key(), request.kind()));
    acknowledged.forEach(ack -> sent.putIfAbsent(ack.key(), ack.kind()));
    Map<Key, List<Entry>> entriesByKey = entries.stream().collect(Collectors.groupingBy(Entry::key));
    Map<Key, List<DebitRow>> debitsByKey = debits.stream().collect(Collectors.groupingBy(DebitRow::key));

    for (Key key : entriesByKey.keySet().stream().sorted(Comparator.comparing(Key::toString)).toList()) {
      if (!sent.containsKey(key)) {
        problems.add("ledger entries for a request nobody sent: " + key + " " + entriesByKey.get(key));
      }
    }
    for (Key key : debitsByKey.keySet()) {
      if (sent.get(key) != Kind.DEBIT) {
        problems.add("a debit for a request nobody sent as a debit: " + key + " " + debitsByKey.get(key));
      }
    }

    Set<Key> acked = new HashSet<>();
    for (Ack ack : acknowledged) {
      if (!acked.add(ack.key())) {
        problems.add("acknowledged twice by the clients' own records (test bug): " + ack.key());
        continue;
      }
      List<Entry> found = entriesByKey.getOrDefault(ack.key(), List.of());
      if (found.isEmpty()) {
        problems.add("LOST: acknowledged " + ack.kind() + " " + ack.key() + " (" + ack.operationId()
            + ", " + ack.amount() + ") has no ledger entry");
        continue;
      }
      Set<String> operations = found.stream().map(Entry::operationId).collect(Collectors.toSet());
      if (operations.size() > 1) {
        problems.add("DUPLICATE: " + ack.key() + " was applied " + operations.size() + " times: " + operations);
        continue;
      }
      String operation = operations.iterator().next();
      if (!operation.equals(ack.operationId())) {
        problems.add(ack.key() + ": the ledger holds operation " + operation + " but Obol acknowledged "
            + ack.operationId());
      }
      if (found.stream().anyMatch(entry -> !entry.kind().equals(ack.kind().name()))) {
        problems.add(ack.key() + ": entries of another kind than " + ack.kind() + ": " + found);
      }
      long sum = found.stream().mapToLong(Entry::amount).sum();
      long expected = ack.kind() == Kind.GRANT ? ack.amount() : -ack.amount();
      if (sum != expected) {
        problems.add(ack.key() + ": entries sum to " + sum + ", acknowledged " + expected);
      }
      if (ack.kind() == Kind.GRANT && found.size() != 1) {
        problems.add(ack.key() + ": a grant has " + found.size() + " GRANT entries");
      }
      if (ack.kind() == Kind.DEBIT) {
        List<DebitRow> rows = debitsByKey.getOrDefault(ack.key(), List.of());
        if (rows.size() != 1) {
          problems.add(ack.key() + ": " + rows.size() + " debits rows for one acknowledged debit");
        } else if (!rows.get(0).debitId().equals(ack.operationId()) || rows.get(0).amount() != ack.amount()) {
          problems.add(ack.key() + ": debits row " + rows.get(0) + " differs from the answer " + ack);
        }
      }
    }

    for (Map.Entry<Key, Kind> request : sent.entrySet()) {
      if (acked.contains(request.getKey())) {
        continue;
      }
      long operations = entriesByKey.getOrDefault(request.getKey(), List.of()).stream()
          .map(Entry::operationId).distinct().count();
      if (operations > 1) {
        problems.add("DUPLICATE: unacknowledged " + request.getKey() + " was applied " + operations + " times");
      }
    }
    return shorten(problems);
  }

  /**
   * Each account's balance as Obol answers it and as the ledger sums it, against what was acknowledged: grants
   * minus debits.
   */
  static List<String> balances(
      Collection<Ack> acknowledged, Map<String, Long> answered, Map<String, Long> ledgerSums) {
    Map<String, Long> expected = new TreeMap<>();
    for (Ack ack : acknowledged) {
      expected.merge(ack.key().account(), ack.kind() == Kind.GRANT ? ack.amount() : -ack.amount(), Long::sum);
    }
    List<String> problems = new ArrayList<>();
    Set<String> accounts = new HashSet<>(expected.keySet());
    accounts.addAll(answered.keySet());
    accounts.addAll(ledgerSums.keySet());
    for (String account : accounts.stream().sorted().toList()) {
      long want = expected.getOrDefault(account, 0L);
      Long got = answered.get(account);
      Long sum = ledgerSums.get(account);
      if (got == null || got != want) {
        problems.add(account + ": Obol answers balance " + got + ", acknowledged grants minus debits are " + want);
      }
      if (sum == null || sum != want) {
        problems.add(account + ": ledger entries sum to " + sum + ", acknowledged grants minus debits are " + want);
      }
    }
    return shorten(problems);
  }

  private static List<String> shorten(List<String> problems) {
    if (problems.size() <= SHOWN_MAX) {
      return problems;
    }
    List<String> shown = new ArrayList<>(problems.subList(0, SHOWN_MAX));
    shown.add("… and " + (problems.size() - SHOWN_MAX) + " more");
    return shown;
  }
}
