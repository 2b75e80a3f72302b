package dev.obol.app;

import static dev.obol.app.testing.GrpcAssertions.assertError;
import static dev.obol.app.testing.GrpcAssertions.assertInvalidField;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import com.google.rpc.ErrorInfo;
import dev.obol.app.testing.ObolTestApp;
import dev.obol.app.testing.Reflection;
import dev.obol.app.testing.ObolTestProperties;
import dev.obol.app.testing.ObolUnderTest;
import dev.obol.domain.security.Scope;
import dev.obol.domain.security.Secrets;
import dev.obol.grpc.RpcScopes;
import dev.obol.persistence.testing.TestDatabase;
import dev.obol.proto.v1.AccountServiceGrpc;
import dev.obol.proto.v1.AdminServiceGrpc;
import dev.obol.proto.v1.ApiKey;
import dev.obol.proto.v1.Asset;
import dev.obol.proto.v1.CheckAndDebitRequest;
import dev.obol.proto.v1.CreateApiKeyRequest;
import dev.obol.proto.v1.CreateApiKeyResponse;
import dev.obol.proto.v1.GetBalanceRequest;
import dev.obol.proto.v1.GrantRequest;
import dev.obol.proto.v1.GrantSource;
import dev.obol.proto.v1.LedgerEntry;
import dev.obol.proto.v1.ListApiKeysRequest;
import dev.obol.proto.v1.ListApiKeysResponse;
import dev.obol.proto.v1.ListFeaturesRequest;
import dev.obol.proto.v1.ListLedgerEntriesRequest;
import dev.obol.proto.v1.ReprocessStripeEventRequest;
import dev.obol.proto.v1.RevokeApiKeyRequest;
import dev.obol.proto.v1.RunMonthlyChargesRequest;
import dev.obol.proto.v1.WalletServiceGrpc;
import io.grpc.CallOptions;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.exceptions.ConfigurationException;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * API keys end to end: real socket, real app, real PostgreSQL; every refusal writes nothing. Apps started by hand
 * here ({@link ObolTestApp}): the second instance of the revocation test, the one with reflection off, and the
 * failed start.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecurityEndToEndTest implements ObolTestProperties {

  @Inject ObolUnderTest app;

  // ---- refusals ------------------------------------------------------------------------------------------------

  @Test
  void a_call_without_a_credential_is_unauthenticated_and_writes_nothing() {
    String account = newAccount();
    ErrorInfo info =
        assertError(
            Status.Code.UNAUTHENTICATED,
            "API_KEY_MISSING",
            () -> WalletServiceGrpc.newBlockingStub(app.bareChannel()).grant(grant(account, 1_000_000_000L, "r-1")));
    assertThat(info.getDomain()).isEqualTo("obol");
    assertNoAccount(account);
  }

  @Test
  void a_credential_that_is_not_bearer_is_missing() {
    String account = newAccount();
    Channel basic = withHeader("Basic " + ObolTestApp.ADMIN_KEY);
    assertError(
        Status.Code.UNAUTHENTICATED,
        "API_KEY_MISSING",
        () -> WalletServiceGrpc.newBlockingStub(basic).grant(grant(account, 10, "r-1")));
    assertError(
        Status.Code.UNAUTHENTICATED,
        "API_KEY_MISSING",
        () -> WalletServiceGrpc.newBlockingStub(withHeader("Bearer ")).grant(grant(account, 10, "r-1")));
    assertNoAccount(account);
  }

  @Test
  void unknown_and_malformed_secrets_are_invalid() {
    String account = newAccount();
    String forged = "obol_key_0000_" + "ab".repeat(32);
    for (String secret : List.of(forged, "not-a-key", ObolTestApp.ADMIN_KEY + "x", "obol_" + "x".repeat(600))) {
      assertError(
          Status.Code.UNAUTHENTICATED,
          "API_KEY_INVALID",
          () -> WalletServiceGrpc.newBlockingStub(app.withKey(secret)).grant(grant(account, 10, "r-1")));
    }
    assertNoAccount(account);
  }

  @Test
  void a_key_with_a_wrong_secret_for_a_real_key_id_is_invalid() {
    CreateApiKeyResponse created = createKey("real", List.of("wallet:read"), null, null);
    String keyId = created.getKey().getKeyId();
    String wrong = Secrets.PREFIX + keyId + "_" + "0".repeat(64);
    assertThat(wrong).isNotEqualTo(created.getSecret()).hasSameSizeAs(created.getSecret());
    assertError(
        Status.Code.UNAUTHENTICATED,
        "API_KEY_INVALID",
        () -> WalletServiceGrpc.newBlockingStub(app.withKey(wrong)).listFeatures(ListFeaturesRequest.getDefaultInstance()));
  }

  @Test
  void health_stays_open_without_a_key() {
    HealthCheckResponse health =
        HealthGrpc.newBlockingStub(app.bareChannel()).check(HealthCheckRequest.getDefaultInstance());
    assertThat(health.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
  }

  @Test
  void reflection_is_open_and_can_be_turned_off() throws Exception {
    assertThat(Reflection.listServices(app.bareChannel())).contains("obol.v1.AdminService", "obol.v1.WalletService");
    try (ObolTestApp closed = ObolTestApp.start(Map.of("obol.grpc.reflection", "false"))) {
      ExecutionException failure =
          catchThrowableOfType(ExecutionException.class, () -> Reflection.listServices(closed.bareChannel()));
      assertThat(Status.fromThrowable(failure.getCause()).getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
    }
  }

  @Test
  void a_guessable_bootstrap_key_stops_the_start() {
    Map<String, Object> properties = new java.util.HashMap<>();
    properties.put("obol.database.url", TestDatabase.get().freshDatabaseUrl());
    properties.put("obol.database.user", TestDatabase.get().user());
    properties.put("obol.database.password", TestDatabase.get().password());
    properties.put("obol.security.bootstrap-admin-key", "admin123");
    properties.put("grpc.server.port", 0);
    properties.put("micronaut.server.port", -1);
    ApplicationContext context = ApplicationContext.builder().properties(properties).deduceEnvironment(false).build();
    try {
      assertThatThrownBy(context::start)
          .hasRootCauseInstanceOf(ConfigurationException.class)
          .rootCause()
          .hasMessageContaining("OBOL_BOOTSTRAP_ADMIN_KEY must be at least 32 characters");
    } finally {
      context.close();
    }
  }

  // ---- scopes: every RPC against its scope -----------------------------------------------------------------------

  static Stream<Arguments> everyRpc() {
    List<Arguments> rpcs = new ArrayList<>();
    for (ServiceDescriptor service :
        List.of(
            WalletServiceGrpc.getServiceDescriptor(),
            AccountServiceGrpc.getServiceDescriptor(),
            AdminServiceGrpc.getServiceDescriptor())) {
      for (MethodDescriptor<?, ?> method : service.getMethods()) {
        rpcs.add(Arguments.of(method.getBareMethodName(), method));
      }
    }
    return rpcs.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyRpc")
  void every_rpc_has_a_scope_and_is_refused_to_a_key_without_it(String name, MethodDescriptor<?, ?> method) {
    Scope needed =
        RpcScopes.required(method.getFullMethodName())
            .orElseThrow(() -> new AssertionError(name + " has no scope in RpcScopes: add it to the table"));
    List<String> allButNeeded =
        EnumSet.complementOf(EnumSet.of(needed, Scope.ADMIN)).stream().map(Scope::wireName).toList();
    String account = newAccount();
    String lacking = createKey("all-but-" + needed.wireName(), allButNeeded, null, null).getSecret();

    ErrorInfo info =
        assertError(Status.Code.PERMISSION_DENIED, "SCOPE_MISSING", () -> call(method, lacking, account));
    assertThat(info.getMetadataMap()).containsEntry("scope", needed.wireName());
    assertNoAccount(account);

    if (needed != Scope.ADMIN) {
      // The scope alone passes the gate: whatever the RPC answers to an empty request, it is not an auth refusal.
      String only = createKey("only-" + needed.wireName(), List.of(needed.wireName()), null, null).getSecret();
      assertNotRefusedByAuth(() -> call(method, only, account));
    }
    // admin passes every gate.
    assertNotRefusedByAuth(() -> call(method, ObolTestApp.ADMIN_KEY, account));
  }

  @Test
  void the_scope_table_is_the_contract() {
    // The table, as strings: a change here is a change of the public contract.
    assertThat(Arrays.stream(Scope.values()).map(Scope::wireName))
        .containsExactly(
            "wallet:read",
            "wallet:debit",
            "wallet:grant",
            "account:read",
            "account:write",
            "account:operate",
            "charges:run",
            "keys:manage",
            "admin");
    assertThat(scopeOf(WalletServiceGrpc.getCheckAndDebitMethod())).isEqualTo("wallet:debit");
    assertThat(scopeOf(WalletServiceGrpc.getGrantMethod())).isEqualTo("wallet:grant");
    assertThat(scopeOf(AccountServiceGrpc.getRunMonthlyChargesMethod())).isEqualTo("charges:run");
    assertThat(scopeOf(AdminServiceGrpc.getReprocessStripeEventMethod())).isEqualTo("admin");
  }

  // ---- account-bound keys ----------------------------------------------------------------------------------------

  @Test
  void an_account_bound_key_reads_its_own_account_only() {
    String alice = newAccount();
    String bob = newAccount();
    app.wallet().grant(grant(alice, 500, "g-a"));
    app.wallet().grant(grant(bob, 700, "g-b"));
    String aliceKey =
        createKey("alice-frontend", List.of("wallet:read"), alice, Instant.now().plus(Duration.ofHours(1)))
            .getSecret();
    WalletServiceGrpc.WalletServiceBlockingStub asAlice = WalletServiceGrpc.newBlockingStub(app.withKey(aliceKey));

    assertThat(asAlice.getBalance(GetBalanceRequest.newBuilder().setAccountId(alice).build()).getWallets(0).getBalance())
        .isEqualTo(500);
    assertThat(asAlice.listFeatures(ListFeaturesRequest.getDefaultInstance()).getFeaturesCount()).isPositive();
    assertError(
        Status.Code.PERMISSION_DENIED,
        "ACCOUNT_NOT_ALLOWED",
        () -> asAlice.getBalance(GetBalanceRequest.newBuilder().setAccountId(bob).build()));
    assertError(
        Status.Code.PERMISSION_DENIED,
        "ACCOUNT_NOT_ALLOWED",
        () -> asAlice.listLedgerEntries(ListLedgerEntriesRequest.newBuilder().setAccountId(bob).build()));
  }

  @Test
  void an_account_bound_key_cannot_spend_another_account_nor_act_across_accounts() {
    String alice = newAccount();
    String bob = newAccount();
    app.wallet().grant(grant(bob, 700, "g-b"));
    String key =
        createKey("alice-backend", List.of("wallet:debit", "charges:run", "keys:manage"), alice, null).getSecret();
    assertError(
        Status.Code.PERMISSION_DENIED,
        "ACCOUNT_NOT_ALLOWED",
        () ->
            WalletServiceGrpc.newBlockingStub(app.withKey(key))
                .checkAndDebit(
                    CheckAndDebitRequest.newBuilder()
                        .setAccountId(bob)
                        .setFeature("image")
                        .setRequestId("d-1")
                        .build()));
    assertError(
        Status.Code.PERMISSION_DENIED,
        "ACCOUNT_NOT_ALLOWED",
        () ->
            AccountServiceGrpc.newBlockingStub(app.withKey(key))
                .runMonthlyCharges(RunMonthlyChargesRequest.newBuilder().setRequestId("run-1").build()));
    assertError(
        Status.Code.PERMISSION_DENIED,
        "ACCOUNT_NOT_ALLOWED",
        () -> AdminServiceGrpc.newBlockingStub(app.withKey(key)).listApiKeys(ListApiKeysRequest.getDefaultInstance()));
    // Bob's balance is untouched.
    assertThat(balance(bob)).isEqualTo(700);
  }

  // ---- key management ------------------------------------------------------------------------------------------

  @Test
  void a_created_key_works_and_only_its_hash_is_stored() throws Exception {
    CreateApiKeyResponse created = createKey("billing-service", List.of("wallet:grant", "wallet:read"), null, null);
    String secret = created.getSecret();
    assertThat(secret).startsWith("obol_" + created.getKey().getKeyId() + "_").hasSizeGreaterThan(5 + 64);
    assertThat(created.getKey().getScopesList()).containsExactly("wallet:grant", "wallet:read");
    assertThat(created.getKey().hasCreatedAt()).isTrue();

    String account = newAccount();
    WalletServiceGrpc.newBlockingStub(app.withKey(secret)).grant(grant(account, 42, "g-1"));
    assertThat(balance(account)).isEqualTo(42);

    try (Connection connection = app.bean(DataSource.class).getConnection();
        PreparedStatement select =
            connection.prepareStatement("SELECT * FROM api_keys WHERE key_id = ?")) {
      select.setString(1, created.getKey().getKeyId());
      try (ResultSet rows = select.executeQuery()) {
        assertThat(rows.next()).isTrue();
        int columns = rows.getMetaData().getColumnCount();
        for (int i = 1; i <= columns; i++) {
          String value = rows.getString(i);
          assertThat(value == null ? "" : value).doesNotContain(secret.substring(secret.length() - 64));
        }
        assertThat(HexFormat.of().formatHex(rows.getBytes("secret_sha256")))
            .isEqualTo(HexFormat.of().formatHex(Secrets.sha256(secret)));
      }
    }
  }

  @Test
  void a_write_records_the_key_that_made_it_and_the_ledger_shows_it() {
    CreateApiKeyResponse created = createKey("shop", List.of("wallet:grant", "wallet:debit"), null, null);
    String account = newAccount();
    Channel shop = app.withKey(created.getSecret());
    WalletServiceGrpc.newBlockingStub(shop).grant(grant(account, 100, "g-1"));
    WalletServiceGrpc.newBlockingStub(shop)
        .checkAndDebit(
            CheckAndDebitRequest.newBuilder()
                .setAccountId(account)
                .setAsset(Asset.ASSET_TOKEN)
                .setAmount(30)
                .setRequestId("d-1")
                .build());
    app.wallet().grant(grant(account, 5, "g-admin"));

    List<LedgerEntry> entries =
        app.wallet().listLedgerEntries(ListLedgerEntriesRequest.newBuilder().setAccountId(account).build()).getEntriesList();
    assertThat(entries).extracting(LedgerEntry::getRequestId).containsExactly("g-admin", "d-1", "g-1");
    assertThat(entries)
        .extracting(LedgerEntry::getKeyId)
        .containsExactly("bootstrap", created.getKey().getKeyId(), created.getKey().getKeyId());
    app.assertLedgerInvariant();
  }

  @Test
  void keys_manage_without_admin_cannot_give_more_than_it_holds() {
    String manager = createKey("manager", List.of("keys:manage", "wallet:read"), null, null).getSecret();
    AdminServiceGrpc.AdminServiceBlockingStub asManager = AdminServiceGrpc.newBlockingStub(app.withKey(manager));
    CreateApiKeyResponse narrower =
        asManager.createApiKey(
            CreateApiKeyRequest.newBuilder().setName("reader").addScopes("wallet:read").setRequestId("k-1").build());
    assertThat(narrower.getSecret()).startsWith("obol_");

    ErrorInfo info =
        assertError(
            Status.Code.PERMISSION_DENIED,
            "SCOPE_MISSING",
            () ->
                asManager.createApiKey(
                    CreateApiKeyRequest.newBuilder()
                        .setName("escalation")
                        .addScopes("wallet:read")
                        .addScopes("wallet:grant")
                        .setRequestId("k-2")
                        .build()));
    assertThat(info.getMetadataMap()).containsEntry("scope", "wallet:grant");
    assertError(
        Status.Code.PERMISSION_DENIED,
        "SCOPE_MISSING",
        () ->
            asManager.createApiKey(
                CreateApiKeyRequest.newBuilder().setName("escalation").addScopes("admin").setRequestId("k-3").build()));
    assertThat(allKeys()).extracting(ApiKey::getName).doesNotContain("escalation");
  }

  @Test
  void bad_key_requests_are_invalid_arguments() {
    AdminServiceGrpc.AdminServiceBlockingStub admin = AdminServiceGrpc.newBlockingStub(app.channel());
    assertInvalidField(
        "scopes",
        "UNKNOWN_SCOPE",
        () ->
            admin.createApiKey(
                CreateApiKeyRequest.newBuilder().setName("x").addScopes("wallet:write").setRequestId("b-1").build()));
    assertInvalidField(
        "scopes",
        "MISSING_FIELD",
        () -> admin.createApiKey(CreateApiKeyRequest.newBuilder().setName("x").setRequestId("b-2").build()));
    assertInvalidField(
        "name",
        "MISSING_FIELD",
        () -> admin.createApiKey(CreateApiKeyRequest.newBuilder().addScopes("admin").setRequestId("b-3").build()));
    assertInvalidField(
        "request_id",
        "MISSING_FIELD",
        () -> admin.createApiKey(CreateApiKeyRequest.newBuilder().setName("x").addScopes("admin").build()));
    assertInvalidField(
        "expires_at",
        "EXPIRES_IN_PAST",
        () ->
            admin.createApiKey(
                CreateApiKeyRequest.newBuilder()
                    .setName("x")
                    .addScopes("admin")
                    .setExpiresAt(timestamp(app.clock.instant().minusSeconds(1)))
                    .setRequestId("b-4")
                    .build()));
    assertThat(allKeys()).extracting(ApiKey::getName).doesNotContain("x");
  }

  @Test
  void a_retried_create_returns_the_same_key_without_its_secret_and_a_changed_one_conflicts() {
    AdminServiceGrpc.AdminServiceBlockingStub admin = AdminServiceGrpc.newBlockingStub(app.channel());
    String requestId = "create-" + UUID.randomUUID();
    CreateApiKeyRequest request =
        CreateApiKeyRequest.newBuilder().setName("retry").addScopes("wallet:read").setRequestId(requestId).build();
    CreateApiKeyResponse first = admin.createApiKey(request);
    CreateApiKeyResponse again = admin.createApiKey(request);
    assertThat(again.getKey()).isEqualTo(first.getKey());
    assertThat(again.getSecret()).isEmpty();
    assertError(
        Status.Code.FAILED_PRECONDITION,
        "REQUEST_ID_CONFLICT",
        () -> admin.createApiKey(request.toBuilder().addScopes("wallet:debit").build()));
    assertThat(allKeys()).filteredOn(k -> k.getName().equals("retry")).hasSize(1);
  }

  @Test
  void list_pages_through_every_key_and_never_shows_a_secret() {
    for (int i = 0; i < 5; i++) {
      createKey("page-" + i, List.of("wallet:read"), null, null);
    }
    List<ApiKey> all = allKeys();
    assertThat(all).extracting(ApiKey::getName).contains("page-0", "page-4");
    assertThat(all).extracting(ApiKey::getKeyId).doesNotHaveDuplicates();
    assertThat(ListApiKeysResponse.getDescriptor().getFields()).extracting(FieldDescriptor::getName)
        .containsExactly("keys", "next_page_token");
    assertThat(ApiKey.getDescriptor().getFields()).extracting(FieldDescriptor::getName).doesNotContain("secret");
  }

  @Test
  void the_last_use_is_recorded() throws Exception {
    CreateApiKeyResponse created = createKey("used", List.of("wallet:read"), null, null);
    WalletServiceGrpc.newBlockingStub(app.withKey(created.getSecret())).listFeatures(ListFeaturesRequest.getDefaultInstance());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    ApiKey listed;
    do {
      Thread.sleep(50);
      listed = allKeys().stream().filter(k -> k.getKeyId().equals(created.getKey().getKeyId())).findFirst().orElseThrow();
    } while (!listed.hasLastUsedAt() && System.nanoTime() < deadline);
    assertThat(listed.hasLastUsedAt()).as("last_used_at recorded").isTrue();
  }

  @Test
  void reprocessing_a_stripe_event_is_an_admin_rpc_with_clear_errors() {
    AdminServiceGrpc.AdminServiceBlockingStub admin = AdminServiceGrpc.newBlockingStub(app.channel());
    assertError(
        Status.Code.NOT_FOUND,
        "EVENT_NOT_FOUND",
        () -> admin.reprocessStripeEvent(ReprocessStripeEventRequest.newBuilder().setEventId("evt_never_seen").build()));
    assertInvalidField(
        "event_id", "MISSING_FIELD", () -> admin.reprocessStripeEvent(ReprocessStripeEventRequest.getDefaultInstance()));
  }

  // ---- revocation and expiry -------------------------------------------------------------------------------------

  @Test
  void a_revoked_key_is_refused_at_once_here_and_within_five_seconds_by_another_instance() throws Exception {
    CreateApiKeyResponse created = createKey("to-revoke", List.of("wallet:read"), null, null);
    try (ObolTestApp second = app.secondInstance()) {
      WalletServiceGrpc.WalletServiceBlockingStub onSecond =
          WalletServiceGrpc.newBlockingStub(second.withKey(created.getSecret()));
      onSecond.listFeatures(ListFeaturesRequest.getDefaultInstance()); // verified and cached there

      ApiKey revoked =
          AdminServiceGrpc.newBlockingStub(app.channel())
              .revokeApiKey(
                  RevokeApiKeyRequest.newBuilder().setKeyId(created.getKey().getKeyId()).setRequestId("rv-1").build())
              .getKey();
      long revokedAtNanos = System.nanoTime();
      assertThat(revoked.hasRevokedAt()).isTrue();
      assertError(
          Status.Code.UNAUTHENTICATED,
          "API_KEY_INVALID",
          () ->
              WalletServiceGrpc.newBlockingStub(app.withKey(created.getSecret()))
                  .listFeatures(ListFeaturesRequest.getDefaultInstance()));

      boolean refused = false;
      while (!refused && System.nanoTime() - revokedAtNanos < TimeUnit.SECONDS.toNanos(6)) {
        try {
          onSecond.listFeatures(ListFeaturesRequest.getDefaultInstance());
          Thread.sleep(100);
        } catch (StatusRuntimeException e) {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
          refused = true;
        }
      }
      assertThat(refused).as("refused by the second instance").isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - revokedAtNanos)).isLessThanOrEqualTo(Duration.ofSeconds(5));
    }
    // Revoking again answers the key as it is.
    ApiKey again =
        AdminServiceGrpc.newBlockingStub(app.channel())
            .revokeApiKey(
                RevokeApiKeyRequest.newBuilder().setKeyId(created.getKey().getKeyId()).setRequestId("rv-2").build())
            .getKey();
    assertThat(again.getRevokedAt()).isEqualTo(allKeys().stream()
        .filter(k -> k.getKeyId().equals(created.getKey().getKeyId())).findFirst().orElseThrow().getRevokedAt());
    assertError(
        Status.Code.NOT_FOUND,
        "KEY_NOT_FOUND",
        () ->
            AdminServiceGrpc.newBlockingStub(app.channel())
                .revokeApiKey(RevokeApiKeyRequest.newBuilder().setKeyId("key_nope").setRequestId("rv-3").build()));
  }

  @Test
  void an_expired_key_is_invalid() throws Exception {
    Instant expiresAt = app.clock.instant().plus(Duration.ofHours(1));
    String secret = createKey("short-lived", List.of("wallet:read"), null, expiresAt).getSecret();
    WalletServiceGrpc.WalletServiceBlockingStub stub = WalletServiceGrpc.newBlockingStub(app.withKey(secret));
    stub.listFeatures(ListFeaturesRequest.getDefaultInstance());
    Instant before = app.clock.instant();
    try {
      app.clock.set(expiresAt);
      assertError(
          Status.Code.UNAUTHENTICATED, "API_KEY_INVALID", () -> stub.listFeatures(ListFeaturesRequest.getDefaultInstance()));
    } finally {
      app.clock.set(before);
    }
  }

  // ---- helpers ---------------------------------------------------------------------------------------------------

  private static String scopeOf(MethodDescriptor<?, ?> method) {
    return RpcScopes.required(method.getFullMethodName()).map(Scope::wireName).orElse(null);
  }

  /** Calls any RPC with a minimal request naming the account (where it has one) and a request id. */
  private Object call(MethodDescriptor<?, ?> method, String secret, String account) {
    @SuppressWarnings("unchecked")
    MethodDescriptor<Message, Message> typed = (MethodDescriptor<Message, Message>) method;
    Message prototype =
        (Message) ((MethodDescriptor.PrototypeMarshaller<?>) method.getRequestMarshaller()).getMessagePrototype();
    Message.Builder request = prototype.toBuilder();
    FieldDescriptor accountField = prototype.getDescriptorForType().findFieldByName("account_id");
    if (accountField != null) {
      request.setField(accountField, account);
    }
    FieldDescriptor requestField = prototype.getDescriptorForType().findFieldByName("request_id");
    if (requestField != null) {
      request.setField(requestField, "scope-test-" + UUID.randomUUID());
    }
    return ClientCalls.blockingUnaryCall(
        app.withKey(secret), typed, CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS), request.build());
  }

  private void assertNotRefusedByAuth(Runnable call) {
    try {
      call.run();
    } catch (StatusRuntimeException e) {
      assertThat(e.getStatus().getCode())
          .as("%s", e.getStatus())
          .isNotIn(Status.Code.UNAUTHENTICATED, Status.Code.PERMISSION_DENIED, Status.Code.INTERNAL);
    }
  }

  private CreateApiKeyResponse createKey(String name, List<String> scopes, String account, Instant expiresAt) {
    CreateApiKeyRequest.Builder request =
        CreateApiKeyRequest.newBuilder().setName(name).addAllScopes(scopes).setRequestId("key-" + UUID.randomUUID());
    if (account != null) {
      request.setAccountId(account);
    }
    if (expiresAt != null) {
      request.setExpiresAt(timestamp(expiresAt));
    }
    return AdminServiceGrpc.newBlockingStub(app.channel()).createApiKey(request.build());
  }

  private List<ApiKey> allKeys() {
    List<ApiKey> keys = new ArrayList<>();
    String token = "";
    do {
      ListApiKeysResponse page =
          AdminServiceGrpc.newBlockingStub(app.channel())
              .listApiKeys(ListApiKeysRequest.newBuilder().setPageSize(2).setPageToken(token).build());
      keys.addAll(page.getKeysList());
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    return keys;
  }

  private static GrantRequest grant(String account, long amount, String requestId) {
    return GrantRequest.newBuilder()
        .setAccountId(account)
        .setAsset(Asset.ASSET_TOKEN)
        .setAmount(amount)
        .setSource(GrantSource.GRANT_SOURCE_PROMO)
        .setRequestId(requestId)
        .build();
  }

  private long balance(String account) {
    return app.wallet().getBalance(GetBalanceRequest.newBuilder().setAccountId(account).setAsset(Asset.ASSET_TOKEN).build())
        .getWallets(0)
        .getBalance();
  }

  private void assertNoAccount(String account) {
    assertError(
        Status.Code.NOT_FOUND,
        "ACCOUNT_NOT_FOUND",
        () -> app.wallet().getBalance(GetBalanceRequest.newBuilder().setAccountId(account).build()));
  }

  private Channel withHeader(String authorization) {
    io.grpc.Metadata headers = new io.grpc.Metadata();
    headers.put(io.grpc.Metadata.Key.of("authorization", io.grpc.Metadata.ASCII_STRING_MARSHALLER), authorization);
    return io.grpc.ClientInterceptors.intercept(
        app.bareChannel(), io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  private static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
  }

  private static String newAccount() {
    return "acct-" + UUID.randomUUID();
  }
}
