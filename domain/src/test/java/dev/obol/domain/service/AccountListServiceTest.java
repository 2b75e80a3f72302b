package dev.obol.domain.service;

import static dev.obol.domain.testing.ObolAssertions.assertInvalidArgument;
import static org.assertj.core.api.Assertions.assertThat;

import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.AccountStatus;
import dev.obol.domain.model.LowBalancePolicy;
import dev.obol.domain.model.SeatFeeFormula;
import dev.obol.domain.port.AccountDirectory;
import dev.obol.domain.port.AccountDirectory.AccountFacts;
import dev.obol.domain.usecase.AccountListQuery;
import dev.obol.domain.usecase.AccountPage;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AccountListServiceTest {

  static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");

  /** In account id order, as the port promises; counts what it was asked to read. */
  static final class Directory implements AccountDirectory {
    final List<AccountFacts> all = new ArrayList<>();
    final AtomicInteger read = new AtomicInteger();

    @Override
    public List<AccountFacts> accountFacts(String after, AccountStatus status, Instant now, int limit) {
      List<AccountFacts> page =
          all.stream()
              .filter(f -> f.accountId().value().compareTo(after) > 0)
              .filter(f -> status == null || f.status() == status)
              .limit(limit)
              .toList();
      read.addAndGet(page.size());
      return page;
    }
  }

  final Directory directory = new Directory();
  final AccountListService service =
      new AccountListService(
          directory, SeatFeeFormula.defaults(), LowBalancePolicy.defaults(), Clock.fixed(NOW, ZoneOffset.UTC));

  static AccountFacts facts(String id, long seats, long eur, boolean hasEur, long tokens, boolean hasTokens) {
    return new AccountFacts(AccountId.of(id), AccountStatus.ACTIVE, seats, eur, hasEur, tokens, hasTokens, 0, null,
        false);
  }

  @Test
  void theStandingIsGetStandingsAndLowBalanceCountsTheWalletsTheAccountHas() {
    directory.all.add(facts("a", 3, 2500, true, 0, false)); // fee 900: 2 months; 2500 ≥ 2000: not low
    directory.all.add(facts("b", 0, 0, false, 50, true)); // tokens 50 < 100: low
    directory.all.add(facts("c", 0, 1999, true, 100, true)); // EUR 1999 < 2000: low
    directory.all.add(facts("d", 0, 0, false, 0, false)); // no wallet: not low
    directory.all.add(facts("e", 1, 0, false, 0, false)); // seats, never topped up: its EUR wallet is low
    List<AccountPage.Listed> listed = service.listAccounts(new AccountListQuery(null, null, null, 0, "")).accounts();
    assertThat(listed).extracting(l -> l.accountId().value()).containsExactly("a", "b", "c", "d", "e");
    assertThat(listed.get(0).standing().monthlyFeeCents()).isEqualTo(900);
    assertThat(listed.get(0).standing().monthsRemaining()).isEqualTo(2);
    assertThat(listed.get(0).standing().nextChargeAt()).isEqualTo(Instant.parse("2027-01-01T00:00:00Z"));
    assertThat(listed).extracting(AccountPage.Listed::lowBalance).containsExactly(false, true, true, false, true);
  }

  @Test
  void monthsRemainingBelowKeepsOnlyAccountsWithAFeeThatCoverFewerMonths() {
    directory.all.add(facts("a", 1, 1000, true, 0, false)); // fee 500: 2 months
    directory.all.add(facts("b", 1, 2500, true, 0, false)); // 5 months; the only one not low (2500 ≥ 2000)
    directory.all.add(facts("c", 0, 0, true, 0, false)); // no fee: never listed by this filter
    directory.all.add(facts("d", 1, 499, true, 0, false)); // 0 months
    assertThat(ids(new AccountListQuery(null, 3L, null, 0, ""))).containsExactly("a", "d");
    assertThat(ids(new AccountListQuery(null, 1L, null, 0, ""))).containsExactly("d");
    assertThat(ids(new AccountListQuery(null, 6L, false, 0, ""))).containsExactly("b");
  }

  @Test
  void pagesFollowTheTokenAndTheLastPageHasNone() {
    for (String id : List.of("a", "b", "c", "d", "e")) {
      directory.all.add(facts(id, 0, 0, false, id.equals("c") ? 500 : 10, true));
    }
    AccountPage first = service.listAccounts(new AccountListQuery(null, null, true, 2, ""));
    assertThat(first.accounts()).extracting(l -> l.accountId().value()).containsExactly("a", "b");
    AccountPage second = service.listAccounts(new AccountListQuery(null, null, true, 2, first.nextPageToken()));
    assertThat(second.accounts()).extracting(l -> l.accountId().value()).containsExactly("d", "e");
    assertThat(second.nextPageToken()).isEmpty();
  }

  @Test
  void oneCallReadsAtMostScanMaxAccountsAndSaysWhereToGoOn() {
    for (int i = 0; i < AccountListService.SCAN_MAX + 10; i++) {
      directory.all.add(facts(String.format("acct-%05d", i), 0, 0, false, 1000, true)); // none low
    }
    AccountPage page = service.listAccounts(new AccountListQuery(null, null, true, 2, ""));
    assertThat(page.accounts()).isEmpty();
    assertThat(directory.read.get()).isEqualTo(AccountListService.SCAN_MAX);
    assertThat(page.nextPageToken()).isEqualTo(AccountListQuery.tokenAfter("acct-04999"));
    AccountPage rest = service.listAccounts(new AccountListQuery(null, null, true, 2, page.nextPageToken()));
    assertThat(rest.accounts()).isEmpty();
    assertThat(rest.nextPageToken()).isEmpty();
  }

  @Test
  void badInputNamesTheField() {
    assertInvalidArgument(() -> new AccountListQuery(null, null, null, 501, ""), "page_size", "PAGE_SIZE_OUT_OF_RANGE");
    assertInvalidArgument(() -> new AccountListQuery(null, null, null, -1, ""), "page_size", "PAGE_SIZE_OUT_OF_RANGE");
    assertInvalidArgument(
        () -> new AccountListQuery(null, 0L, null, 10, ""), "months_remaining_below", "VALUE_OUT_OF_RANGE");
    assertInvalidArgument(() -> new AccountListQuery(null, null, null, 10, "%%%"), "page_token", "INVALID_PAGE_TOKEN");
    assertInvalidArgument(
        () -> new AccountListQuery(null, null, null, 10, "ZToxMjM"), "page_token", "INVALID_PAGE_TOKEN"); // "e:123"
    assertThat(new AccountListQuery(null, null, null, 0, AccountListQuery.tokenAfter("x y")).afterAccountId())
        .isEqualTo("x y");
    assertThat(new AccountListQuery(null, null, null, 0, null).effectivePageSize()).isEqualTo(50);
  }

  private List<String> ids(AccountListQuery query) {
    return service.listAccounts(query).accounts().stream().map(l -> l.accountId().value()).toList();
  }
}
