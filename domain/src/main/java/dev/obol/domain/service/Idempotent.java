package dev.obol.domain.service;

import dev.obol.domain.error.FailedPreconditionException;
import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.Operation;
import dev.obol.domain.model.RequestId;
import dev.obol.domain.port.AccountSession;
import dev.obol.domain.port.AccountStore;
import dev.obol.domain.port.AccountStore.LockMode;
import dev.obol.domain.port.AccountStore.Prefetch;
import dev.obol.domain.port.RequestLog;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The one path of every idempotent write (AIP-155), inside the account's transaction and lock: a request id already
 * answered gets its first answer back unchanged; the same id with another payload (or for another operation) is
 * refused with REQUEST_ID_CONFLICT; a new request runs and its answer is stored with it.
 *
 * <p>Only an answer of the operation's {@link Operation#resultType() stored type} is kept. Another answer (a denied
 * debit) is a normal result that is not remembered: a retry is decided afresh, so it can succeed after a top-up. An
 * exception stores nothing either (the transaction rolls back).
 */
final class Idempotent {

  private Idempotent() {}

  /** What makes a write idempotent: its key, what it is, and a digest of its payload. */
  record Request(RequestId requestId, Operation operation, String fingerprint, Instant now) {}

  /**
   * An idempotent write on one account: its transaction and lock, the replay or conflict check, the work, and the
   * stored answer, in one call (the shape of every write but the monthly run, which checks the account first).
   *
   * @param prefetch what the store may read with the lock (null: nothing)
   */
  static <T> T write(
      AccountStore store,
      AccountId accountId,
      LockMode mode,
      Prefetch prefetch,
      Request request,
      Function<AccountSession, ? extends T> work) {
    return store.inTransaction(
        accountId,
        mode,
        prefetch,
        AfterCommit.carried(
            session ->
                run(
                    session,
                    request.requestId(),
                    request.operation(),
                    request.fingerprint(),
                    request.now(),
                    () -> work.apply(session))));
  }

  static <T> T run(
      RequestLog log,
      RequestId requestId,
      Operation operation,
      String fingerprint,
      Instant now,
      Supplier<? extends T> work) {
    // Each attempt of the transaction runs this again: facts of a rolled back attempt must not be told.
    AfterCommit.attempt();
    Optional<Object> first = replay(log, requestId, operation, fingerprint);
    if (first.isPresent()) {
      @SuppressWarnings("unchecked") // the operation's stored type is a T: each use case asks for its own operation
      T answer = (T) first.get();
      return answer;
    }
    T answer = work.get();
    if (operation.resultType().isInstance(answer)) {
      log.saveRequest(requestId, operation, fingerprint, answer, now);
    }
    return answer;
  }

  private static Optional<Object> replay(
      RequestLog log, RequestId requestId, Operation operation, String fingerprint) {
    return log.findRequest(requestId)
        .map(
            stored -> {
              if (stored.operation() != operation || !stored.fingerprint().equals(fingerprint)) {
                throw FailedPreconditionException.requestIdConflict(requestId.value());
              }
              return operation.resultType().cast(stored.result());
            });
  }
}
