package dev.obol.domain.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.obol.domain.error.InvalidArgumentException;
import dev.obol.domain.model.UsageGrouping;
import dev.obol.domain.payment.PaymentKind;
import dev.obol.domain.port.SalesReader;
import dev.obol.domain.usecase.SalesQuery;
import dev.obol.domain.usecase.SalesSummary;
import dev.obol.domain.usecase.SalesSummary.FeatureSales;
import dev.obol.domain.usecase.SalesSummary.PackSales;
import dev.obol.domain.usecase.SalesSummary.Period;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SalesServiceTest {

  private static final Instant FROM = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant TO = Instant.parse("2027-01-01T00:00:00Z");

  /** Answers per month, or for the whole window (grouping null): what a database would aggregate. */
  private final SalesReader reader =
      new SalesReader() {
        @Override
        public List<PaymentGroup> payments(Instant from, Instant to, UsageGrouping grouping) {
          return List.of(
                  new PaymentGroup("2026-11", PaymentKind.TOKEN_PACK, "standard", 2, 7998),
                  new PaymentGroup("2026-11", PaymentKind.SUBSCRIPTION_INVOICE, NEW_SUBSCRIPTION, 1, 990),
                  new PaymentGroup("2026-12", PaymentKind.TOKEN_PACK, "standard", 1, 3999),
                  new PaymentGroup("2026-12", PaymentKind.TOKEN_PACK, "basic", 1, 999),
                  new PaymentGroup("2026-12", PaymentKind.TOP_UP, null, 2, 7000),
                  new PaymentGroup("2026-12", PaymentKind.SUBSCRIPTION_INVOICE, RENEWED_SUBSCRIPTION, 1, 990));
        }

        @Override
        public Map<String, Long> payingAccounts(Instant from, Instant to, UsageGrouping grouping) {
          return grouping == null ? Map.of("", 3L) : Map.of("2026-11", 2L, "2026-12", 3L);
        }

        @Override
        public List<ReversalGroup> reversals(Instant from, Instant to, UsageGrouping grouping) {
          return List.of(new ReversalGroup("2026-12", false, 1, 1000), new ReversalGroup("2026-12", true, 1, 3999));
        }

        @Override
        public Map<String, Long> activeSubscribers(Instant from, Instant to, UsageGrouping grouping) {
          return grouping == null ? Map.of("", 1L) : Map.of("2026-10", 0L, "2026-11", 1L, "2026-12", 1L);
        }

        @Override
        public List<FeatureGroup> features(Instant from, Instant to, UsageGrouping grouping) {
          List<FeatureGroup> rows = new ArrayList<>();
          for (int i = 0; i < 12; i++) {
            rows.add(new FeatureGroup("2026-12", "f" + (char) ('a' + i), 1, 10 + i));
          }
          return rows;
        }
      };

  private final SalesService service = new SalesService(reader);

  @Test
  void periodsAreOnlyThoseWithActivityInKeyOrderAndTheTotalsAreTheWholeWindow() {
    SalesSummary summary = service.salesSummary(new SalesQuery(FROM, TO, UsageGrouping.MONTH));

    assertThat(summary.periods()).extracting(Period::key).containsExactly("2026-11", "2026-12");
    Period december = summary.periods().get(1);
    assertThat(december.packs())
        .containsExactly(new PackSales("basic", 1, 999), new PackSales("standard", 1, 3999));
    assertThat(december.topUpCount()).isEqualTo(2);
    assertThat(december.newSubscriptions()).isZero();
    assertThat(december.renewedSubscriptions()).isEqualTo(1);
    assertThat(december.revenue())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(PaymentKind.TOKEN_PACK, 4998L, PaymentKind.TOP_UP, 7000L, PaymentKind.SUBSCRIPTION_INVOICE, 990L));
    assertThat(december.revenueCents()).isEqualTo(12_988);
    assertThat(december.paymentCount()).isEqualTo(5);
    assertThat(december.averageBasketCents()).isEqualTo(2597);
    assertThat(december.refundCount()).isEqualTo(1);
    assertThat(december.refundedCents()).isEqualTo(1000);
    assertThat(december.disputeCount()).isEqualTo(1);
    assertThat(december.disputedCents()).isEqualTo(3999);
    assertThat(december.activeSubscribers()).isEqualTo(1);
    assertThat(december.payingAccounts()).isEqualTo(3);
    assertThat(december.topFeatures()).hasSize(10);
    assertThat(december.topFeatures().get(0)).isEqualTo(new FeatureSales("fl", 1, 21));

    Period november = summary.periods().get(0);
    assertThat(november.revenue()).doesNotContainKey(PaymentKind.TOP_UP);
    assertThat(november.newSubscriptions()).isEqualTo(1);
    assertThat(november.topFeatures()).isEmpty();

    assertThat(summary.totals().key()).isEmpty();
    assertThat(summary.totals().payingAccounts()).isEqualTo(3); // distinct over the window, not 2 + 3
    assertThat(summary.totals().revenueCents()).isEqualTo(21_976);
  }

  @Test
  void aQueryMustBeAWindowOfAtMostAYearGroupedByDayOrMonth() {
    Throwable feature = catchThrowable(() -> new SalesQuery(FROM, TO, UsageGrouping.FEATURE));
    assertThat(((InvalidArgumentException) feature).reason()).isEqualTo("UNKNOWN_ENUM_VALUE");
    Throwable backwards = catchThrowable(() -> new SalesQuery(TO, FROM, UsageGrouping.DAY));
    assertThat(((InvalidArgumentException) backwards).reason()).isEqualTo("INVALID_TIME_RANGE");
    Throwable tooLong =
        catchThrowable(() -> new SalesQuery(FROM, TO.plusSeconds(86_401), UsageGrouping.DAY));
    assertThat(((InvalidArgumentException) tooLong).reason()).isEqualTo("TIME_RANGE_TOO_LONG");
    Throwable missing = catchThrowable(() -> new SalesQuery(FROM, TO, null));
    assertThat(((InvalidArgumentException) missing).reason()).isEqualTo("MISSING_FIELD");
  }
}
