package dev.obol.domain.service;

import dev.obol.domain.error.InvalidArgumentException;
import dev.obol.domain.model.EntryContext;
import dev.obol.domain.model.Grant;
import dev.obol.domain.model.Wallet;
import dev.obol.domain.usecase.GrantCommand;
import dev.obol.domain.usecase.GrantReceipt;
import dev.obol.domain.port.AccountSession;
import dev.obol.domain.port.IdGenerator;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;

/**
 * Adds a grant to a wallet inside an already open, locked account transaction. Every credit takes this one path (the
 * Grant RPC, Stripe purchases and top-ups, quota periods), so what must follow a credit, such as collecting an owed
 * seat fee, happens whatever the credit's origin. The caller owns the transaction and the idempotency record.
 */
public final class GrantWriter {

  /**
   * Runs after the grant is credited and before the wallet is saved, in the same transaction. A hook may change the
   * wallet further (each change writes its own ledger entry); the receipt then reports the balance after the hooks.
   */
  public interface AfterCredit {
    void afterCredit(AccountSession session, Wallet wallet, Grant grant, Instant now);
  }

  private final IdGenerator ids;
  private final List<AfterCredit> hooks;

  public GrantWriter(IdGenerator ids, List<AfterCredit> hooks) {
    this.ids = ids;
    this.hooks = List.copyOf(hooks);
  }

  public GrantWriter(IdGenerator ids) {
    this(ids, List.of());
  }

  /** The ids its grants get: the event-driven use cases built around it use the same. */
  IdGenerator ids() {
    return ids;
  }

  /**
   * Rejects an expiry that is not in the future, compared at the stored precision: an expiry within the current
   * microsecond would be stored as already expired. Call before opening the transaction.
   */
  public static Instant checkedExpiry(Instant expiresAt, Instant now) {
    Instant stored = expiresAt == null ? null : expiresAt.truncatedTo(ChronoUnit.MICROS);
    if (stored != null && !stored.isAfter(now)) {
      throw new InvalidArgumentException("expires_at", "EXPIRES_IN_PAST", "expires_at must be in the future");
    }
    return stored;
  }

  /** Credits the grant, runs the hooks and saves the wallet; the session must hold the command's account. */
  public GrantReceipt write(AccountSession session, GrantCommand command, Instant now) {
    Instant expiresAt = checkedExpiry(command.expiresAt(), now);
    String grantId = ids.newId("grt");
    Grant grant =
        new Grant(
            grantId,
            command.accountId(),
            command.asset(),
            command.source(),
            command.amount(),
            command.amount(),
            command.effectivePriority(),
            expiresAt,
            command.reference(),
            command.reason(),
            now);
    Wallet wallet = session.loadWallet(command.asset(), Set.of());
    EntryContext context = new EntryContext(null, command.reason(), command.requestId().value(), grantId, now);
    // Expiries swept along belong to no operation (see WalletService#expiryContext).
    wallet.expireDue(now, EntryContext.of(command.requestId().value(), null, now));
    wallet.credit(grant, context);
    for (AfterCredit hook : hooks) {
      hook.afterCredit(session, wallet, grant, now);
    }
    session.save(wallet);
    // Told after the caller's transaction commits (AfterCommit), whichever use case owns it.
    AfterCommit.record(
        activity ->
            activity.granted(
                command.accountId(), command.asset(), command.source(), command.amount(), command.reason(), grantId,
                command.requestId().value()));
    return new GrantReceipt(grantId, wallet.balance());
  }
}
