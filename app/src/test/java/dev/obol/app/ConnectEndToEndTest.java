package dev.obol.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import com.google.rpc.ErrorInfo;
import dev.obol.app.connect.ConnectDispatcher;
import dev.obol.app.testing.ObolTestApp;
import dev.obol.app.testing.ObolTestProperties;
import dev.obol.app.testing.ObolUnderTest;
import dev.obol.domain.port.LedgerAudit;
import dev.obol.domain.testing.LedgerInvariantExtension;
import dev.obol.proto.v1.AccountServiceGrpc;
import dev.obol.proto.v1.AdminServiceGrpc;
import dev.obol.proto.v1.Asset;
import dev.obol.proto.v1.CheckAndDebitRequest;
import dev.obol.proto.v1.CheckAndDebitResponse;
import dev.obol.proto.v1.GrantRequest;
import dev.obol.proto.v1.GrantResponse;
import dev.obol.proto.v1.GrantSource;
import dev.obol.proto.v1.ListFeaturesResponse;
import dev.obol.proto.v1.GetBalanceRequest;
import dev.obol.proto.v1.WalletServiceGrpc;
import io.grpc.MethodDescriptor;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Connect face (HTTP/JSON on the HTTP port) end to end: java.net.http against the real app and PostgreSQL, with
 * the same key, scopes, input checks and idempotency as gRPC.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConnectEndToEndTest implements ObolTestProperties {

  /** Connect's HTTP status of each code (connectrpc.com/docs/protocol), written out here, not taken from main. */
  static final Map<String, Integer> CONNECT_HTTP_STATUS = Map.ofEntries(
      Map.entry("canceled", 499), Map.entry("unknown", 500), Map.entry("invalid_argument", 400),
      Map.entry("deadline_exceeded", 504), Map.entry("not_found", 404), Map.entry("already_exists", 409),
      Map.entry("permission_denied", 403), Map.entry("resource_exhausted", 429),
      Map.entry("failed_precondition", 400), Map.entry("aborted", 409), Map.entry("out_of_range", 400),
      Map.entry("unimplemented", 501), Map.entry("internal", 500), Map.entry("unavailable", 503),
      Map.entry("data_loss", 500), Map.entry("unauthenticated", 401));

  @Inject ObolUnderTest app;

  @RegisterExtension
  final LedgerInvariantExtension ledgerInvariant =
      LedgerInvariantExtension.over(() -> app.bean(LedgerAudit.class), () -> app.clock.instant());

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private String account;

  @BeforeEach
  void newAccount() {
    account = "acct-" + UUID.randomUUID();
  }

  // ---- every RPC has its face ------------------------------------------------------------------------------------

  static Stream<MethodDescriptor<?, ?>> unaryMethods() {
    return Stream.of(
            WalletServiceGrpc.getServiceDescriptor(),
            AccountServiceGrpc.getServiceDescriptor(),
            AdminServiceGrpc.getServiceDescriptor())
        .map(ServiceDescriptor::getMethods)
        .flatMap(methods -> methods.stream())
        .filter(method -> method.getType() == MethodType.UNARY)
        .map(method -> (MethodDescriptor<?, ?>) method);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unaryMethods")
  void everyUnaryRpcAnswersOverConnect(MethodDescriptor<?, ?> method) throws Exception {
    HttpResponse<String> response = post("/" + method.getFullMethodName(), "{}", ObolTestApp.ADMIN_KEY);

    assertThat(response.statusCode()).as(method.getFullMethodName()).isNotIn(404, 405, 415);
    assertThat(response.headers().firstValue("content-type").orElse("")).startsWith("application/json");
    if (response.statusCode() == 200) {
      // Proto-JSON of the RPC's response type (unknown fields would fail the parse).
      Message prototype = (Message) ((MethodDescriptor.PrototypeMarshaller<?>) method.getResponseMarshaller())
          .getMessagePrototype();
      JsonFormat.parser().merge(response.body(), prototype.newBuilderForType());
    } else {
      Struct error = json(response.body());
      String code = error.getFieldsOrThrow("code").getStringValue();
      assertThat(CONNECT_HTTP_STATUS).as("%s: %s", method.getFullMethodName(), response.body()).containsKey(code);
      assertThat(response.statusCode()).as(response.body()).isEqualTo(CONNECT_HTTP_STATUS.get(code));
      assertThat(errorInfo(error).getDomain()).isEqualTo("obol");
    }
  }

  @Test
  void theFacesAreExactlyTheContractsUnaryRpcs() {
    Set<String> contract = unaryMethods().map(MethodDescriptor::getFullMethodName).collect(Collectors.toSet());
    assertThat(contract).hasSizeGreaterThan(15);
    assertThat(app.bean(ConnectDispatcher.class).procedures().keySet()).containsExactlyInAnyOrderElementsOf(contract);
  }

  @Test
  void anUnknownProcedureIs404AndOtherRoutesAreNotShadowed() throws Exception {
    HttpResponse<String> unknown = post("/obol.v1.WalletService/NoSuchMethod", "{}", ObolTestApp.ADMIN_KEY);
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body()).contains("\"code\":\"unimplemented\"");

    assertThat(http.send(HttpRequest.newBuilder(uri("/health")).GET().build(), HttpResponse.BodyHandlers.ofString())
        .statusCode()).isEqualTo(200);
    HttpResponse<String> webhook = post("/stripe/webhook", "{}", null);
    assertThat(webhook.body()).doesNotContain("\"code\":");
  }

  // ---- the seed systems' three calls -----------------------------------------------------------------------------

  @Test
  void addTokensConsumeTokensReadTheBalance() throws Exception {
    HttpResponse<String> granted = post("/obol.v1.WalletService/Grant", """
        {"accountId":"%s","asset":"ASSET_TOKEN","amount":"500","source":"GRANT_SOURCE_PURCHASE",
         "reason":"seed","requestId":"g1"}""".formatted(account), ObolTestApp.ADMIN_KEY);
    assertThat(granted.statusCode()).as(granted.body()).isEqualTo(200);
    assertThat(granted.headers().firstValue("content-type").orElse("")).startsWith("application/json");
    assertThat(granted.body()).matches("\\{\"grantId\":\"grt_[A-Za-z0-9_-]+\",\"balance\":\"500\"}");
    String grantId = json(granted.body()).getFieldsOrThrow("grantId").getStringValue();

    HttpResponse<String> debited = post("/obol.v1.WalletService/CheckAndDebit", """
        {"accountId":"%s","feature":"image","requestId":"d1"}""".formatted(account), ObolTestApp.ADMIN_KEY);
    assertThat(debited.statusCode()).as(debited.body()).isEqualTo(200);
    assertThat(debited.body()).matches(
        "\\{\"allowed\":true,\"denialReason\":\"DENIAL_REASON_UNSPECIFIED\",\"debitId\":\"dbt_[A-Za-z0-9_-]+\","
            + "\"debited\":\"50\",\"balance\":\"450\",\"lowBalance\":false}");

    HttpResponse<String> balance = post("/obol.v1.WalletService/GetBalance", """
        {"accountId":"%s","asset":"ASSET_TOKEN"}""".formatted(account), ObolTestApp.ADMIN_KEY);
    assertThat(balance.statusCode()).as(balance.body()).isEqualTo(200);
    Struct wallet = json(balance.body()).getFieldsOrThrow("wallets").getListValue().getValues(0).getStructValue();
    assertThat(wallet.getFieldsOrThrow("asset").getStringValue()).isEqualTo("ASSET_TOKEN");
    assertThat(wallet.getFieldsOrThrow("balance").getStringValue()).isEqualTo("450");
    Struct grant = wallet.getFieldsOrThrow("grants").getListValue().getValues(0).getStructValue();
    assertThat(grant.getFieldsOrThrow("grantId").getStringValue()).isEqualTo(grantId);
    assertThat(grant.getFieldsOrThrow("remaining").getStringValue()).isEqualTo("450");
    // The same state as gRPC sees it: one ledger, one code path.
    assertThat(app.wallet().getBalance(GetBalanceRequest.newBuilder().setAccountId(account)
        .setAsset(Asset.ASSET_TOKEN).build()).getWallets(0).getBalance()).isEqualTo(450);
  }

  @Test
  void aRetryWithTheSameRequestIdAnswersTheFirstAnswerByteForByte() throws Exception {
    String grant = """
        {"accountId":"%s","asset":"ASSET_TOKEN","amount":"100","source":"GRANT_SOURCE_PURCHASE","requestId":"g1"}"""
        .formatted(account);
    HttpResponse<String> firstGrant = post("/obol.v1.WalletService/Grant", grant, ObolTestApp.ADMIN_KEY);
    assertThat(post("/obol.v1.WalletService/Grant", grant, ObolTestApp.ADMIN_KEY).body())
        .isEqualTo(firstGrant.body());

    String debit = """
        {"accountId":"%s","feature":"article","quantity":"2","requestId":"d1"}""".formatted(account);
    HttpResponse<String> first = post("/obol.v1.WalletService/CheckAndDebit", debit, ObolTestApp.ADMIN_KEY);
    HttpResponse<String> retry = post("/obol.v1.WalletService/CheckAndDebit", debit, ObolTestApp.ADMIN_KEY);
    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    assertThat(json(first.body()).getFieldsOrThrow("balance").getStringValue()).isEqualTo("94");
    assertThat(retry.statusCode()).isEqualTo(200);
    assertThat(retry.body().getBytes(StandardCharsets.UTF_8)).isEqualTo(first.body().getBytes(StandardCharsets.UTF_8));
    assertThat(app.wallet().getBalance(GetBalanceRequest.newBuilder().setAccountId(account).build())
        .getWallets(0).getBalance()).isEqualTo(94);
  }

  // ---- errors ----------------------------------------------------------------------------------------------------

  @Test
  void noKeyIs401WithTheReasonInTheDetails() throws Exception {
    HttpResponse<String> response = post("/obol.v1.WalletService/GetBalance",
        "{\"accountId\":\"%s\"}".formatted(account), null);
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("content-type").orElse("")).startsWith("application/json");
    Struct error = json(response.body());
    assertThat(error.getFieldsOrThrow("code").getStringValue()).isEqualTo("unauthenticated");
    assertThat(error.getFieldsOrThrow("message").getStringValue()).contains("authorization: Bearer");
    Struct detail = error.getFieldsOrThrow("details").getListValue().getValues(0).getStructValue();
    assertThat(detail.getFieldsOrThrow("type").getStringValue()).isEqualTo("google.rpc.ErrorInfo");
    assertThat(detail.getFieldsOrThrow("debug").getStructValue().getFieldsOrThrow("reason").getStringValue())
        .isEqualTo("API_KEY_MISSING");
    ErrorInfo info = errorInfo(error);
    assertThat(info.getReason()).isEqualTo("API_KEY_MISSING");
    assertThat(info.getDomain()).isEqualTo("obol");

    HttpResponse<String> wrongKey = post("/obol.v1.WalletService/GetBalance",
        "{\"accountId\":\"%s\"}".formatted(account), "obol_not_a_key_0123456789abcdef0123456789");
    assertThat(wrongKey.statusCode()).isEqualTo(401);
    assertThat(errorInfo(json(wrongKey.body())).getReason()).isEqualTo("API_KEY_INVALID");
  }

  @Test
  void aBadFieldIs400InvalidArgumentWithReasonAndField() throws Exception {
    HttpResponse<String> response = post("/obol.v1.WalletService/Grant", """
        {"accountId":"%s","asset":"ASSET_TOKEN","amount":"100","source":"GRANT_SOURCE_PURCHASE",
         "reason":"goodwill\\u0000","requestId":"g1"}""".formatted(account), ObolTestApp.ADMIN_KEY);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
    Struct error = json(response.body());
    assertThat(error.getFieldsOrThrow("code").getStringValue()).isEqualTo("invalid_argument");
    ErrorInfo info = errorInfo(error);
    assertThat(info.getReason()).isEqualTo("INVALID_CHARACTER");
    assertThat(info.getMetadataMap()).containsEntry("field", "reason");
    // Nothing was written: the account was not even created.
    assertThat(catchThrowableOfType(StatusRuntimeException.class, () -> app.wallet().getBalance(
        GetBalanceRequest.newBuilder().setAccountId(account).build())).getStatus().getCode())
        .isEqualTo(Status.Code.NOT_FOUND);
  }

  @Test
  void anUnknownJsonFieldOrNonJsonIs400() throws Exception {
    HttpResponse<String> unknown = post("/obol.v1.WalletService/GetBalance",
        "{\"accountId\":\"%s\",\"acount\":\"x\"}".formatted(account), ObolTestApp.ADMIN_KEY);
    assertThat(unknown.statusCode()).isEqualTo(400);
    Struct error = json(unknown.body());
    assertThat(error.getFieldsOrThrow("code").getStringValue()).isEqualTo("invalid_argument");
    assertThat(error.getFieldsOrThrow("message").getStringValue()).contains("acount");
    assertThat(errorInfo(error).getReason()).isEqualTo("INVALID_JSON");

    HttpResponse<String> broken = post("/obol.v1.WalletService/GetBalance", "{\"accountId\":", ObolTestApp.ADMIN_KEY);
    assertThat(broken.statusCode()).isEqualTo(400);
    assertThat(errorInfo(json(broken.body())).getReason()).isEqualTo("INVALID_JSON");
  }

  @Test
  void aBodyOverOneMebibyteIs413AndOneMebibyteIsRead() throws Exception {
    int mebibyte = 1024 * 1024;
    HttpResponse<String> tooLarge = post("/obol.v1.WalletService/ListFeatures", padded(mebibyte + 1),
        ObolTestApp.ADMIN_KEY);
    assertThat(tooLarge.statusCode()).isEqualTo(413);
    assertThat(json(tooLarge.body()).getFieldsOrThrow("code").getStringValue()).isEqualTo("resource_exhausted");

    HttpResponse<String> justFits = post("/obol.v1.WalletService/ListFeatures", padded(mebibyte),
        ObolTestApp.ADMIN_KEY);
    assertThat(justFits.statusCode()).as(justFits.body()).isEqualTo(200);
    assertThat(justFits.body()).contains("\"feature\":\"image\"");
  }

  @ParameterizedTest
  @ValueSource(strings = {"text/plain", "application/protobuf", "application/x-protobuf", "application/grpc",
      "application/connect+proto", "application/connect+json", "application/x-www-form-urlencoded",
      "application/json; charset=latin1"})
  void aContentTypeOtherThanJsonOrProtoIs415(String contentType) throws Exception {
    HttpResponse<String> response = http.send(
        HttpRequest.newBuilder(uri("/obol.v1.WalletService/ListFeatures"))
            .header("content-type", contentType)
            .header("authorization", "Bearer " + ObolTestApp.ADMIN_KEY)
            .POST(HttpRequest.BodyPublishers.ofString("{}"))
            .build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(415);
    assertThat(response.headers().firstValue("accept-post")).contains("application/json, application/proto");
    Struct error = json(response.body());
    assertThat(errorInfo(error).getReason()).isEqualTo("UNSUPPORTED_MEDIA_TYPE");
    assertThat(error.getFieldsOrThrow("message").getStringValue()).contains("application/json", "application/proto");
  }

  @Test
  void jsonWithUtf8CharsetIsAccepted() throws Exception {
    HttpResponse<String> response = http.send(
        HttpRequest.newBuilder(uri("/obol.v1.WalletService/ListFeatures"))
            .header("content-type", "application/json; charset=utf-8")
            .header("authorization", "Bearer " + ObolTestApp.ADMIN_KEY)
            .POST(HttpRequest.BodyPublishers.ofString("{}"))
            .build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }

  @Test
  void getIs405PostOnly() throws Exception {
    HttpResponse<String> response = http.send(
        HttpRequest.newBuilder(uri("/obol.v1.WalletService/ListFeatures?encoding=json&message=%7B%7D"))
            .header("authorization", "Bearer " + ObolTestApp.ADMIN_KEY).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(405);
    assertThat(response.headers().firstValue("allow")).contains("POST");
  }

  @Test
  void aBadTimeoutHeaderIs400AndAGoodOneIsTheDeadline() throws Exception {
    HttpResponse<String> bad = http.send(
        request("/obol.v1.WalletService/ListFeatures", "{}", ObolTestApp.ADMIN_KEY)
            .header("connect-timeout-ms", "soon").build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(errorInfo(json(bad.body())).getReason()).isEqualTo("CONNECT_TIMEOUT_INVALID");

    HttpResponse<String> good = http.send(
        request("/obol.v1.WalletService/ListFeatures", "{}", ObolTestApp.ADMIN_KEY)
            .header("connect-timeout-ms", "10000").header("connect-protocol-version", "1").build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(good.statusCode()).isEqualTo(200);
  }

  // ---- the binary codec (application/proto), as buf curl --protocol connect sends it ------------------------------

  @Test
  void checkAndDebitInTheBinaryCodec() throws Exception {
    HttpResponse<byte[]> granted = postProto("/obol.v1.WalletService/Grant", GrantRequest.newBuilder()
        .setAccountId(account).setAsset(Asset.ASSET_TOKEN).setAmount(500).setSource(GrantSource.GRANT_SOURCE_PURCHASE)
        .setReason("seed").setRequestId("g1").build().toByteArray(), ObolTestApp.ADMIN_KEY);
    assertThat(granted.statusCode()).as(text(granted)).isEqualTo(200);
    assertThat(granted.headers().firstValue("content-type")).contains("application/proto");
    assertThat(GrantResponse.parseFrom(granted.body()).getBalance()).isEqualTo(500);

    HttpResponse<byte[]> debited = postProto("/obol.v1.WalletService/CheckAndDebit", CheckAndDebitRequest.newBuilder()
        .setAccountId(account).setFeature("image").setRequestId("d1").build().toByteArray(), ObolTestApp.ADMIN_KEY);
    assertThat(debited.statusCode()).as(text(debited)).isEqualTo(200);
    assertThat(debited.headers().firstValue("content-type")).contains("application/proto");
    CheckAndDebitResponse response = CheckAndDebitResponse.parseFrom(debited.body());
    assertThat(response.getAllowed()).isTrue();
    assertThat(response.getDebitId()).matches("dbt_[A-Za-z0-9_-]+");
    assertThat(response.getDebited()).isEqualTo(50);
    assertThat(response.getBalance()).isEqualTo(450);
    // The same ledger as gRPC sees.
    assertThat(app.wallet().getBalance(GetBalanceRequest.newBuilder().setAccountId(account)
        .setAsset(Asset.ASSET_TOKEN).build()).getWallets(0).getBalance()).isEqualTo(450);
  }

  @Test
  void aBinaryRetryWithTheSameRequestIdAnswersTheSameDebit() throws Exception {
    assertThat(postProto("/obol.v1.WalletService/Grant", GrantRequest.newBuilder().setAccountId(account)
        .setAsset(Asset.ASSET_TOKEN).setAmount(100).setSource(GrantSource.GRANT_SOURCE_PURCHASE).setRequestId("g1")
        .build().toByteArray(), ObolTestApp.ADMIN_KEY).statusCode()).isEqualTo(200);
    byte[] debit = CheckAndDebitRequest.newBuilder().setAccountId(account).setFeature("article").setQuantity(2)
        .setRequestId("d1").build().toByteArray();

    HttpResponse<byte[]> first = postProto("/obol.v1.WalletService/CheckAndDebit", debit, ObolTestApp.ADMIN_KEY);
    HttpResponse<byte[]> retry = postProto("/obol.v1.WalletService/CheckAndDebit", debit, ObolTestApp.ADMIN_KEY);
    assertThat(first.statusCode()).as(text(first)).isEqualTo(200);
    assertThat(retry.statusCode()).as(text(retry)).isEqualTo(200);
    CheckAndDebitResponse firstDebit = CheckAndDebitResponse.parseFrom(first.body());
    CheckAndDebitResponse retried = CheckAndDebitResponse.parseFrom(retry.body());
    assertThat(firstDebit.getBalance()).isEqualTo(94);
    assertThat(retried.getDebitId()).isEqualTo(firstDebit.getDebitId()).isNotEmpty();
    assertThat(retry.body()).isEqualTo(first.body());
    assertThat(app.wallet().getBalance(GetBalanceRequest.newBuilder().setAccountId(account).build())
        .getWallets(0).getBalance()).isEqualTo(94);

    // The same request_id in JSON is the same debit too: one idempotency, whatever the codec.
    HttpResponse<String> inJson = post("/obol.v1.WalletService/CheckAndDebit", """
        {"accountId":"%s","feature":"article","quantity":"2","requestId":"d1"}""".formatted(account),
        ObolTestApp.ADMIN_KEY);
    assertThat(json(inJson.body()).getFieldsOrThrow("debitId").getStringValue()).isEqualTo(firstDebit.getDebitId());
  }

  @Test
  void aBinaryCallWithABadKeyIs401WithAJsonErrorBody() throws Exception {
    byte[] request = CheckAndDebitRequest.newBuilder().setAccountId(account).setFeature("image").setRequestId("d1")
        .build().toByteArray();
    HttpResponse<byte[]> wrongKey = postProto("/obol.v1.WalletService/CheckAndDebit", request,
        "obol_not_a_key_0123456789abcdef0123456789");
    assertThat(wrongKey.statusCode()).isEqualTo(401);
    assertThat(wrongKey.headers().firstValue("content-type").orElse("")).startsWith("application/json");
    Struct error = json(text(wrongKey));
    assertThat(error.getFieldsOrThrow("code").getStringValue()).isEqualTo("unauthenticated");
    assertThat(errorInfo(error).getReason()).isEqualTo("API_KEY_INVALID");

    HttpResponse<byte[]> noKey = postProto("/obol.v1.WalletService/CheckAndDebit", request, null);
    assertThat(noKey.statusCode()).isEqualTo(401);
    assertThat(noKey.headers().firstValue("content-type").orElse("")).startsWith("application/json");
    assertThat(errorInfo(json(text(noKey))).getReason()).isEqualTo("API_KEY_MISSING");
  }

  @Test
  void aMalformedBinaryBodyIs400InvalidArgumentWithAClearReason() throws Exception {
    // Field 1 (account_id), length 5, but one byte follows; then a wire type (7) that does not exist.
    for (byte[] malformed : List.of(new byte[] {0x0A, 0x05, 'a'}, new byte[] {0x0F, 0x01},
        "{\"accountId\":\"x\"}".getBytes(StandardCharsets.UTF_8))) {
      HttpResponse<byte[]> response = postProto("/obol.v1.WalletService/CheckAndDebit", malformed,
          ObolTestApp.ADMIN_KEY);
      String body = text(response);
      assertThat(response.statusCode()).as(body).isEqualTo(400);
      assertThat(response.headers().firstValue("content-type").orElse("")).startsWith("application/json");
      Struct error = json(body);
      assertThat(error.getFieldsOrThrow("code").getStringValue()).isEqualTo("invalid_argument");
      assertThat(error.getFieldsOrThrow("message").getStringValue())
          .startsWith("the body is not the binary protobuf encoding of obol.v1.CheckAndDebitRequest: ");
      assertThat(errorInfo(error).getReason()).isEqualTo("INVALID_PROTOBUF");
      assertThat(body).doesNotContain("\tat ", "Exception");
    }
  }

  @Test
  void aBinaryBodyWithAFieldTheRequestDoesNotHaveIsRefusedLikeAnUnknownJsonName() throws Exception {
    // account_id "a", then field 99 (varint 1): well-formed protobuf, but not of this contract.
    byte[] withUnknownField = {0x0A, 0x01, 'a', (byte) 0x98, 0x06, 0x01};
    HttpResponse<byte[]> response = postProto("/obol.v1.WalletService/CheckAndDebit", withUnknownField,
        ObolTestApp.ADMIN_KEY);
    String body = text(response);
    assertThat(response.statusCode()).as(body).isEqualTo(400);
    Struct error = json(body);
    assertThat(errorInfo(error).getReason()).isEqualTo("INVALID_PROTOBUF");
    assertThat(error.getFieldsOrThrow("message").getStringValue())
        .endsWith("field number 99 is not in obol.v1.CheckAndDebitRequest");
  }

  @Test
  void aBinaryBodyOverOneMebibyteIs413() throws Exception {
    HttpResponse<byte[]> tooLarge = postProto("/obol.v1.WalletService/ListFeatures", new byte[1024 * 1024 + 1],
        ObolTestApp.ADMIN_KEY);
    assertThat(tooLarge.statusCode()).isEqualTo(413);
    assertThat(json(text(tooLarge)).getFieldsOrThrow("code").getStringValue()).isEqualTo("resource_exhausted");
  }

  @Test
  void anEmptyBinaryBodyIsTheEmptyRequest() throws Exception {
    HttpResponse<byte[]> features = postProto("/obol.v1.WalletService/ListFeatures", new byte[0],
        ObolTestApp.ADMIN_KEY);
    assertThat(features.statusCode()).as(text(features)).isEqualTo(200);
    assertThat(ListFeaturesResponse.parseFrom(features.body()).getFeaturesList())
        .extracting(feature -> feature.getFeature()).contains("image");
  }

  // ---- CORS ------------------------------------------------------------------------------------------------------

  // The browser pages are on localhost origins here: the app is reached at 127.0.0.1, and for such a request Micronaut's
  // own CorsFilter refuses any origin that is not localhost (its drive-by-localhost protection), before Obol's check.

  @Test
  void corsPreflightIsRefusedByDefault() throws Exception {
    HttpResponse<String> preflight = preflight(app.httpPort(), "http://localhost:5173");
    assertThat(preflight.statusCode()).isEqualTo(403);
    assertThat(preflight.headers().firstValue("access-control-allow-origin")).isEmpty();

    HttpResponse<String> call = http.send(
        request("/obol.v1.WalletService/ListFeatures", "{}", ObolTestApp.ADMIN_KEY)
            .header("origin", "http://localhost:5173").build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(call.statusCode()).isEqualTo(200);
    assertThat(call.headers().firstValue("access-control-allow-origin")).isEmpty();
  }

  @Test
  void corsIsAllowedForTheNamedOriginsOnly() throws Exception {
    try (ObolTestApp withCors =
        ObolTestApp.start(Map.of("obol.http.cors-origins", "http://localhost:5173, http://localhost:3000"))) {
      int port = withCors.bean(EmbeddedServer.class).getPort();
      HttpResponse<String> preflight = preflight(port, "http://localhost:5173");
      assertThat(preflight.statusCode()).isEqualTo(204);
      assertThat(preflight.headers().firstValue("access-control-allow-origin")).contains("http://localhost:5173");
      assertThat(preflight.headers().firstValue("access-control-allow-methods")).contains("POST");
      assertThat(Arrays.stream(preflight.headers().firstValue("access-control-allow-headers").orElse("").split(","))
          .map(String::trim).toList())
          .containsExactlyInAnyOrder("authorization", "content-type", "connect-protocol-version", "connect-timeout-ms");

      HttpResponse<String> call = http.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/obol.v1.WalletService/ListFeatures"))
              .header("content-type", "application/json")
              .header("authorization", "Bearer " + ObolTestApp.ADMIN_KEY)
              .header("origin", "http://localhost:3000")
              .POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(call.statusCode()).isEqualTo(200);
      assertThat(call.headers().firstValue("access-control-allow-origin")).contains("http://localhost:3000");

      for (String stranger : List.of("http://localhost:8081", "https://evil.example.com")) {
        HttpResponse<String> refused = preflight(port, stranger);
        assertThat(refused.statusCode()).as(stranger).isEqualTo(403);
        assertThat(refused.headers().firstValue("access-control-allow-origin")).as(stranger).isEmpty();
      }
    }
  }

  // ---- helpers ---------------------------------------------------------------------------------------------------

  private HttpResponse<String> preflight(int port, String origin) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/obol.v1.WalletService/CheckAndDebit"))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "authorization,content-type")
            .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** A JSON object of exactly {@code size} bytes: {@code {} } padded with spaces. */
  private static String padded(int size) {
    return "{" + " ".repeat(size - 2) + "}";
  }

  private HttpResponse<byte[]> postProto(String path, byte[] body, String key) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(path))
        .timeout(Duration.ofSeconds(30))
        .header("content-type", "application/proto")
        .header("connect-protocol-version", "1")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (key != null) {
      request.header("authorization", "Bearer " + key);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static String text(HttpResponse<byte[]> response) {
    return new String(response.body(), StandardCharsets.UTF_8);
  }

  private HttpResponse<String> post(String path, String body, String key) throws Exception {
    return http.send(request(path, body, key).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpRequest.Builder request(String path, String body, String key) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(path))
        .timeout(Duration.ofSeconds(30))
        .header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (key != null) {
      request.header("authorization", "Bearer " + key);
    }
    return request;
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + app.httpPort() + path);
  }

  private static Struct json(String body) throws InvalidProtocolBufferException {
    Struct.Builder struct = Struct.newBuilder();
    JsonFormat.parser().merge(body, struct);
    return struct.build();
  }

  /** The first detail, decoded from its base64 {@code value}, and checked against its {@code debug} form. */
  private static ErrorInfo errorInfo(Struct error) throws InvalidProtocolBufferException {
    List<Value> details = error.getFieldsOrThrow("details").getListValue().getValuesList();
    assertThat(details).hasSize(1);
    Struct detail = details.get(0).getStructValue();
    assertThat(detail.getFieldsOrThrow("type").getStringValue()).isEqualTo("google.rpc.ErrorInfo");
    ErrorInfo info = ErrorInfo.parseFrom(Base64.getDecoder().decode(detail.getFieldsOrThrow("value").getStringValue()));
    ErrorInfo.Builder debug = ErrorInfo.newBuilder();
    JsonFormat.parser().merge(JsonFormat.printer().print(detail.getFieldsOrThrow("debug")), debug);
    assertThat(debug.build()).isEqualTo(info);
    return info;
  }
}
