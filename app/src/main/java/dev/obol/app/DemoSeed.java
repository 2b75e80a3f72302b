package dev.obol.app;

import dev.obol.domain.error.NotFoundException;
import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.Asset;
import dev.obol.domain.model.GrantSource;
import dev.obol.domain.model.RequestId;
import dev.obol.domain.usecase.GrantCommand;
import dev.obol.domain.usecase.WalletUseCases;
import io.micronaut.context.annotation.Property;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On the embedded default database, an account {@code demo} with 1,000 tokens so a newcomer can debit at once. Seeded
 * through the normal Grant with a fixed request id, so restarts never grant it twice.
 */
@Singleton
public class DemoSeed {

  static final AccountId DEMO = AccountId.of("demo");
  static final long DEMO_TOKENS = 1_000;
  private static final Logger LOG = LoggerFactory.getLogger(DemoSeed.class);

  private final DatabaseLocation location;
  private final WalletUseCases wallets;
  private final boolean enabled;

  public DemoSeed(
      DatabaseLocation location,
      WalletUseCases wallets,
      @Property(name = "obol.demo.seed", defaultValue = "true") boolean enabled) {
    this.location = location;
    this.wallets = wallets;
    this.enabled = enabled;
  }

  @EventListener
  void onStartup(StartupEvent event) {
    if (!enabled || !location.isEmbedded()) {
      return;
    }
    // The account comes into being with the seed's grant: if it is there, this start grants nothing (the grant below
    // is a replay of the first), and saying "seeded" on every restart would be untrue.
    boolean seededBefore = exists(DEMO);
    var receipt =
        wallets.grant(
            GrantCommand.of(
                DEMO, Asset.TOKEN, DEMO_TOKENS, GrantSource.PROMO, "demo seed", RequestId.of("obol-demo-seed-v1")));
    if (seededBefore) {
      LOG.debug("Demo account '{}' already seeded (grant {})", DEMO, receipt.grantId());
    } else {
      LOG.info("Demo account '{}' seeded with {} tokens (granted once, grant {})", DEMO, DEMO_TOKENS, receipt.grantId());
    }
  }

  private boolean exists(AccountId account) {
    try {
      wallets.balances(account, Asset.TOKEN);
      return true;
    } catch (NotFoundException absent) {
      return false;
    }
  }
}
