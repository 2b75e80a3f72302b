package dev.obol.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.obol.faults.LedgerCheck.Ack;
import dev.obol.faults.LedgerCheck.DebitRow;
import dev.obol.faults.LedgerCheck.Entry;
import dev.obol.faults.LedgerCheck.Key;
import dev.obol.faults.LedgerCheck.Kind;
import dev.obol.faults.LedgerCheck.Request;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The failover test's checks notice a lost, a duplicated, an invented or an altered write. */
class LedgerCheckTest {

  private static final Key GRANT = new Key("a", "g-1");
  private static final Key DEBIT = new Key("a", "d-1");
  private static final Key DEBIT_2 = new Key("a", "d-2");
  private static final Key UNACKED = new Key("a", "d-3");

  private final List<Request> requested = List.of(
      new Request(GRANT, Kind.GRANT), new Request(DEBIT, Kind.DEBIT), new Request(DEBIT_2, Kind.DEBIT),
      new Request(UNACKED, Kind.DEBIT));
  private final List<Ack> acks = List.of(
      new Ack(GRANT, Kind.GRANT, "grt_1", 100), new Ack(DEBIT, Kind.DEBIT, "dbt_1", 5),
      new Ack(DEBIT_2, Kind.DEBIT, "dbt_2", 7));
  private final List<Entry> entries = List.of(
      new Entry(GRANT, "GRANT", "grt_1", 100),
      new Entry(DEBIT, "DEBIT", "dbt_1", -5),
      // one debit may burn several grants: one operation, several entries
      new Entry(DEBIT_2, "DEBIT", "dbt_2", -3),
      new Entry(DEBIT_2, "DEBIT", "dbt_2", -4));
  private final List<DebitRow> debits = List.of(new DebitRow(DEBIT, "dbt_1", 5), new DebitRow(DEBIT_2, "dbt_2", 7));

  @Test
  void aWholeLedgerPasses() {
    assertThat(LedgerCheck.check(requested, acks, entries, debits)).isEmpty();
    assertThat(LedgerCheck.balances(acks, Map.of("a", 88L), Map.of("a", 88L))).isEmpty();
  }

  @Test
  void anUnacknowledgedWriteMayBeThereOnce() {
    List<Entry> withIt = with(entries, new Entry(UNACKED, "DEBIT", "dbt_3", -5));
    List<DebitRow> debitsWithIt = with(debits, new DebitRow(UNACKED, "dbt_3", 5));
    assertThat(LedgerCheck.check(requested, acks, withIt, debitsWithIt)).isEmpty();
  }

  @Test
  void aDeletedEntryIsLost() {
    List<Entry> deleted = entries.stream().filter(e -> !e.key().equals(DEBIT)).toList();
    List<DebitRow> debitDeleted = debits.stream().filter(d -> !d.key().equals(DEBIT)).toList();
    assertThat(LedgerCheck.check(requested, acks, deleted, debitDeleted))
        .singleElement().asString().startsWith("LOST: acknowledged DEBIT a/d-1");
    assertThat(LedgerCheck.balances(acks, Map.of("a", 93L), Map.of("a", 93L))).hasSize(2);
  }

  @Test
  void aGrantLostIsNoticedToo() {
    List<Entry> deleted = entries.stream().filter(e -> !e.key().equals(GRANT)).toList();
    assertThat(LedgerCheck.check(requested, acks, deleted, debits))
        .singleElement().asString().startsWith("LOST: acknowledged GRANT a/g-1");
  }

  @Test
  void aWriteAppliedTwiceIsADuplicate() {
    List<Entry> twice = with(entries, new Entry(DEBIT, "DEBIT", "dbt_9", -5));
    List<DebitRow> debitTwice = with(debits, new DebitRow(DEBIT, "dbt_9", 5));
    assertThat(LedgerCheck.check(requested, acks, twice, debitTwice))
        .anySatisfy(p -> assertThat(p).startsWith("DUPLICATE: a/d-1 was applied 2 times"));
    List<Entry> grantTwice = with(entries, new Entry(GRANT, "GRANT", "grt_1", 100));
    assertThat(LedgerCheck.check(requested, acks, grantTwice, debits))
        .anySatisfy(p -> assertThat(p).contains("a/g-1: entries sum to 200"))
        .anySatisfy(p -> assertThat(p).contains("a grant has 2 GRANT entries"));
    List<Entry> unackedTwice = with(with(entries, new Entry(UNACKED, "DEBIT", "dbt_3", -5)),
        new Entry(UNACKED, "DEBIT", "dbt_4", -5));
    assertThat(LedgerCheck.check(requested, acks, unackedTwice, debits))
        .anySatisfy(p -> assertThat(p).startsWith("DUPLICATE: unacknowledged a/d-3"));
  }

  @Test
  void aWriteNobodySentIsNoticed() {
    Key invented = new Key("a", "d-404");
    assertThat(LedgerCheck.check(requested, acks, with(entries, new Entry(invented, "DEBIT", "dbt_x", -5)),
        with(debits, new DebitRow(invented, "dbt_x", 5))))
        .anySatisfy(p -> assertThat(p).startsWith("ledger entries for a request nobody sent: a/d-404"))
        .anySatisfy(p -> assertThat(p).startsWith("a debit for a request nobody sent"));
  }

  @Test
  void anotherOperationOrAmountThanAcknowledgedIsNoticed() {
    List<Entry> other = new ArrayList<>(entries);
    other.set(1, new Entry(DEBIT, "DEBIT", "dbt_other", -6));
    assertThat(LedgerCheck.check(requested, acks, other, debits))
        .anySatisfy(p -> assertThat(p).contains("holds operation dbt_other but Obol acknowledged dbt_1"))
        .anySatisfy(p -> assertThat(p).contains("entries sum to -6, acknowledged -5"));
  }

  @Test
  void aBalanceOffByOneIsNoticed() {
    assertThat(LedgerCheck.balances(acks, Map.of("a", 87L), Map.of("a", 88L)))
        .singleElement().asString().contains("Obol answers balance 87");
    assertThat(LedgerCheck.balances(acks, Map.of("a", 88L), Map.of()))
        .singleElement().asString().contains("ledger entries sum to null");
  }

  private static <T> List<T> with(List<T> list, T extra) {
    List<T> copy = new ArrayList<>(list);
    copy.add(extra);
    return copy;
  }
}
