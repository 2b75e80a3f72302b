package dev.obol.domain.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.obol.domain.model.EntryKind;
import dev.obol.domain.model.GrantSource;
import dev.obol.domain.port.UsageReader.KindTotal;
import dev.obol.domain.usecase.UsageSummary;
import java.util.List;
import org.junit.jupiter.api.Test;

class UsageServiceTest {

  @Test
  void totalsArePositiveAndGrantsAreBySourceInTheEnumsOrder() {
    UsageSummary.Totals totals =
        UsageService.totals(
            List.of(
                new KindTotal(EntryKind.GRANT, GrantSource.TOP_UP, 700),
                new KindTotal(EntryKind.ADJUSTMENT, GrantSource.ADJUSTMENT, 5),
                new KindTotal(EntryKind.GRANT, GrantSource.PURCHASE, 200),
                new KindTotal(EntryKind.DEBIT, GrantSource.PURCHASE, -150),
                new KindTotal(EntryKind.DEBIT, GrantSource.TOP_UP, -100),
                new KindTotal(EntryKind.REVERSAL, GrantSource.TOP_UP, 20),
                new KindTotal(EntryKind.EXPIRY, GrantSource.PURCHASE, -30),
                new KindTotal(EntryKind.CLAWBACK, GrantSource.TOP_UP, -400),
                new KindTotal(EntryKind.FEE, GrantSource.TOP_UP, -90),
                new KindTotal(EntryKind.CAPTURE, GrantSource.TOP_UP, -25),
                new KindTotal(EntryKind.HOLD, GrantSource.TOP_UP, 0),
                new KindTotal(EntryKind.RELEASE, GrantSource.TOP_UP, 0)),
            60);
    assertThat(totals.granted())
        .containsExactly(
            entry(GrantSource.PURCHASE, 200L), entry(GrantSource.TOP_UP, 700L), entry(GrantSource.ADJUSTMENT, 5L));
    assertThat(totals.debited()).isEqualTo(275); // debits and a capture
    assertThat(totals.reversed()).isEqualTo(20);
    assertThat(totals.expired()).isEqualTo(30);
    assertThat(totals.clawedBack()).isEqualTo(400);
    assertThat(totals.fees()).isEqualTo(90);
    assertThat(totals.held()).isEqualTo(60);
  }

  @Test
  void nothingIsAllZero() {
    assertThat(UsageService.totals(List.of(), 0)).isEqualTo(UsageSummary.Totals.ZERO);
  }
}
