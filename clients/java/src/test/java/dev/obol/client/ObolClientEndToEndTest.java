package dev.obol.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.obol.proto.v1.Asset;
import dev.obol.proto.v1.CheckAndDebitRequest;
import dev.obol.proto.v1.CheckAndDebitResponse;
import dev.obol.proto.v1.CreateApiKeyRequest;
import dev.obol.proto.v1.DenialReason;
import dev.obol.proto.v1.GetBalanceRequest;
import dev.obol.proto.v1.GrantRequest;
import dev.obol.proto.v1.GrantSource;
import io.grpc.Status;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The client against a real Obol ({@code app/target/obol.jar} as a process, on its embedded PostgreSQL): each test on
 * an account of its own, granted tokens by the admin key, debited by a key bound to it with the scopes an application
 * gets (wallet:debit, wallet:read). The default catalog prices {@code image} at 50 tokens.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ObolClientEndToEndTest {

  private RealObol obol;
  private ObolClient admin;
  private String account;
  private ObolClient app;

  @BeforeAll
  void start() throws Exception {
    obol = RealObol.start();
    admin = obol.client(RealObol.ADMIN_KEY);
  }

  @AfterAll
  void stop() throws Exception {
    if (app != null) {
      app.close();
    }
    if (admin != null) {
      admin.close();
    }
    if (obol != null) {
      obol.close();
    }
  }

  @BeforeEach
  void anAccountWithItsOwnKey() {
    account = "acct-" + UUID.randomUUID();
    String secret =
        admin
            .createApiKey(
                CreateApiKeyRequest.newBuilder()
                    .setName("app for " + account)
                    .addScopes("wallet:debit")
                    .addScopes("wallet:read")
                    .setAccountId(account)
                    .build())
            .getSecret();
    if (app != null) {
      app.close();
    }
    app = obol.client(secret);
  }

  @Test
  void a_debit_is_allowed_and_lowers_the_balance() {
    grant(100);

    CheckAndDebitResponse debit = app.checkAndDebit(debit("image", "d1"));

    assertThat(debit.getAllowed()).isTrue();
    assertThat(debit.getDebited()).isEqualTo(50);
    assertThat(debit.getBalance()).isEqualTo(50);
    assertThat(debit.getDebitId()).isNotEmpty();
    assertThat(balance()).isEqualTo(50);
  }

  @Test
  void an_insufficient_balance_is_a_denial_not_an_error() {
    grant(10);

    CheckAndDebitResponse debit = app.checkAndDebit(debit("image", "d1"));

    assertThat(debit.getAllowed()).isFalse();
    assertThat(debit.getDenialReason()).isEqualTo(DenialReason.DENIAL_REASON_INSUFFICIENT_BALANCE);
    assertThat(debit.getDebited()).isZero();
    assertThat(balance()).isEqualTo(10);
  }

  @Test
  void the_same_request_id_twice_returns_the_first_answer_and_debits_once() {
    grant(200);

    CheckAndDebitResponse first = app.checkAndDebit(debit("image", "same"));
    CheckAndDebitResponse retry = app.checkAndDebit(debit("image", "same"));

    assertThat(retry).isEqualTo(first);
    assertThat(balance()).isEqualTo(150);
  }

  @Test
  void the_same_request_id_with_other_content_is_a_conflict() {
    grant(200);
    app.checkAndDebit(debit("image", "same"));

    ObolException conflict =
        catchThrowableOfType(ObolException.class, () -> app.checkAndDebit(debit("audio", "same")));

    assertThat(conflict.code()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(conflict.reason()).isEqualTo("REQUEST_ID_CONFLICT");
    assertThat(conflict.domain()).isEqualTo("obol");
    assertThat(balance()).isEqualTo(150);
  }

  @Test
  void an_unknown_key_is_refused() {
    try (ObolClient stranger = obol.client("obol_unknown_0123456789abcdef0123456789abcdef")) {
      ObolException refused = catchThrowableOfType(ObolException.class, stranger::listFeatures);

      assertThat(refused.code()).isEqualTo(Status.Code.UNAUTHENTICATED);
      assertThat(refused.reason()).isEqualTo("API_KEY_INVALID");
    }
  }

  @Test
  void a_bad_argument_names_its_field() {
    ObolException invalid =
        catchThrowableOfType(
            ObolException.class,
            () -> admin.checkAndDebit(
                CheckAndDebitRequest.newBuilder().setAccountId("acct\u202e").setFeature("image").build()));

    assertThat(invalid.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(invalid.reason()).isEqualTo("INVALID_CHARACTERS");
    assertThat(invalid.field()).contains("account_id");
    assertThat(invalid.metadata()).containsEntry("field", "account_id");
  }

  @Test
  void a_missing_scope_says_which_in_the_metadata() {
    ObolException denied =
        catchThrowableOfType(ObolException.class, () -> app.grant(grantRequest(100).build()));

    assertThat(denied.code()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(denied.reason()).isEqualTo("SCOPE_MISSING");
    assertThat(denied.metadata()).containsEntry("scope", "wallet:grant");
    assertThat(denied.field()).isEmpty();
  }

  @Test
  void a_write_without_a_request_id_gets_one() {
    grant(100);

    CheckAndDebitResponse debit =
        app.checkAndDebit(CheckAndDebitRequest.newBuilder().setAccountId(account).setFeature("image").build());

    assertThat(debit.getAllowed()).isTrue();
    assertThat(balance()).isEqualTo(50);
  }

  /** The README's program, as printed there but for the target and key: it compiles, and it runs. */
  @Test
  void the_readme_program_runs() {
    grant(100);
    String target = obol.target();
    String apiKey = admin.createApiKey(CreateApiKeyRequest.newBuilder().setName("readme").addScopes("wallet:debit")
        .setAccountId(account).build()).getSecret();
    CheckAndDebitResponse seen;
    try (ObolClient obol = ObolClient.builder().target(target).apiKey(apiKey).build()) {
      CheckAndDebitResponse debit = obol.checkAndDebit(CheckAndDebitRequest.newBuilder()
          .setAccountId(account).setFeature("image").setRequestId("job-42").build());
      if (debit.getAllowed()) {
        System.out.println("debited " + debit.getDebited() + ", balance " + debit.getBalance());
      } else {
        System.out.println("denied: " + debit.getDenialReason());
      }
      seen = debit;
    } catch (ObolException e) {
      System.err.println(e.code() + " " + e.reason() + " " + e.field().orElse(""));
      throw e;
    }
    assertThat(seen.getBalance()).isEqualTo(50);
  }

  private void grant(long amount) {
    admin.grant(grantRequest(amount).setRequestId("grant-" + UUID.randomUUID()).build());
  }

  private GrantRequest.Builder grantRequest(long amount) {
    return GrantRequest.newBuilder()
        .setAccountId(account)
        .setAsset(Asset.ASSET_TOKEN)
        .setAmount(amount)
        .setSource(GrantSource.GRANT_SOURCE_PROMO)
        .setReason("client test");
  }

  private CheckAndDebitRequest debit(String feature, String requestId) {
    return CheckAndDebitRequest.newBuilder()
        .setAccountId(account)
        .setFeature(feature)
        .setRequestId(account + "/" + requestId) // request ids need not be unique across accounts: to be safe
        .build();
  }

  private long balance() {
    return app.getBalance(GetBalanceRequest.newBuilder().setAccountId(account).setAsset(Asset.ASSET_TOKEN).build())
        .getWallets(0)
        .getBalance();
  }
}
