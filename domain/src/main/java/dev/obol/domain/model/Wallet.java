package dev.obol.domain.model;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The grants of one account's asset, loaded inside the account's transaction, and the changes made to them.
 *
 * <p>Every change goes through this class so that each one writes exactly one ledger entry per grant touched, with the
 * balance after it: that is what keeps <em>sum of entries' amounts = sum of grants' remaining</em>, <em>sum of entries' held changes = sum of
 * grants' held</em> and <em>balance = remaining − held</em> true. The caller
 * (a use case) persists {@link #addedGrants()}, {@link #changedGrants()} and {@link #newEntries()} in the same
 * transaction.
 *
 * <p>The balance tracked here is the sum of the loaded grants' available amounts (remaining less held). Use cases call
 * {@link #expireDue(Instant, EntryContext)} first, so from then on every loaded grant is live.
 */
public final class Wallet {

  private final AccountId accountId;
  private final Asset asset;
  private final Map<String, Grant> grants = new LinkedHashMap<>();
  private final Map<String, Grant> changed = new LinkedHashMap<>();
  private final List<Grant> added = new ArrayList<>();
  private final List<LedgerEntry> entries = new ArrayList<>();
  private long balance;

  /**
   * @param loaded the wallet's grants with something remaining, plus any others an operation needs (e.g. the grants a
   *     debit being reversed came from)
   */
  public Wallet(AccountId accountId, Asset asset, Collection<Grant> loaded) {
    this.accountId = accountId;
    this.asset = asset;
    long sum = 0;
    for (Grant grant : loaded) {
      if (!grant.accountId().equals(accountId) || grant.asset() != asset) {
        throw new IllegalArgumentException("grant " + grant.grantId() + " is not in wallet " + accountId + "/" + asset);
      }
      grants.put(grant.grantId(), grant);
      sum = Math.addExact(sum, grant.available());
    }
    this.balance = sum;
  }

  public AccountId accountId() {
    return accountId;
  }

  public Asset asset() {
    return asset;
  }

  /**
   * Sum of the available amounts (remaining less held) of the grants loaded; all live once {@link #expireDue} ran.
   */
  public long balance() {
    return balance;
  }

  /** The sum of the live grants' available amounts at {@code now}, without changing anything. */
  public long liveBalanceAt(Instant now) {
    long sum = 0;
    for (Grant grant : grants.values()) {
      if (grant.isLiveAt(now)) {
        sum = Math.addExact(sum, grant.available());
      }
    }
    return sum;
  }

  /** What open holds reserve in the loaded grants, live or expired (an expired grant's held part stays held). */
  public long held() {
    long sum = 0;
    for (Grant grant : grants.values()) {
      sum = Math.addExact(sum, grant.held());
    }
    return sum;
  }

  /**
   * Writes an EXPIRY entry for the available remainder of each grant that has expired by {@code now}. The part a hold
   * reserves does not expire with it: it stays for the hold to capture, and expires when the hold releases it.
   */
  public long expireDue(Instant now, EntryContext context) {
    long expired = 0;
    for (Grant grant : sorted()) {
      if (grant.available() > 0 && !grant.isLiveAt(now)) {
        expired += grant.available();
        apply(grant, -grant.available(), 0, EntryKind.EXPIRY, context.withReason("expired"));
      }
    }
    return expired;
  }

  /** Adds a new grant (its whole amount) and its GRANT (or ADJUSTMENT) entry. */
  public void credit(Grant grant, EntryContext context) {
    if (grants.containsKey(grant.grantId())) {
      throw new IllegalStateException("grant " + grant.grantId() + " already in the wallet");
    }
    if (grant.remaining() != grant.amount()) {
      throw new IllegalArgumentException("a new grant starts with its whole amount remaining");
    }
    // Checked before anything changes, so an overflow leaves the wallet untouched.
    addOrOverflow(balance, grant.amount());
    // Enters at zero and is credited through the same path as every other change, so it gets its entry.
    Grant empty = grant.withRemaining(0);
    grants.put(empty.grantId(), empty);
    added.add(empty);
    applyUnchecked(empty, grant.amount(), 0, grant.source().entryKind(), context);
  }

  /**
   * Takes {@code amount} from the grants live at the context's time, in burn order. The caller checks the live balance
   * first; asking for more than there is is a programming error.
   *
   * @return what was taken from each grant, in burn order
   */
  public List<Allocation> debit(long amount, EntryKind kind, EntryContext context) {
    return take(amount, false, kind, context);
  }

  /**
   * Reserves {@code amount} of the grants live at the context's time, in burn order, for a hold: HOLD entries that
   * move it from available to held. The caller checks the live balance first.
   *
   * @return what was held of each grant, in burn order: what the hold may later capture or release
   */
  public List<Allocation> hold(long amount, EntryContext context) {
    return take(amount, true, EntryKind.HOLD, context);
  }

  /** Debits {@code amount} of what a hold reserves in one grant (a CAPTURE entry): remaining and held both drop. */
  public void capture(String grantId, long amount, EntryContext context) {
    Grant grant = grant(grantId);
    if (amount <= 0 || amount > grant.held()) {
      throw new IllegalStateException("cannot capture " + amount + " of " + grant.held() + " held in " + grantId);
    }
    apply(grant, -amount, -amount, EntryKind.CAPTURE, context);
  }

  /**
   * Gives back {@code amount} that a hold reserves in one grant (a RELEASE entry): it is available again, or, if the
   * grant has expired meanwhile, expires by the next {@link #expireDue}.
   */
  public void release(String grantId, long amount, EntryContext context) {
    Grant grant = grant(grantId);
    if (amount <= 0 || amount > grant.held()) {
      throw new IllegalStateException("cannot release " + amount + " of " + grant.held() + " held in " + grantId);
    }
    apply(grant, 0, -amount, EntryKind.RELEASE, context);
  }

  private List<Allocation> take(long amount, boolean toHold, EntryKind kind, EntryContext context) {
    long live = liveBalanceAt(context.at());
    if (amount <= 0 || amount > live) {
      throw new IllegalStateException("cannot take " + amount + " from a live balance of " + live);
    }
    List<Allocation> allocations = new ArrayList<>();
    long left = amount;
    for (Grant grant : sorted()) {
      if (left == 0) {
        break;
      }
      // Expired grants are skipped even when their EXPIRY entry has not been written yet.
      if (grant.available() == 0 || !grant.isLiveAt(context.at())) {
        continue;
      }
      long take = Math.min(left, grant.available());
      if (toHold) {
        apply(grant, 0, take, kind, context);
      } else {
        apply(grant, -take, 0, kind, context);
      }
      allocations.add(new Allocation(grant.grantId(), take));
      left -= take;
    }
    if (left != 0) {
      throw new IllegalStateException("balance " + balance + " but grants could not cover " + amount);
    }
    return allocations;
  }

  /** Gives {@code amount} back to one grant (a reversal); the grant never ends above its original amount. */
  public void restore(String grantId, long amount, EntryKind kind, EntryContext context) {
    Grant grant = grant(grantId);
    if (amount <= 0 || grant.remaining() + amount > grant.amount()) {
      throw new IllegalStateException("cannot restore " + amount + " to grant " + grantId);
    }
    apply(grant, amount, 0, kind, context);
  }

  /**
   * Takes up to {@code amount} from one grant (a clawback); returns what was taken, never below zero. What a hold
   * reserves is not taken: the hold was granted against it.
   */
  public long takeFrom(String grantId, long amount, EntryKind kind, EntryContext context) {
    Grant grant = grant(grantId);
    long take = Math.min(amount, grant.available());
    if (take > 0) {
      apply(grant, -take, 0, kind, context);
    }
    return take;
  }

  /** The grant if this wallet loaded it (a grant with nothing remaining is loaded only when asked for). */
  public Optional<Grant> loaded(String grantId) {
    return Optional.ofNullable(grants.get(grantId));
  }

  public Grant grant(String grantId) {
    Grant grant = grants.get(grantId);
    if (grant == null) {
      throw new IllegalStateException("grant " + grantId + " is not loaded in wallet " + accountId + "/" + asset);
    }
    return grant;
  }

  public List<Grant> addedGrants() {
    return Collections.unmodifiableList(added);
  }

  /** Existing grants whose remaining amount changed (new grants are in {@link #addedGrants()} with their final state). */
  public Collection<Grant> changedGrants() {
    return Collections.unmodifiableCollection(changed.values());
  }

  public List<LedgerEntry> newEntries() {
    return Collections.unmodifiableList(entries);
  }

  public boolean hasChanges() {
    return !entries.isEmpty();
  }

  private List<Grant> sorted() {
    List<Grant> list = new ArrayList<>(grants.values());
    list.sort(Grant.BURN_ORDER);
    return list;
  }

  private void apply(Grant grant, long delta, long heldDelta, EntryKind kind, EntryContext context) {
    addOrOverflow(balance, delta - heldDelta);
    applyUnchecked(grant, delta, heldDelta, kind, context);
  }

  /** @param delta the change of the grant's remaining amount; {@code heldDelta} of its held part */
  private void applyUnchecked(Grant grant, long delta, long heldDelta, EntryKind kind, EntryContext context) {
    Grant updated = grant.with(Math.addExact(grant.remaining(), delta), Math.addExact(grant.held(), heldDelta));
    grants.put(updated.grantId(), updated);
    replaceAdded(updated);
    balance = Math.addExact(balance, delta - heldDelta);
    entries.add(
        new LedgerEntry(
            accountId,
            asset,
            grant.grantId(),
            kind,
            delta,
            balance,
            context.feature(),
            context.reason(),
            context.requestId(),
            context.operationId(),
            context.at(),
            heldDelta));
  }

  /** Keeps a grant added in this transaction in its latest state, and marks loaded grants as changed. */
  private void replaceAdded(Grant updated) {
    for (int i = 0; i < added.size(); i++) {
      if (added.get(i).grantId().equals(updated.grantId())) {
        added.set(i, updated);
        return;
      }
    }
    changed.put(updated.grantId(), updated);
  }

  private static long addOrOverflow(long balance, long delta) {
    try {
      return Math.addExact(balance, delta);
    } catch (ArithmeticException e) {
      throw Validate.overflow("amount");
    }
  }

  /** What one debit took from one grant. */
  public record Allocation(String grantId, long amount) {}
}
