package dev.obol.domain.port.out;

import dev.obol.domain.model.Account;
import dev.obol.domain.model.AccountStatus;
import dev.obol.domain.model.Asset;
import dev.obol.domain.model.ChargePeriod;
import dev.obol.domain.model.Notification;
import dev.obol.domain.model.Operation;
import dev.obol.domain.model.RequestId;
import dev.obol.domain.model.SeatCharge;
import dev.obol.domain.model.SeatPlan;
import dev.obol.domain.model.Wallet;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The reads and writes of one locked account inside one transaction. */
public interface AccountSession {

  Optional<Account> account();

  /** The first answer stored for this request id on this account, if any. */
  Optional<StoredRequest> findRequest(RequestId requestId);

  void saveRequest(RequestId requestId, Operation operation, String fingerprint, Object result, Instant at);

  /**
   * The wallet with every grant that has something remaining (expired or not) plus the grants named in
   * {@code alsoGrantIds}.
   */
  Wallet loadWallet(Asset asset, Collection<String> alsoGrantIds);

  /** Persists the wallet's new grants, changed grants and new ledger entries. */
  void save(Wallet wallet);

  void saveDebit(DebitRecord debit);

  Optional<DebitRecord> findDebit(String debitId);

  /** Per grant, what the debit took and has not been reversed yet. */
  Map<String, Long> reversibleByGrant(String debitId);

  record StoredRequest(Operation operation, String fingerprint, Object result) {}

  // ---- seat fees and standing

  /** The account's seat plan; {@link SeatPlan#NONE} when it never had one. */
  SeatPlan seatPlan();

  void saveSeatPlan(SeatPlan plan);

  /** Changes the locked account's status; {@link #account()} reflects it at once. */
  void setStatus(AccountStatus status);

  Optional<SeatCharge> findSeatCharge(ChargePeriod period);

  /** The charge of the latest period charged, paid or owed. */
  Optional<SeatCharge> lastSeatCharge();

  /** Charges not paid yet, oldest period first. */
  List<SeatCharge> owedSeatCharges();

  /** Inserts a new charge; a second charge for the same period is refused (primary key). */
  void saveSeatCharge(SeatCharge charge);

  /** Records that an owed charge was collected. */
  void markSeatChargePaid(ChargePeriod period, Instant paidAt);

  /** Adds an event to the outbox, committed (or not) with everything else in this transaction. */
  void publish(Notification notification);
}
