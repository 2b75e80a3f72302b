package dev.obol.app;

import static dev.obol.app.testing.GrpcAssertions.assertError;
import static dev.obol.app.testing.GrpcAssertions.assertInvalidField;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import dev.obol.app.testing.ObolTestProperties;
import dev.obol.app.testing.ObolUnderTest;
import dev.obol.app.testing.Reflection;
import dev.obol.domain.port.LedgerAudit;
import dev.obol.domain.testing.LedgerInvariantExtension;
import dev.obol.domain.service.ExpirySweeper;
import dev.obol.persistence.PostgresAccountStore;
import dev.obol.proto.v1.Asset;
import dev.obol.proto.v1.CheckAndDebitRequest;
import dev.obol.proto.v1.CheckAndDebitResponse;
import dev.obol.proto.v1.CheckRequest;
import dev.obol.proto.v1.CheckResponse;
import dev.obol.proto.v1.DenialReason;
import dev.obol.proto.v1.EntryKind;
import dev.obol.proto.v1.FeaturePrice;
import dev.obol.proto.v1.GetBalanceRequest;
import dev.obol.proto.v1.GetBalanceResponse;
import dev.obol.proto.v1.GrantRequest;
import dev.obol.proto.v1.GrantResponse;
import dev.obol.proto.v1.GrantSource;
import dev.obol.proto.v1.LedgerEntry;
import dev.obol.proto.v1.ListFeaturesRequest;
import dev.obol.proto.v1.ListLedgerEntriesRequest;
import dev.obol.proto.v1.ListLedgerEntriesResponse;
import dev.obol.proto.v1.ReverseDebitRequest;
import dev.obol.proto.v1.ReverseDebitResponse;
import dev.obol.proto.v1.WalletBalance;
import dev.obol.proto.v1.WalletServiceGrpc;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.StreamObserver;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/** obol.v1.WalletService end to end: real gRPC socket, real Micronaut app, real PostgreSQL. */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WalletGrpcEndToEndTest implements ObolTestProperties {

  @Inject ObolUnderTest app;

  @RegisterExtension
  final LedgerInvariantExtension ledgerInvariant =
      LedgerInvariantExtension.over(() -> app.bean(LedgerAudit.class), () -> app.clock.instant());

  private WalletServiceGrpc.WalletServiceBlockingStub wallet;
  private String account;

  @BeforeAll
  void stubs() {
    wallet = app.wallet();
  }

  @BeforeEach
  void newAccount() {
    account = "acct-" + UUID.randomUUID();
    wallet = app.wallet();
  }

  // ---- the happy path --------------------------------------------------------------------------------------------

  @Test
  void grantThenDebitByFeatureAndExplainTheBalanceEntryByEntry() {
    GrantResponse granted = grant(GrantSource.GRANT_SOURCE_PURCHASE, 500, "g1");
    assertThat(granted.getGrantId()).startsWith("grt_");
    assertThat(granted.getBalance()).isEqualTo(500);

    CheckAndDebitResponse debit =
        wallet.checkAndDebit(
            CheckAndDebitRequest.newBuilder()
                .setAccountId(account)
                .setFeature("image")
                .setRequestId("d1")
                .putMetadata("job", "42")
                .build());

    assertThat(debit.getAllowed()).isTrue();
    assertThat(debit.getDenialReason()).isEqualTo(DenialReason.DENIAL_REASON_UNSPECIFIED);
    assertThat(debit.getDebitId()).startsWith("dbt_");
    assertThat(debit.getDebited()).isEqualTo(50);
    assertThat(debit.getBalance()).isEqualTo(450);
    assertThat(debit.getLowBalance()).isFalse();

    ListLedgerEntriesResponse ledger =
        wallet.listLedgerEntries(ListLedgerEntriesRequest.newBuilder().setAccountId(account).build());
    assertThat(ledger.getEntriesList()).extracting(LedgerEntry::getKind)
        .containsExactly(EntryKind.ENTRY_KIND_DEBIT, EntryKind.ENTRY_KIND_GRANT);
    LedgerEntry debitEntry = ledger.getEntries(0);
    assertThat(debitEntry.getAmount()).isEqualTo(-50);
    assertThat(debitEntry.getBalanceAfter()).isEqualTo(450);
    assertThat(debitEntry.getFeature()).isEqualTo("image");
    assertThat(debitEntry.getRequestId()).isEqualTo("d1");
    assertThat(debitEntry.getGrantId()).isEqualTo(granted.getGrantId());
    assertThat(debitEntry.getAsset()).isEqualTo(Asset.ASSET_TOKEN);
    assertThat(debitEntry.getCreatedAt().getSeconds()).isEqualTo(app.clock.instant().getEpochSecond());
    assertThat(ledger.getEntries(1).getReason()).isEqualTo("test grant");
    assertThat(ledger.getNextPageToken()).isEmpty();
  }

  @Test
  void quantityMultipliesTheFeaturePriceAndUnlistedFeaturesCostTheDefault() {
    grant(GrantSource.GRANT_SOURCE_PURCHASE, 1000, "g1");
    assertThat(debitFeature("audio", 3, "d1").getDebited()).isEqualTo(75);
    assertThat(debitFeature("some.other-module", 0, "d2").getDebited()).isEqualTo(30);
    assertThat(debitFeature("ai.generate.hd", 1, "d3").getBalance()).isEqualTo(1000 - 75 - 30 - 10);
  }

  @Test
  void directAmountDebitsTheNamedAssetOnly() {
    grant(GrantSource.GRANT_SOURCE_PURCHASE, 100, "g1");
    wallet.grant(
        GrantRequest.newBuilder()
            .setAccountId(account)
            .setAsset(Asset.ASSET_EUR)
            .setAmount(5000)
            .setSource(GrantSource.GRANT_SOURCE_TOP_UP)
            .setRequestId("g2")
            .build());

    CheckAndDebitResponse debit = debitAmount(Asset.ASSET_EUR, 1234, "d1");

    assertThat(debit.getAllowed()).isTrue();
    assertThat(debit.getBalance()).isEqualTo(5000 - 1234);
    GetBalanceResponse balances =
        wallet.getBalance(GetBalanceRequest.newBuilder().setAccountId(account).build());
    assertThat(balances.getWalletsList()).extracting(WalletBalance::getAsset, WalletBalance::getBalance)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(Asset.ASSET_TOKEN, 100L),
            org.assertj.core.groups.Tuple.tuple(Asset.ASSET_EUR, 3766L));
  }

  @Test
  void lowBalanceIsFlaggedUnderTheThreshold() {
    grant(GrantSource.GRANT_SOURCE_PURCHASE, 160, "g1");
    assertThat(debitFeature("image", 1, "d1").getLowBalance()).isFalse();
    CheckAndDebitResponse second = debitFeature("video", 1, "d2");
    assertThat(second.getBalance()).isEqualTo(100);
    assertThat(second.getLowBalance()).isFalse();
    assertThat(debitFeature("article", 1, "d3").getLowBalance()).isTrue();
    assertThat(
            wallet.getBalance(GetBalanceRequest.newBuilder().setAccountId(account).setAsset(Asset.ASSET_TOKEN).build())
                .getWallets(0)
                .getLowBalance())
        .isTrue();
  }

  // ---- burn order and expiry -------------------------------------------------------------------------------------

  @Test
  void quotaBurnsBeforePurchasedTokensAndGetBalanceListsGrantsInBurnOrder() {
    GrantResponse pack = grant(GrantSource.GRANT_SOURCE_PURCHASE, 100, "g1");
    Instant periodEnd = app.clock.instant().plus(Duration.ofDays(30));
    GrantResponse quota =
        wallet.grant(
            GrantRequest.newBuilder()
                .setAccountId(account)
                .setAsset(Asset.ASSET_TOKEN)
                .setAmount(60)
                .setSource(GrantSource.GRANT_SOURCE_SUBSCRIPTION_QUOTA)
                .setExpiresAt(ts(periodEnd))
                .setReference("in_123")
                .setRequestId("g2")
                .build());

    debitFeature("image", 1, "d1");

    WalletBalance tokens =
        wallet.getBalance(GetBalanceRequest.newBuilder().setAccountId(account).setAsset(Asset.ASSET_TOKEN).build())
            .getWallets(0);
    assertThat(tokens.getBalance()).isEqualTo(110);
    assertThat(tokens.getGrantsList())
        .extracting(g -> g.getGrantId(), g -> g.getRemaining(), g -> g.getPriority())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(quota.getGrantId(), 10L, 10),
            org.assertj.core.groups.Tuple.tuple(pack.getGrantId(), 100L, 100));
    assertThat(tokens.getGrants(0).getExpiresAt()).isEqualTo(ts(periodEnd));
    assertThat(tokens.getGrants(0).getReference()).isEqualTo("in_123");
    assertThat(tokens.getGrants(0).getSource()).isEqualTo(GrantSource.GRANT_SOURCE_SUBSCRIPTION_QUOTA);
  }

  @Test
  void expiredGrantIsNeverSpentAndTheSweeperWritesItsExpiry() {
    wallet.grant(
        GrantRequest.newBuilder()
            .setAccountId(account)
            .setAsset(Asset.ASSET_TOKEN)
            .setAmount(1000)
            .setSource(GrantSource.GRANT_SOURCE_PROMO)
            .setExpiresAt(ts(app.clock.instant().plus(Duration.ofHours(1))))
            .setRequestId("g1")
            .build());
    grant(GrantSource.GRANT_SOURCE_PURCHASE, 20, "g2");
    app.clock.advance(Duration.ofHours(2));

    CheckAndDebitResponse denied = debitFeature("image", 1, "d1");
    assertThat(denied.getAllowed()).isFalse();
    assertThat(denied.getDenialReason()).isEqualTo(DenialReason.DENIAL_REASON_INSUFFICIENT_BALANCE);
    assertThat(denied.getBalance()).isEqualTo(20);

    assertThat(app.bean(ExpirySweeper.class).sweep()).isGreaterThanOrEqualTo(1);

    List<LedgerEntry> entries =
        wallet.listLedgerEntries(ListLedgerEntriesRequest.newBuilder().setAccountId(account).build()).getEntriesList();
    assertThat(entries.get(0).getKind()).isEqualTo(EntryKind.ENTRY_KIND_EXPIRY);
    assertThat(entries.get(0).getAmount()).isEqualTo(-1000);
    assertThat(entries.get(0).getBalanceAfter()).isEqualTo(20);
    assertThat(app.bean(dev.obol.domain.port.LedgerAudit.class)
            .check(dev.obol.domain.model.AccountId.of(account), dev.obol.domain.model.Asset.TOKEN, app.clock.instant())
            .expiredUnswept())
        .isZero();
  }

  // ---- denials ---------------------------------------------------------------------------------------------------

  @Test
  void unknownAccountIsANormalDenialWithBalanceZero() {
    CheckAndDebitResponse denied = debitFeature("image", 1, "d1");
    assertThat(denied.getAllowed()).isFalse();
    assertThat(denied.getDenialReason()).isEqualTo(DenialReason.DENIAL_REASON_INSUFFICIENT_BALANCE);
    assertThat(denied.getBalance()).isZero();
    assertThat(denied.getDebitId()).isEmpty();
  }

  @Test
  void aDenialWritesNothingSoARetryAfterATopUpIsEvaluatedAfresh() {
    grant(GrantSource.GRANT_SOURCE_PURCHASE, 30, "g1");
    CheckAndDebitResponse denied = debitFeature("image", 1, "d1");
    assertThat(denied.getAllowed()).isFalse();
    assertThat(denied.getBalance()).isEqualTo(30);
    assertThat(denied.getLowBalance()).isTrue();

    grant(GrantSource.GRANT_SOURCE_PURCHASE, 100, "g2");
    CheckAndDebitResponse retried = debitFeature("image", 1, "d1");

    assertThat(retried.getAllowed()).isTrue();
    assertThat(retried.getBalance()).isEqualTo(80);
  }

  @Test
  void suspendedAndInsufficientFundsAccountsAreDeniedWithTheirReason() throws Exception {
    grant(GrantSource.GRANT_SOURCE_PURCHASE, 500, "g1");

    setStatus("SUSPENDED");
    CheckAndDebitResponse suspended = debitFeature("image", 1, "d1");
    assertThat(suspended.getAllowed()).isFalse();
    assertThat(suspended.getDenialReason()).isEqualTo(DenialReason.DENIAL_REASON_ACCOUNT_SUSPENDED);
    assertThat(suspended.getBalance()).isEqualTo(500);

    setStatus("INSUFFICIENT_FUNDS");
    CheckResponse check =
        wallet.check(CheckRequest.newBuilder().setAccountId(account).setFeature("image").build());
    assertThat(check.getAllowed()).isFalse();
    assertThat(check.getDenialReason()).isEqualTo(DenialReason.DENIAL_REASON_ACCOUNT_INSUFFICIENT_FUNDS);
    assertThat(debitFeature("image", 1, "d2").getDenialReason())
        .isEqualTo(DenialReason.DENIAL_REASON_ACCOUNT_INSUFFICIENT_FUNDS);
  }

  // ---- Check ---------------------------------------------------------------------------------------------------

  @Test
  void checkAnswersTheSameQuestionWithoutWriting() {
    grant(GrantSource.GRANT_SOURCE_PURCHASE, 120, "g1");

    CheckResponse yes =
        wallet.check(CheckRequest.newBuilder().setAccountId(account).setFeature("image").setQuantity(2).build());
    CheckResponse no =
        wallet.check(CheckRequest.newBuilder().setAccountId(account).setFeature("image").setQuantity(3).build());

    assertThat(yes.getAllowed()).isTrue();
    assertThat(yes.getCost()).isEqualTo(100);
    assertThat(yes.getBalance()).isEqualTo(120);
    assertThat(no.getAllowed()).isFalse();
    assertThat(no.getDenialReason()).isEqualTo(DenialReason.DENIAL_REASON_INSUFFICIENT_BALANCE);
    assertThat(no.getCost()).isEqualTo(150);
    assertThat(wallet.listLedgerEntries(ListLedgerEntriesRequest.newBuilder().setAccountId(account).build())
            .getEntriesCount())
        .isEqualTo(1);
  }

  // ---- idempotency -----------------------------------------------------------------------------------------------

  @Test
  void aRetriedDebitGetsTheFirstAnswerAndIsDebitedOnce() {
    grant(GrantSource.GRANT_SOURCE_PURCHASE, 500, "g1");
    CheckAndDebitResponse first = debitFeature("image", 1, "same");
    debitFeature("video", 1, "other");

    CheckAndDebitResponse retry = debitFeature("image", 1, "same");

    assertThat(retry).isEqualTo(first);
    assertThat(balance()).isEqualTo(440);
    assertThat(wallet.listLedgerEntries(ListLedgerEntriesRequest.newBuilder().setAccountId(account).build())
            .getEntriesCount())
        .isEqualTo(3);
  }

  @Test
  void aRetriedGrantAndReversalGetTheirFirstAnswers() {
    GrantResponse first = grant(GrantSource.GRANT_SOURCE_PURCHASE, 500, "g1");
    assertThat(grant(GrantSource.GRANT_SOURCE_PURCHASE, 500, "g1")).isEqualTo(first);

    CheckAndDebitResponse debit = debitFeature("image", 1, "d1");
    ReverseDebitResponse reversal = reverse(debit.getDebitId(), 0, "r1");
    assertThat(reverse(debit.getDebitId(), 0, "r1")).isEqualTo(reversal);
    assertThat(balance()).isEqualTo(500);
  }

  @Test
  void theSameRequestIdWithAnotherPayloadIsAConflict() {
    grant(GrantSource.GRANT_SOURCE_PURCHASE, 500, "g1");
    debitFeature("image", 1, "d1");

    assertError(Status.Code.FAILED_PRECONDITION, "REQUEST_ID_CONFLICT", () -> debitFeature("image", 2, "d1"));
    assertError(Status.Code.FAILED_PRECONDITION, "REQUEST_ID_CONFLICT", () -> debitFeature("audio", 1, "d1"));
    // A request id belongs to one write: reusing a grant's id for a debit is a conflict too.
    assertError(Status.Code.FAILED_PRECONDITION, "REQUEST_ID_CONFLICT", () -> debitFeature("image", 1, "g1"));
    assertError(
        Status.Code.FAILED_PRECONDITION, "REQUEST_ID_CONFLICT", () -> grant(GrantSource.GRANT_SOURCE_PROMO, 500, "g1"));
    assertThat(balance()).isEqualTo(450);
  }

  // ---- concurrency -----------------------------------------------------------------------------------------------

  @Test
  void twoHundredConcurrentDebitsOfOneAgainstOneHundredAllowExactlyOneHundred() throws Exception {
    grant(GrantSource.GRANT_SOURCE_PURCHASE, 100, "g1");
    WalletServiceGrpc.WalletServiceStub async = WalletServiceGrpc.newStub(app.channel());
    CountDownLatch done = new CountDownLatch(200);
    AtomicInteger allowed = new AtomicInteger();
    AtomicInteger denied = new AtomicInteger();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    for (int i = 0; i < 200; i++) {
      async.checkAndDebit(
          CheckAndDebitRequest.newBuilder()
              .setAccountId(account)
              .setAsset(Asset.ASSET_TOKEN)
              .setAmount(1)
              .setRequestId("c-" + i)
              .build(),
          new StreamObserver<>() {
            @Override
            public void onNext(CheckAndDebitResponse response) {
              (response.getAllowed() ? allowed : denied).incrementAndGet();
            }

            @Override
            public void onError(Throwable t) {
              failure.set(t);
              done.countDown();
            }

            @Override
            public void onCompleted() {
              done.countDown();
            }
          });
    }
    assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
    assertThat(failure.get()).isNull();
    assertThat(allowed.get()).isEqualTo(100);
    assertThat(denied.get()).isEqualTo(100);
    assertThat(balance()).isZero();
  }

  @Test
  void concurrentRetriesOfOneRequestDebitOnce() throws Exception {
    grant(GrantSource.GRANT_SOURCE_PURCHASE, 1000, "g1");
    List<CompletableFuture<CheckAndDebitResponse>> calls = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      calls.add(CompletableFuture.supplyAsync(() -> debitFeature("image", 1, "once")));
    }
    List<CheckAndDebitResponse> answers = new ArrayList<>();
    for (CompletableFuture<CheckAndDebitResponse> call : calls) {
      answers.add(call.get(60, TimeUnit.SECONDS));
    }
    assertThat(answers).allSatisfy(a -> assertThat(a).isEqualTo(answers.get(0)));
    assertThat(balance()).isEqualTo(950);
  }

  // ---- ReverseDebit ----------------------------------------------------------------------------------------------

  @Test
  void reverseDebitGivesBackPartThenTheRest() {
    grant(GrantSource.GRANT_SOURCE_PURCHASE, 200, "g1");
    CheckAndDebitResponse debit = debitFeature("image", 2, "d1");

    ReverseDebitResponse partial = reverse(debit.getDebitId(), 30, "r1");
    ReverseDebitResponse rest = reverse(debit.getDebitId(), 0, "r2");

    assertThat(partial.getReversed()).isEqualTo(30);
    assertThat(partial.getBalance()).isEqualTo(130);
    assertThat(rest.getReversed()).isEqualTo(70);
    assertThat(rest.getBalance()).isEqualTo(200);
    assertError(
        Status.Code.FAILED_PRECONDITION, "DEBIT_ALREADY_REVERSED", () -> reverse(debit.getDebitId(), 0, "r3"));
    List<LedgerEntry> entries =
        wallet.listLedgerEntries(ListLedgerEntriesRequest.newBuilder().setAccountId(account).build()).getEntriesList();
    assertThat(entries).extracting(LedgerEntry::getKind, LedgerEntry::getAmount)
        .startsWith(
            org.assertj.core.groups.Tuple.tuple(EntryKind.ENTRY_KIND_REVERSAL, 70L),
            org.assertj.core.groups.Tuple.tuple(EntryKind.ENTRY_KIND_REVERSAL, 30L));
  }

  @Test
  void reverseDebitRefusesMoreThanIsLeftAndUnknownDebits() {
    grant(GrantSource.GRANT_SOURCE_PURCHASE, 200, "g1");
    CheckAndDebitResponse debit = debitFeature("image", 1, "d1");
    assertError(
        Status.Code.FAILED_PRECONDITION, "REVERSAL_EXCEEDS_DEBIT", () -> reverse(debit.getDebitId(), 51, "r1"));
    assertError(Status.Code.NOT_FOUND, "DEBIT_NOT_FOUND", () -> reverse("dbt_nope", 0, "r2"));
    assertThat(balance()).isEqualTo(150);
  }

  // ---- listing ---------------------------------------------------------------------------------------------------

  @Test
  void ledgerIsPagedNewestFirstAndFilteredByFeature() {
    grant(GrantSource.GRANT_SOURCE_PURCHASE, 1000, "g1");
    for (int i = 0; i < 5; i++) {
      debitFeature(i % 2 == 0 ? "image" : "audio", 1, "d" + i);
    }
    List<LedgerEntry> all = new ArrayList<>();
    String token = "";
    int pages = 0;
    do {
      ListLedgerEntriesResponse page =
          wallet.listLedgerEntries(
              ListLedgerEntriesRequest.newBuilder().setAccountId(account).setPageSize(2).setPageToken(token).build());
      all.addAll(page.getEntriesList());
      token = page.getNextPageToken();
      pages++;
    } while (!token.isEmpty());

    assertThat(pages).isEqualTo(3);
    assertThat(all).hasSize(6);
    assertThat(all).extracting(e -> Long.parseLong(e.getEntryId())).isSortedAccordingTo((a, b) -> Long.compare(b, a));
    assertThat(all).extracting(LedgerEntry::getRequestId).containsExactly("d4", "d3", "d2", "d1", "d0", "g1");
    assertThat(
            wallet.listLedgerEntries(
                    ListLedgerEntriesRequest.newBuilder().setAccountId(account).setFeature("audio").build())
                .getEntriesList())
        .extracting(LedgerEntry::getRequestId)
        .containsExactly("d3", "d1");
    assertThat(
            wallet.listLedgerEntries(
                    ListLedgerEntriesRequest.newBuilder().setAccountId(account).setAsset(Asset.ASSET_EUR).build())
                .getEntriesList())
        .isEmpty();
  }

  @Test
  void listFeaturesReturnsTheDefaultCatalog() {
    List<FeaturePrice> features = wallet.listFeatures(ListFeaturesRequest.getDefaultInstance()).getFeaturesList();
    assertThat(features).extracting(FeaturePrice::getFeature, FeaturePrice::getCost)
        .contains(
            org.assertj.core.groups.Tuple.tuple("image", 50L),
            org.assertj.core.groups.Tuple.tuple("audio", 25L),
            org.assertj.core.groups.Tuple.tuple("video", 10L),
            org.assertj.core.groups.Tuple.tuple("article", 3L),
            org.assertj.core.groups.Tuple.tuple("ai.generate", 5L),
            org.assertj.core.groups.Tuple.tuple("ai.generate.hd", 10L),
            org.assertj.core.groups.Tuple.tuple("3d.render-highres", 8L),
            org.assertj.core.groups.Tuple.tuple("ar.convert-2d-to-3d", 15L));
    assertThat(features).allSatisfy(f -> assertThat(f.getAsset()).isEqualTo(Asset.ASSET_TOKEN));
  }

  // ---- bad input -------------------------------------------------------------------------------------------------

  @Nested
  class BadInput {

    @Test
    void idsMustBePresentAndBounded() {
      assertInvalidField("request_id", "MISSING_FIELD", () -> debitFeature("image", 1, ""));
      assertInvalidField("account_id", "MISSING_FIELD", () -> wallet.checkAndDebit(
          CheckAndDebitRequest.newBuilder().setFeature("image").setRequestId("r").build()));
      assertInvalidField("account_id", "FIELD_TOO_LONG", () -> wallet.checkAndDebit(
          CheckAndDebitRequest.newBuilder().setAccountId("a".repeat(129)).setFeature("image").setRequestId("r").build()));
      assertInvalidField("request_id", "FIELD_TOO_LONG", () -> debitFeature("image", 1, "r".repeat(129)));
      assertInvalidField("account_id", "INVALID_CHARACTERS", () -> wallet.getBalance(
          GetBalanceRequest.newBuilder().setAccountId("has space").build()));
      assertInvalidField("request_id", "MISSING_FIELD", () -> wallet.grant(GrantRequest.newBuilder()
          .setAccountId(account).setAsset(Asset.ASSET_TOKEN).setAmount(1)
          .setSource(GrantSource.GRANT_SOURCE_PROMO).build()));
      assertInvalidField("debit_id", "MISSING_FIELD", () -> reverse("", 0, "r"));
    }

    @Test
    void amountsMustBePositive() {
      assertInvalidField("amount", "AMOUNT_NOT_POSITIVE", () -> debitAmount(Asset.ASSET_TOKEN, -5, "r1"));
      assertInvalidField("amount", "AMOUNT_NOT_POSITIVE", () -> debitAmount(Asset.ASSET_TOKEN, 0, "r1"));
      assertInvalidField("quantity", "AMOUNT_NOT_POSITIVE", () -> debitFeature("image", -1, "r1"));
      assertInvalidField("amount", "AMOUNT_NOT_POSITIVE", () -> grant(GrantSource.GRANT_SOURCE_PROMO, 0, "r2"));
      assertInvalidField("amount", "AMOUNT_NEGATIVE", () -> reverse("dbt_x", -1, "r3"));
    }

    @Test
    void exactlyOneOfFeatureOrAssetAndAmount() {
      assertInvalidField("feature", "CONFLICTING_FIELDS", () -> wallet.checkAndDebit(
          CheckAndDebitRequest.newBuilder().setAccountId(account).setFeature("image")
              .setAsset(Asset.ASSET_TOKEN).setAmount(5).setRequestId("r").build()));
      assertInvalidField("feature", "MISSING_FIELD", () -> wallet.checkAndDebit(
          CheckAndDebitRequest.newBuilder().setAccountId(account).setRequestId("r").build()));
      assertInvalidField("asset", "MISSING_FIELD", () -> wallet.checkAndDebit(
          CheckAndDebitRequest.newBuilder().setAccountId(account).setAmount(5).setRequestId("r").build()));
      assertInvalidField("feature", "INVALID_CHARACTERS", () -> debitFeature("im age", 1, "r"));
    }

    @Test
    void unknownEnumValuesAreRejected() {
      assertInvalidField("asset", "UNKNOWN_ENUM_VALUE", () -> wallet.checkAndDebit(
          CheckAndDebitRequest.newBuilder().setAccountId(account).setAssetValue(99).setAmount(5)
              .setRequestId("r").build()));
      assertInvalidField("source", "UNKNOWN_ENUM_VALUE", () -> wallet.grant(GrantRequest.newBuilder()
          .setAccountId(account).setAsset(Asset.ASSET_TOKEN).setAmount(1).setSourceValue(42)
          .setRequestId("r").build()));
      assertInvalidField("source", "MISSING_FIELD", () -> wallet.grant(GrantRequest.newBuilder()
          .setAccountId(account).setAsset(Asset.ASSET_TOKEN).setAmount(1).setRequestId("r").build()));
      assertInvalidField("asset", "MISSING_FIELD", () -> wallet.grant(GrantRequest.newBuilder()
          .setAccountId(account).setAmount(1).setSource(GrantSource.GRANT_SOURCE_PROMO).setRequestId("r").build()));
    }

    @Test
    void amountsThatWouldOverflowAreRejectedWithoutAPartialWrite() {
      grant(GrantSource.GRANT_SOURCE_PURCHASE, Long.MAX_VALUE - 10, "g1");
      assertInvalidField("amount", "AMOUNT_OVERFLOW", () -> grant(GrantSource.GRANT_SOURCE_PURCHASE, 11, "g2"));
      assertInvalidField("quantity", "QUANTITY_TOO_LARGE", () -> debitFeature("image", 1_000_001, "d1"));
      assertThat(balance()).isEqualTo(Long.MAX_VALUE - 10);
      String fresh = "acct-" + UUID.randomUUID();
      assertInvalidField("amount", "AMOUNT_OVERFLOW", () -> {
        wallet.grant(GrantRequest.newBuilder().setAccountId(fresh).setAsset(Asset.ASSET_EUR)
            .setAmount(Long.MAX_VALUE).setSource(GrantSource.GRANT_SOURCE_TOP_UP).setRequestId("a").build());
        wallet.grant(GrantRequest.newBuilder().setAccountId(fresh).setAsset(Asset.ASSET_EUR)
            .setAmount(1).setSource(GrantSource.GRANT_SOURCE_TOP_UP).setRequestId("b").build());
      });
    }

    @Test
    void otherFieldsAreChecked() {
      assertInvalidField("expires_at", "EXPIRES_IN_PAST", () -> wallet.grant(GrantRequest.newBuilder()
          .setAccountId(account).setAsset(Asset.ASSET_TOKEN).setAmount(1)
          .setSource(GrantSource.GRANT_SOURCE_PROMO).setExpiresAt(ts(app.clock.instant().minusSeconds(1)))
          .setRequestId("r").build()));
      assertInvalidField("priority", "PRIORITY_NEGATIVE", () -> wallet.grant(GrantRequest.newBuilder()
          .setAccountId(account).setAsset(Asset.ASSET_TOKEN).setAmount(1).setPriority(-1)
          .setSource(GrantSource.GRANT_SOURCE_PROMO).setRequestId("r").build()));
      grant(GrantSource.GRANT_SOURCE_PROMO, 10, "g1");
      assertInvalidField("page_token", "INVALID_PAGE_TOKEN", () -> wallet.listLedgerEntries(
          ListLedgerEntriesRequest.newBuilder().setAccountId(account).setPageToken("garbage!").build()));
      assertInvalidField("page_size", "PAGE_SIZE_OUT_OF_RANGE", () -> wallet.listLedgerEntries(
          ListLedgerEntriesRequest.newBuilder().setAccountId(account).setPageSize(501).build()));
      assertInvalidField("metadata", "TOO_MANY_ENTRIES", () -> {
        CheckAndDebitRequest.Builder request =
            CheckAndDebitRequest.newBuilder().setAccountId(account).setFeature("image").setRequestId("m");
        for (int i = 0; i < 17; i++) {
          request.putMetadata("k" + i, "v");
        }
        wallet.checkAndDebit(request.build());
      });
    }

    @Test
    void unknownAccountsAreNotFoundForReads() {
      assertError(Status.Code.NOT_FOUND, "ACCOUNT_NOT_FOUND",
          () -> wallet.getBalance(GetBalanceRequest.newBuilder().setAccountId(account).build()));
      assertError(Status.Code.NOT_FOUND, "ACCOUNT_NOT_FOUND",
          () -> wallet.listLedgerEntries(ListLedgerEntriesRequest.newBuilder().setAccountId(account).build()));
      assertError(Status.Code.NOT_FOUND, "ACCOUNT_NOT_FOUND", () -> reverse("dbt_x", 0, "r"));
    }
  }

  // ---- platform --------------------------------------------------------------------------------------------------

  @Test
  void healthServiceAnswersServing() {
    HealthCheckResponse health =
        HealthGrpc.newBlockingStub(app.channel()).check(HealthCheckRequest.getDefaultInstance());
    assertThat(health.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
  }

  @Test
  void reflectionListsTheObolServices() throws Exception {
    assertThat(Reflection.listServices(app.channel())).contains("obol.v1.WalletService", "grpc.health.v1.Health");
  }

  // ---- helpers ---------------------------------------------------------------------------------------------------

  private GrantResponse grant(GrantSource source, long amount, String requestId) {
    return wallet.grant(
        GrantRequest.newBuilder()
            .setAccountId(account)
            .setAsset(Asset.ASSET_TOKEN)
            .setAmount(amount)
            .setSource(source)
            .setReason("test grant")
            .setRequestId(requestId)
            .build());
  }

  private CheckAndDebitResponse debitFeature(String feature, long quantity, String requestId) {
    return wallet.checkAndDebit(
        CheckAndDebitRequest.newBuilder()
            .setAccountId(account)
            .setFeature(feature)
            .setQuantity(quantity)
            .setRequestId(requestId)
            .build());
  }

  private CheckAndDebitResponse debitAmount(Asset asset, long amount, String requestId) {
    return wallet.checkAndDebit(
        CheckAndDebitRequest.newBuilder()
            .setAccountId(account)
            .setAsset(asset)
            .setAmount(amount)
            .setRequestId(requestId)
            .build());
  }

  private ReverseDebitResponse reverse(String debitId, long amount, String requestId) {
    return wallet.reverseDebit(
        ReverseDebitRequest.newBuilder()
            .setAccountId(account)
            .setDebitId(debitId)
            .setAmount(amount)
            .setRequestId(requestId)
            .build());
  }

  private long balance() {
    return wallet.getBalance(GetBalanceRequest.newBuilder().setAccountId(account).setAsset(Asset.ASSET_TOKEN).build())
        .getWallets(0)
        .getBalance();
  }

  private void setStatus(String status) throws Exception {
    try (Connection connection = app.bean(DataSource.class).getConnection();
        PreparedStatement update =
            connection.prepareStatement("UPDATE accounts SET status = ? WHERE account_id = ?")) {
      update.setString(1, status);
      update.setString(2, account);
      assertThat(update.executeUpdate()).isEqualTo(1);
    }
  }

  private static Timestamp ts(Instant instant) {
    return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
  }
}
