package dev.obol.persistence;

import dev.obol.domain.model.Account;
import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.AccountStatus;
import dev.obol.domain.model.Asset;
import dev.obol.domain.model.ChargePeriod;
import dev.obol.domain.model.EntryKind;
import dev.obol.domain.model.Grant;
import dev.obol.domain.model.GrantSource;
import dev.obol.domain.model.LedgerEntry;
import dev.obol.domain.model.Operation;
import dev.obol.domain.model.RecordedEntry;
import dev.obol.domain.model.RequestId;
import dev.obol.domain.model.Reservation;
import dev.obol.domain.model.SeatCharge;
import dev.obol.domain.model.SeatCount;
import dev.obol.domain.model.SeatPlan;
import dev.obol.domain.port.DebitRecord;
import dev.obol.domain.port.RequestLog.StoredRequest;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The account tables' column lists and row mappers, in one place for the locked session and the lock-free reads:
 * a column added to a table is added here once. The hand-written statements of the hot path read result sets; the
 * tables on repositories ({@link AccountTables}) read rows ({@link AccountRow}, {@link SeatPlanRow},
 * {@link SeatChargeRow}, {@link LedgerEntryRow}), mapped to the domain here too.
 */
final class AccountRows {

  private AccountRows() {}

  static final String ACCOUNT_COLUMNS = "SELECT account_id, status, created_at FROM accounts";

  static final String GRANT_COLUMNS =
      "SELECT account_id, grant_id, asset, source, amount, remaining, held, priority, expires_at, reference, reason,"
          + " created_at FROM grants";

  static final String DEBIT_COLUMNS =
      "SELECT debit_id, asset, feature, amount, metadata::text, request_id, created_at FROM debits";

  static final String REQUEST_COLUMNS = "SELECT operation, fingerprint, result::text FROM request_log";

  static Account account(ResultSet rows) throws SQLException {
    return new Account(
        AccountId.of(rows.getString("account_id")),
        AccountStatus.valueOf(rows.getString("status")),
        Jdbc.getInstant(rows, "created_at"));
  }

  static Grant grant(ResultSet rows) throws SQLException {
    return new Grant(
        rows.getString("grant_id"),
        AccountId.of(rows.getString("account_id")),
        Asset.valueOf(rows.getString("asset")),
        GrantSource.valueOf(rows.getString("source")),
        rows.getLong("amount"),
        rows.getLong("remaining"),
        rows.getLong("held"),
        rows.getInt("priority"),
        Jdbc.getInstant(rows, "expires_at"),
        rows.getString("reference"),
        rows.getString("reason"),
        Jdbc.getInstant(rows, "created_at"));
  }

  static List<Grant> grants(ResultSet rows) throws SQLException {
    List<Grant> grants = new ArrayList<>();
    while (rows.next()) {
      grants.add(grant(rows));
    }
    return grants;
  }

  static LedgerEntry entry(ResultSet rows) throws SQLException {
    return new LedgerEntry(
        AccountId.of(rows.getString("account_id")),
        Asset.valueOf(rows.getString("asset")),
        rows.getString("grant_id"),
        EntryKind.valueOf(rows.getString("kind")),
        rows.getLong("amount"),
        rows.getLong("balance_after"),
        rows.getString("feature"),
        rows.getString("reason"),
        rows.getString("request_id"),
        rows.getString("operation_id"),
        Jdbc.getInstant(rows, "created_at"),
        rows.getLong("held_change"));
  }

  /** A row of {@link #DEBIT_COLUMNS} (which leave out the account: the caller knows it). */
  static DebitRecord debit(ResultSet rows, AccountId accountId) throws SQLException {
    return new DebitRecord(
        rows.getString("debit_id"),
        accountId,
        Asset.valueOf(rows.getString("asset")),
        rows.getString("feature"),
        rows.getLong("amount"),
        JsonCodec.readMap(rows.getString("metadata")),
        RequestId.of(rows.getString("request_id")),
        Jdbc.getInstant(rows, "created_at"));
  }

  /** A row of the session's reservation columns (which leave out the account: the caller knows it). */
  static Reservation reservation(ResultSet rows, AccountId accountId) throws SQLException {
    return new Reservation(
        rows.getString("reservation_id"),
        accountId,
        Asset.valueOf(rows.getString("asset")),
        rows.getString("feature"),
        rows.getLong("amount"),
        JsonCodec.readAllocations(rows.getString("allocations")),
        Reservation.Status.valueOf(rows.getString("status")),
        Jdbc.getInstant(rows, "expires_at"),
        JsonCodec.readMap(rows.getString("metadata")),
        rows.getString("request_id"),
        Jdbc.getInstant(rows, "created_at"),
        rows.getString("debit_id"),
        rows.getLong("captured"),
        Jdbc.getInstant(rows, "closed_at"));
  }

  /** The row of {@link #REQUEST_COLUMNS}, if any; the stored answer decoded as its operation's type. */
  static Optional<StoredRequest> storedRequest(ResultSet rows) throws SQLException {
    if (!rows.next()) {
      return Optional.empty();
    }
    Operation operation = Operation.valueOf(rows.getString(1));
    return Optional.of(
        new StoredRequest(operation, rows.getString(2), JsonCodec.read(rows.getString(3), operation.resultType())));
  }

  // ---- rows of the repositories --------------------------------------------------------------------------------

  static Account account(AccountRow row) {
    return new Account(AccountId.of(row.accountId()), AccountStatus.valueOf(row.status()), row.createdAt());
  }

  static SeatPlan seatPlan(SeatPlanRow row) {
    String notifiedIn = row.lowBalanceNotifiedIn();
    return new SeatPlan(
        SeatCount.of(row.seatCount()),
        row.lowBalanceAlerted(),
        notifiedIn == null ? null : ChargePeriod.parse(notifiedIn),
        row.statusReason());
  }

  static SeatCharge seatCharge(SeatChargeRow row) {
    return new SeatCharge(
        AccountId.of(row.accountId()),
        ChargePeriod.parse(row.period()),
        row.chargeId(),
        SeatCount.of(row.seatCount()),
        row.fee(),
        SeatCharge.Outcome.valueOf(row.outcome()),
        row.chargedAt(),
        row.paidAt());
  }

  static RecordedEntry recordedEntry(LedgerEntryRow row) {
    LedgerEntry entry =
        new LedgerEntry(
            AccountId.of(row.accountId()),
            Asset.valueOf(row.asset()),
            row.grantId(),
            EntryKind.valueOf(row.kind()),
            row.amount(),
            row.balanceAfter(),
            row.feature(),
            row.reason(),
            row.requestId(),
            row.operationId(),
            row.createdAt(),
            row.heldChange());
    return new RecordedEntry(row.entryId(), entry, row.keyId());
  }
}
