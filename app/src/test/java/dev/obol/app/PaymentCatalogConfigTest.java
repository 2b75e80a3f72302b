package dev.obol.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.obol.domain.payment.BillingInterval;
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
}
