package dev.obol.domain.testing;

import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.Asset;
import dev.obol.domain.model.Grant;
import dev.obol.domain.model.GrantSource;
import java.time.Instant;

/**
 * Test data for {@link Grant}s: {@code aGrant("g1").amount(100).remaining(40).expiresAt(t).build()}. Defaults: account
 * {@code acc-1}, TOKEN, PURCHASE, 100 with all of it remaining, the source's default priority, no expiry, created at
 * {@link #CREATED_AT}.
 */
public final class GrantBuilder {

  public static final AccountId ACCOUNT = AccountId.of("acc-1");
  public static final Instant CREATED_AT = Instant.parse("2025-01-01T00:00:00Z");

  private final String grantId;
  private AccountId accountId = ACCOUNT;
  private Asset asset = Asset.TOKEN;
  private GrantSource source = GrantSource.PURCHASE;
  private long amount = 100;
  private Long remaining;
  private Integer priority;
  private Instant expiresAt;
  private String reference;
  private String reason;
  private Instant createdAt = CREATED_AT;

  private GrantBuilder(String grantId) {
    this.grantId = grantId;
  }

  public static GrantBuilder aGrant(String grantId) {
    return new GrantBuilder(grantId);
  }

  public GrantBuilder account(AccountId newAccountId) {
    this.accountId = newAccountId;
    return this;
  }

  public GrantBuilder asset(Asset newAsset) {
    this.asset = newAsset;
    return this;
  }

  public GrantBuilder source(GrantSource newSource) {
    this.source = newSource;
    return this;
  }

  /** The original amount; all of it remains unless {@link #remaining} says otherwise. */
  public GrantBuilder amount(long newAmount) {
    this.amount = newAmount;
    return this;
  }

  public GrantBuilder remaining(long newRemaining) {
    this.remaining = newRemaining;
    return this;
  }

  public GrantBuilder priority(int newPriority) {
    this.priority = newPriority;
    return this;
  }

  public GrantBuilder expiresAt(Instant newExpiresAt) {
    this.expiresAt = newExpiresAt;
    return this;
  }

  public GrantBuilder reference(String newReference) {
    this.reference = newReference;
    return this;
  }

  public GrantBuilder reason(String newReason) {
    this.reason = newReason;
    return this;
  }

  public GrantBuilder createdAt(Instant newCreatedAt) {
    this.createdAt = newCreatedAt;
    return this;
  }

  public Grant build() {
    return new Grant(
        grantId,
        accountId,
        asset,
        source,
        amount,
        remaining != null ? remaining : amount,
        priority != null ? priority : source.defaultPriority(),
        expiresAt,
        reference,
        reason,
        createdAt);
  }
}
