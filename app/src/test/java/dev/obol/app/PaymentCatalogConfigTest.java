package dev.obol.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.obol.domain.payment.BillingInterval;
import dev.obol.domain.payment.BonusRule;
import dev.obol.domain.payment.PaymentKind;
import java.time.Duration;
import dev.obol.domain.payment.Pack;
import dev.obol.domain.payment.PaymentCatalog;
import dev.obol.domain.payment.Plan;
import org.junit.jupiter.api.Test;

class PaymentCatalogConfigTest {

  @Test
  void parsesPacksAndPlansWithOptionalStripePriceIds() {
    PaymentCatalog catalog =
        PaymentCatalogConfig.parse(
            "basic=100/999, premium = 1000/6999/price_premium",
            "monthly=month/990/3000/0,yearly=year/9900/3000/250/price_yearly",
            2000,
            50000);

    assertThat(catalog.packs())
        .containsExactly(
            new Pack("basic", 100, 999, "eur", null), new Pack("premium", 1000, 6999, "eur", "price_premium"));
    assertThat(catalog.plans())
        .containsExactly(
            new Plan("monthly", 990, "eur", BillingInterval.MONTH, 3000, 0, null),
            new Plan("yearly", 9900, "eur", BillingInterval.YEAR, 3000, 250, "price_yearly"));
    assertThat(catalog.topUpMaxCents()).isEqualTo(50000);
  }

  @Test
  void theShippedDefaultsAreTheSeedsCatalog() {
    PaymentCatalog parsed =
        PaymentCatalogConfig.parse(
            "basic=100/999,standard=500/3999,premium=1000/6999,enterprise=5000/29999,credits-100=100/1900,"
                + "credits-500=500/7900,credits-1000=1000/13900",
            "monthly=month/990/3000/0,yearly=year/9900/3000/0",
            2000,
            100000);
    assertThat(parsed.packs()).isEqualTo(PaymentCatalog.defaultPacks());
    assertThat(parsed.plans()).isEqualTo(PaymentCatalog.defaultPlans());
  }

  @Test
  void malformedEntriesFailAtStartup() {
    assertThatThrownBy(() -> PaymentCatalogConfig.parse("basic", "", 2000, 3000))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PaymentCatalogConfig.parse("basic=100", "", 2000, 3000))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PaymentCatalogConfig.parse("", "monthly=week/990/3000/0", 2000, 3000))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PaymentCatalogConfig.parse("basic=100/999,basic=5/5", "", 2000, 3000))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PaymentCatalogConfig.parse("", "", 3000, 2000))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void parsesBonusRulesAndRefusesMalformedOnes() {
    assertThat(PaymentCatalogConfig.bonuses("topup-50=top_up/5000/10%/365, pack=token_pack/6999/100"))
        .containsExactly(
            new BonusRule("topup-50", PaymentKind.TOP_UP, 5000, 10, 0, Duration.ofDays(365)),
            new BonusRule("pack", PaymentKind.TOKEN_PACK, 6999, 0, 100, null));
    assertThat(PaymentCatalogConfig.bonuses("")).isEmpty();
    assertThatThrownBy(() -> PaymentCatalogConfig.bonuses("x=subscription/5000/10%"))
        .hasMessageContaining("top_up or token_pack");
    assertThatThrownBy(() -> PaymentCatalogConfig.bonuses("x=top_up/5000")).hasMessageContaining("expected");
    assertThatThrownBy(() -> PaymentCatalogConfig.bonuses("x=top_up/5000/1001%")).hasMessageContaining("at most");
    assertThatThrownBy(
            () -> PaymentCatalogConfig.parse("basic=100/999", "", 2000, 5000, "x=top_up/5000/10%,x=top_up/9000/20%"))
        .hasMessageContaining("listed twice");
  }
}
