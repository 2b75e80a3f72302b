package dev.obol.app;

import static dev.obol.app.testing.StripeEvents.fixture;
import static org.assertj.core.api.Assertions.assertThat;

import dev.obol.app.testing.ObolTestProperties;
import dev.obol.app.testing.ObolUnderTest;
import dev.obol.app.testing.StripeEvents;
import dev.obol.app.testing.StripeEvents.Delivery;
import dev.obol.app.testing.StripeEvents.Text;
import dev.obol.domain.port.LedgerAudit;
import dev.obol.domain.testing.LedgerInvariantExtension;
import dev.obol.proto.v1.Asset;
import dev.obol.proto.v1.BonusRule;
import dev.obol.proto.v1.GetBalanceRequest;
import dev.obol.proto.v1.GrantInfo;
import dev.obol.proto.v1.GrantSource;
import dev.obol.proto.v1.ListCatalogRequest;
import dev.obol.proto.v1.PaymentKind;
import dev.obol.proto.v1.WalletBalance;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Top-up and pack bonuses end to end: rules from configuration, listed by ListCatalog, granted through signed Stripe
 * events to the webhook (once, however often the event arrives), taken back in proportion by a refund.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BonusEndToEndTest implements ObolTestProperties {

  private static final String SECRET = "whsec_bonus_test_secret";
  private static final AtomicInteger COUNTER = new AtomicInteger();

  @Inject ObolUnderTest app;

  @RegisterExtension
  final LedgerInvariantExtension ledgerInvariant =
      LedgerInvariantExtension.over(() -> app.bean(LedgerAudit.class), () -> app.clock.instant());

  private String account;
  private String suffix;

  @Override
  public Map<String, Object> settings() {
    return Map.of(
        "obol.stripe.webhook-secrets", SECRET,
        "obol.payments.bonuses", "topup-50=top_up/5000/10%/365, topup-100=top_up/10000/20%/365, big-pack=token_pack/3999/50");
  }

  @BeforeEach
  void newAccount() {
    account = "bonus-" + UUID.randomUUID();
    suffix = "B" + COUNTER.incrementAndGet() + "x" + UUID.randomUUID().toString().substring(0, 8);
    app.clock.set(Instant.parse("2026-11-01T09:00:00Z"));
  }

  @Test
  void listCatalogListsTheRules() {
    assertThat(app.accounts().listCatalog(ListCatalogRequest.getDefaultInstance()).getBonusesList())
        .extracting(BonusRule::getBonus, BonusRule::getAppliesTo, BonusRule::getMinAmount, BonusRule::getPercent,
            BonusRule::getFixedAmount, BonusRule::getValidForSeconds)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("topup-50", PaymentKind.PAYMENT_KIND_TOP_UP, 5000L, 10, 0L, 365L * 86_400),
            org.assertj.core.groups.Tuple.tuple("topup-100", PaymentKind.PAYMENT_KIND_TOP_UP, 10_000L, 20, 0L, 365L * 86_400),
            org.assertj.core.groups.Tuple.tuple("big-pack", PaymentKind.PAYMENT_KIND_TOKEN_PACK, 3999L, 0, 50L, 0L));
  }

  @Test
  void aTopUpOfAHundredEurosGetsTheTwentyPercentTierOnceAndARefundOfHalfTakesHalfOfItBack() {
    Text topUp =
        event("checkout.session.completed.payment.json")
            .replace("\"kind\": \"token_pack\"", "\"kind\": \"top_up\"")
            .replace("\"amount_total\": 3999", "\"amount_total\": 10000");

    assertThat(deliver(topUp).body()).isEqualTo("GRANTED");
    assertThat(deliver(topUp).body()).isEqualTo("DUPLICATE");
    assertThat(deliver(topUp.newEventId("again")).body()).isEqualTo("ALREADY_GRANTED");

    WalletBalance eur = wallet(Asset.ASSET_EUR);
    assertThat(eur.getBalance()).isEqualTo(12_000);
    GrantInfo bonus = promo(eur);
    assertThat(bonus.getAmount()).isEqualTo(2000);
    assertThat(bonus.getExpiresAt().getSeconds())
        .isEqualTo(app.clock.instant().getEpochSecond() + 365L * 86_400);

    Text refund =
        event("charge.refunded.json")
            .replace("\"amount\": 3999", "\"amount\": 10000")
            .replace("\"amount_refunded\": 3999", "\"amount_refunded\": 5000");
    assertThat(deliver(refund).body()).isEqualTo("CLAWED_BACK");
    WalletBalance after = wallet(Asset.ASSET_EUR);
    assertThat(after.getBalance()).isEqualTo(6000);
    assertThat(promo(after).getRemaining()).isEqualTo(1000);
  }

  @Test
  void aPackAtTheThresholdGetsItsFixedBonusAndOneBelowItNone() {
    assertThat(deliver(event("checkout.session.completed.payment.json")).body()).isEqualTo("GRANTED");
    WalletBalance tokens = wallet(Asset.ASSET_TOKEN);
    assertThat(tokens.getBalance()).isEqualTo(550);
    assertThat(promo(tokens).getAmount()).isEqualTo(50);
    assertThat(promo(tokens).hasExpiresAt()).isFalse();

    account = "bonus-" + UUID.randomUUID();
    suffix = suffix + "b";
    Text cheaper = event("checkout.session.completed.payment.json").replace("\"amount_total\": 3999", "\"amount_total\": 3998");
    assertThat(deliver(cheaper).body()).isEqualTo("GRANTED");
    assertThat(wallet(Asset.ASSET_TOKEN).getGrantsList()).extracting(GrantInfo::getSource)
        .containsExactly(GrantSource.GRANT_SOURCE_PURCHASE);
  }

  private static GrantInfo promo(WalletBalance wallet) {
    return wallet.getGrantsList().stream()
        .filter(g -> g.getSource() == GrantSource.GRANT_SOURCE_PROMO)
        .findFirst()
        .orElseThrow();
  }

  private WalletBalance wallet(Asset asset) {
    return app.wallet()
        .getBalance(GetBalanceRequest.newBuilder().setAccountId(account).setAsset(asset).build())
        .getWallets(0);
  }

  private Text event(String name) {
    return fixture(name).suffixIds(suffix).account(account);
  }

  private Delivery deliver(Text event) {
    Delivery delivery =
        StripeEvents.post(app.httpPort(), event.json(), StripeEvents.signature(event.json(), SECRET, app.clock.instant()));
    assertThat(delivery.status()).as(delivery.body()).isEqualTo(200);
    return delivery;
  }
}
