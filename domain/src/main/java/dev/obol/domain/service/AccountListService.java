package dev.obol.domain.service;

import dev.obol.domain.model.Asset;
import dev.obol.domain.model.LowBalancePolicy;
import dev.obol.domain.model.SeatFeeFormula;
import dev.obol.domain.port.AccountDirectory;
import dev.obol.domain.port.AccountDirectory.AccountFacts;
import dev.obol.domain.usecase.AccountListQuery;
import dev.obol.domain.usecase.AccountListUseCases;
import dev.obol.domain.usecase.AccountPage;
import dev.obol.domain.usecase.Standing;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Lists accounts in account id order with their standing ({@link Standing#of}, as GetStanding computes it). The
 * months-remaining and low-balance filters are applied here, on batches read in order; one call reads at most
 * {@link #SCAN_MAX} accounts, so a page may come back short (even empty) with a token to go on from.
 */
public final class AccountListService implements AccountListUseCases {

  static final int BATCH_SIZE = 500;
  static final int SCAN_MAX = 5_000;

  private final AccountDirectory directory;
  private final SeatFeeFormula formula;
  private final LowBalancePolicy lowBalance;
  private final Clock clock;

  public AccountListService(
      AccountDirectory directory, SeatFeeFormula formula, LowBalancePolicy lowBalance, Clock clock) {
    this.directory = directory;
    this.formula = formula;
    this.lowBalance = lowBalance;
    this.clock = clock;
  }

  @Override
  public AccountPage listAccounts(AccountListQuery query) {
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    int size = query.effectivePageSize();
    int batchSize = query.filtersBeyondStatus() ? BATCH_SIZE : size + 1;
    String after = query.afterAccountId();
    List<AccountPage.Listed> matches = new ArrayList<>();
    int scanned = 0;
    boolean exhausted = false;
    while (matches.size() <= size && scanned < SCAN_MAX) {
      List<AccountFacts> batch = directory.accountFacts(after, query.status(), now, batchSize);
      for (AccountFacts facts : batch) {
        after = facts.accountId().value();
        scanned++;
        AccountPage.Listed listed = listed(facts, now);
        if (matches(query, listed)) {
          matches.add(listed);
          if (matches.size() > size) {
            break;
          }
        }
      }
      if (batch.size() < batchSize) {
        exhausted = true;
        break;
      }
    }
    if (matches.size() > size) {
      List<AccountPage.Listed> page = matches.subList(0, size);
      return new AccountPage(page, AccountListQuery.tokenAfter(page.get(size - 1).accountId().value()));
    }
    return new AccountPage(matches, exhausted ? "" : AccountListQuery.tokenAfter(after));
  }

  AccountPage.Listed listed(AccountFacts facts, Instant now) {
    Standing standing =
        Standing.of(
            facts.status(),
            facts.seatCount(),
            formula.feeCents(facts.seatCount()),
            facts.eurBalanceCents(),
            facts.owedCents(),
            facts.lastChargeAt(),
            facts.lowBalanceAlerted(),
            now);
    boolean low =
        ((facts.hasEurWallet() || facts.seatCount() > 0) && lowBalance.isLow(Asset.EUR, facts.eurBalanceCents()))
            || (facts.hasTokenWallet() && lowBalance.isLow(Asset.TOKEN, facts.tokenBalance()));
    return new AccountPage.Listed(facts.accountId(), standing, facts.tokenBalance(), low);
  }

  static boolean matches(AccountListQuery query, AccountPage.Listed listed) {
    if (query.monthsRemainingBelow() != null
        && (listed.standing().monthlyFeeCents() == 0
            || listed.standing().monthsRemaining() >= query.monthsRemainingBelow())) {
      return false;
    }
    return query.lowBalance() == null || query.lowBalance() == listed.lowBalance();
  }
}
