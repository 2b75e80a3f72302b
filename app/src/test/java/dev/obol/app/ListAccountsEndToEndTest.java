package dev.obol.app;

import static dev.obol.app.testing.GrpcAssertions.assertError;
import static dev.obol.app.testing.GrpcAssertions.assertInvalidField;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import dev.obol.app.testing.ObolTestProperties;
import dev.obol.app.testing.ObolUnderTest;
import dev.obol.domain.port.LedgerAudit;
import dev.obol.domain.testing.LedgerInvariantExtension;
import dev.obol.proto.v1.AccountServiceGrpc;
import dev.obol.proto.v1.AccountStatus;
import dev.obol.proto.v1.AccountSummary;
import dev.obol.proto.v1.AdminServiceGrpc;
import dev.obol.proto.v1.Asset;
import dev.obol.proto.v1.CreateApiKeyRequest;
import dev.obol.proto.v1.GetStandingRequest;
import dev.obol.proto.v1.GrantRequest;
import dev.obol.proto.v1.GrantSource;
import dev.obol.proto.v1.ListAccountsRequest;
import dev.obol.proto.v1.ListAccountsResponse;
import dev.obol.proto.v1.RunMonthlyChargesRequest;
import dev.obol.proto.v1.RunMonthlyChargesResponse;
import dev.obol.proto.v1.SetSeatCountRequest;
import dev.obol.proto.v1.SuspendAccountRequest;
import io.grpc.Status;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * AccountService.ListAccounts end to end on a database of its own (so the whole list is known): six accounts, a charge
 * run, two suspensions. Fees: 500 for one seat, 900 for three; low balance: under 100 tokens or 2000 cents.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ListAccountsEndToEndTest implements ObolTestProperties {

  @Inject ObolUnderTest app;

  @RegisterExtension
  final LedgerInvariantExtension ledgerInvariant =
      LedgerInvariantExtension.over(() -> app.bean(LedgerAudit.class), () -> app.clock.instant());

  private AccountServiceGrpc.AccountServiceBlockingStub accounts;

  @Override
  public Map<String, Object> settings() {
    return Map.of("obol.seat-fee.charge-enabled", false, "obol.notify.poll-interval", "1h", "obol.demo.seed", false);
  }

  @BeforeAll
  void accounts() {
    accounts = app.accounts();
    app.clock.set(Instant.parse("2026-12-03T10:00:00Z"));
    grant("acct-a", Asset.ASSET_TOKEN, 500); // not low
    grant("acct-b", Asset.ASSET_TOKEN, 50); // low tokens
    grant("acct-c", Asset.ASSET_EUR, 1200);
    seats("acct-c", 1); // after December's 500: 700, 1 month, low EUR
    grant("acct-d", Asset.ASSET_EUR, 10_000);
    seats("acct-d", 3); // after December's 900: 9100, 10 months, not low; suspended below
    grant("acct-e", Asset.ASSET_TOKEN, 1000); // suspended below
    seats("acct-f", 1); // never topped up: December's 500 is owed, INSUFFICIENT_FUNDS, low (no EUR at all)
    RunMonthlyChargesResponse run =
        accounts.runMonthlyCharges(
            RunMonthlyChargesRequest.newBuilder()
                .setAsOf(Timestamp.newBuilder().setSeconds(Instant.parse("2026-12-01T00:00:00Z").getEpochSecond()))
                .setRequestId("run-2026-12")
                .build());
    assertThat(run.getCharged()).isEqualTo(2);
    assertThat(run.getFailed()).isEqualTo(1);
    suspend("acct-d");
    suspend("acct-e");
  }

  @Test
  void everyAccountInIdOrderWithItsStandingAsGetStandingAnswersIt() {
    List<AccountSummary> all = list(ListAccountsRequest.newBuilder().setPageSize(500));
    assertThat(ids(all)).containsExactly("acct-a", "acct-b", "acct-c", "acct-d", "acct-e", "acct-f");
    for (AccountSummary account : all) {
      assertThat(account.getStanding())
          .as(account.getAccountId())
          .isEqualTo(accounts.getStanding(GetStandingRequest.newBuilder().setAccountId(account.getAccountId()).build()));
    }
    AccountSummary c = all.get(2);
    assertThat(c.getStanding().getMonthlyFee()).isEqualTo(500);
    assertThat(c.getStanding().getBalance()).isEqualTo(700);
    assertThat(c.getStanding().getMonthsRemaining()).isEqualTo(1);
    assertThat(c.getLowBalance()).isTrue();
    AccountSummary d = all.get(3);
    assertThat(d.getStanding().getStatus()).isEqualTo(AccountStatus.ACCOUNT_STATUS_SUSPENDED);
    assertThat(d.getStanding().getBalance()).isEqualTo(9100);
    assertThat(d.getStanding().getMonthsRemaining()).isEqualTo(10);
    AccountSummary f = all.get(5);
    assertThat(f.getStanding().getStatus()).isEqualTo(AccountStatus.ACCOUNT_STATUS_INSUFFICIENT_FUNDS);
    assertThat(f.getStanding().getOwed()).isEqualTo(500);
    assertThat(f.getStanding().hasLastChargeAt()).isTrue();
    assertThat(all).extracting(AccountSummary::getTokenBalance).containsExactly(500L, 50L, 0L, 0L, 1000L, 0L);
    assertThat(all).extracting(AccountSummary::getLowBalance).containsExactly(false, true, true, false, false, true);
  }

  @Test
  void pagesOfTwo() {
    ListAccountsResponse first = accounts.listAccounts(ListAccountsRequest.newBuilder().setPageSize(2).build());
    assertThat(ids(first.getAccountsList())).containsExactly("acct-a", "acct-b");
    assertThat(first.getNextPageToken()).isNotEmpty();
    ListAccountsResponse second =
        accounts.listAccounts(
            ListAccountsRequest.newBuilder().setPageSize(2).setPageToken(first.getNextPageToken()).build());
    assertThat(ids(second.getAccountsList())).containsExactly("acct-c", "acct-d");
    ListAccountsResponse third =
        accounts.listAccounts(
            ListAccountsRequest.newBuilder().setPageSize(2).setPageToken(second.getNextPageToken()).build());
    assertThat(ids(third.getAccountsList())).containsExactly("acct-e", "acct-f");
    assertThat(third.getNextPageToken()).isEmpty();
    // Filtered: two pages.
    ListAccountsResponse low =
        accounts.listAccounts(ListAccountsRequest.newBuilder().setLowBalance(true).setPageSize(2).build());
    assertThat(ids(low.getAccountsList())).containsExactly("acct-b", "acct-c");
    ListAccountsResponse lowRest =
        accounts.listAccounts(
            ListAccountsRequest.newBuilder()
                .setLowBalance(true)
                .setPageSize(2)
                .setPageToken(low.getNextPageToken())
                .build());
    assertThat(ids(lowRest.getAccountsList())).containsExactly("acct-f");
    assertThat(lowRest.getNextPageToken()).isEmpty();
  }

  @Test
  void filters() {
    assertThat(ids(list(ListAccountsRequest.newBuilder().setStatus(AccountStatus.ACCOUNT_STATUS_SUSPENDED))))
        .containsExactly("acct-d", "acct-e");
    assertThat(ids(list(ListAccountsRequest.newBuilder().setStatus(AccountStatus.ACCOUNT_STATUS_INSUFFICIENT_FUNDS))))
        .containsExactly("acct-f");
    assertThat(ids(list(ListAccountsRequest.newBuilder().setStatus(AccountStatus.ACCOUNT_STATUS_ACTIVE))))
        .containsExactly("acct-a", "acct-b", "acct-c");
    assertThat(ids(list(ListAccountsRequest.newBuilder().setLowBalance(true))))
        .containsExactly("acct-b", "acct-c", "acct-f");
    assertThat(ids(list(ListAccountsRequest.newBuilder().setLowBalance(false))))
        .containsExactly("acct-a", "acct-d", "acct-e");
    assertThat(ids(list(ListAccountsRequest.newBuilder().setMonthsRemainingBelow(1)))).containsExactly("acct-f");
    assertThat(ids(list(ListAccountsRequest.newBuilder().setMonthsRemainingBelow(2))))
        .containsExactly("acct-c", "acct-f");
    assertThat(ids(list(ListAccountsRequest.newBuilder().setMonthsRemainingBelow(11))))
        .containsExactly("acct-c", "acct-d", "acct-f");
    assertThat(ids(list(ListAccountsRequest.newBuilder().setMonthsRemainingBelow(10)))).containsExactly("acct-c", "acct-f");
    assertThat(
            ids(
                list(
                    ListAccountsRequest.newBuilder()
                        .setMonthsRemainingBelow(11)
                        .setStatus(AccountStatus.ACCOUNT_STATUS_SUSPENDED))))
        .containsExactly("acct-d");
    assertThat(ids(list(ListAccountsRequest.newBuilder().setMonthsRemainingBelow(11).setLowBalance(false))))
        .containsExactly("acct-d");
  }

  @Test
  void onlyAccountOperateKeysNotBoundToAnAccount() {
    String bound = key("bound-operator", "account:operate", "acct-a");
    assertError(
        Status.Code.PERMISSION_DENIED,
        "ACCOUNT_NOT_ALLOWED",
        () -> AccountServiceGrpc.newBlockingStub(app.withKey(bound)).listAccounts(ListAccountsRequest.getDefaultInstance()));
    String reader = key("reader", "account:read", null);
    assertError(
        Status.Code.PERMISSION_DENIED,
        "SCOPE_MISSING",
        () -> AccountServiceGrpc.newBlockingStub(app.withKey(reader)).listAccounts(ListAccountsRequest.getDefaultInstance()));
    String operator = key("operator", "account:operate", null);
    assertThat(
            AccountServiceGrpc.newBlockingStub(app.withKey(operator))
                .listAccounts(ListAccountsRequest.getDefaultInstance())
                .getAccountsCount())
        .isEqualTo(6);
  }

  @Test
  void badInputIsInvalidArgumentNamingTheField() {
    assertInvalidField(
        "page_size",
        "PAGE_SIZE_OUT_OF_RANGE",
        () -> accounts.listAccounts(ListAccountsRequest.newBuilder().setPageSize(501).build()));
    assertInvalidField(
        "page_size",
        "PAGE_SIZE_OUT_OF_RANGE",
        () -> accounts.listAccounts(ListAccountsRequest.newBuilder().setPageSize(-1).build()));
    assertInvalidField(
        "page_token",
        "INVALID_PAGE_TOKEN",
        () -> accounts.listAccounts(ListAccountsRequest.newBuilder().setPageToken("not-a-token!").build()));
    assertInvalidField(
        "months_remaining_below",
        "VALUE_OUT_OF_RANGE",
        () -> accounts.listAccounts(ListAccountsRequest.newBuilder().setMonthsRemainingBelow(0).build()));
    assertInvalidField(
        "status",
        "UNKNOWN_ENUM_VALUE",
        () -> accounts.listAccounts(ListAccountsRequest.newBuilder().setStatusValue(7).build()));
    assertThat(accounts.listAccounts(ListAccountsRequest.getDefaultInstance()).getAccountsCount()).isEqualTo(6);
  }

  // ---- helpers ---------------------------------------------------------------------------------------------------

  /** Every page, following the tokens. */
  private List<AccountSummary> list(ListAccountsRequest.Builder request) {
    List<AccountSummary> all = new ArrayList<>();
    String token = "";
    do {
      ListAccountsResponse page = accounts.listAccounts(request.setPageToken(token).build());
      all.addAll(page.getAccountsList());
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    return all;
  }

  private static List<String> ids(List<AccountSummary> accounts) {
    return accounts.stream().map(AccountSummary::getAccountId).toList();
  }

  private void grant(String account, Asset asset, long amount) {
    app.wallet()
        .grant(
            GrantRequest.newBuilder()
                .setAccountId(account)
                .setAsset(asset)
                .setAmount(amount)
                .setSource(asset == Asset.ASSET_EUR ? GrantSource.GRANT_SOURCE_TOP_UP : GrantSource.GRANT_SOURCE_PURCHASE)
                .setRequestId("g-" + account)
                .build());
  }

  private void seats(String account, long seats) {
    accounts.setSeatCount(
        SetSeatCountRequest.newBuilder().setAccountId(account).setSeatCount(seats).setRequestId("s-" + account).build());
  }

  private void suspend(String account) {
    accounts.suspendAccount(
        SuspendAccountRequest.newBuilder().setAccountId(account).setReason("test").setRequestId("x-" + account).build());
  }

  private String key(String name, String scope, String account) {
    CreateApiKeyRequest.Builder request =
        CreateApiKeyRequest.newBuilder().setName(name).addScopes(scope).setRequestId("key-" + name);
    if (account != null) {
      request.setAccountId(account);
    }
    return AdminServiceGrpc.newBlockingStub(app.channel()).createApiKey(request.build()).getSecret();
  }
}
