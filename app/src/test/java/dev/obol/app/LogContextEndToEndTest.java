package dev.obol.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import dev.obol.app.testing.ObolTestProperties;
import dev.obol.app.testing.ObolUnderTest;
import dev.obol.proto.v1.AdminServiceGrpc;
import dev.obol.proto.v1.Asset;
import dev.obol.proto.v1.CheckAndDebitRequest;
import dev.obol.proto.v1.CreateApiKeyRequest;
import dev.obol.proto.v1.CreateApiKeyResponse;
import dev.obol.proto.v1.GrantRequest;
import dev.obol.proto.v1.GrantSource;
import dev.obol.proto.v1.WalletServiceGrpc;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;

/**
 * Real gRPC calls over the app's socket, with an API key made through AdminService: the activity lines they write
 * (after the commit, on the call's thread) and the audit line carry the call's request_id, account_id and key_id in
 * their MDC (LogContextInterceptorTest: that the ids do not outlive a callback).
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LogContextEndToEndTest implements ObolTestProperties {

  @Inject ObolUnderTest app;

  private final Captured captured = new Captured();

  @BeforeEach
  void capture() {
    captured.start();
    logger("obol.activity").addAppender(captured);
    logger("obol.audit").addAppender(captured);
  }

  @AfterEach
  void release() {
    logger("obol.activity").detachAppender(captured);
    logger("obol.audit").detachAppender(captured);
    captured.stop();
  }

  @Test
  void activity_lines_of_a_call_carry_its_request_account_and_key_ids() {
    String account = "logs-" + UUID.randomUUID();
    CreateApiKeyResponse key =
        AdminServiceGrpc.newBlockingStub(app.channel())
            .createApiKey(
                CreateApiKeyRequest.newBuilder()
                    .setName("logs")
                    .addScopes("wallet:grant")
                    .addScopes("wallet:debit")
                    .setRequestId("key-" + UUID.randomUUID())
                    .build());
    String keyId = key.getKey().getKeyId();
    WalletServiceGrpc.WalletServiceBlockingStub wallet =
        WalletServiceGrpc.newBlockingStub(app.withKey(key.getSecret())).withDeadlineAfter(30, TimeUnit.SECONDS);

    wallet.grant(
        GrantRequest.newBuilder()
            .setAccountId(account)
            .setAsset(Asset.ASSET_TOKEN)
            .setAmount(100)
            .setSource(GrantSource.GRANT_SOURCE_PURCHASE)
            .setReason("logs")
            .setRequestId("grant-1")
            .build());
    wallet.checkAndDebit(
        CheckAndDebitRequest.newBuilder().setAccountId(account).setFeature("image").setRequestId("debit-1").build());

    assertThat(mdcOf("obol.activity", "credit purchase: account=" + account))
        .containsEntry("request_id", "grant-1")
        .containsEntry("account_id", account)
        .containsEntry("key_id", keyId);
    assertThat(mdcOf("obol.activity", "credit usage: account=" + account))
        .containsEntry("request_id", "debit-1")
        .containsEntry("account_id", account)
        .containsEntry("key_id", keyId);
    // CreateApiKey is audited; it has a request_id but no account, and was made with the bootstrap key.
    assertThat(mdcOf("obol.audit", "CreateApiKey by key bootstrap"))
        .containsEntry("key_id", "bootstrap")
        .containsKey("request_id")
        .doesNotContainKey("account_id");
  }

  private Map<String, String> mdcOf(String logger, String messageStart) {
    List<ILoggingEvent> lines =
        captured.events.stream()
            .filter(e -> e.getLoggerName().equals(logger) && e.getFormattedMessage().startsWith(messageStart))
            .toList();
    assertThat(lines).as("%s lines starting '%s' in %s", logger, messageStart, captured.events).hasSize(1);
    return lines.get(0).getMDCPropertyMap();
  }

  private static Logger logger(String name) {
    return (Logger) LoggerFactory.getLogger(name);
  }

  /** Keeps each event with its MDC copied as it was when it was logged (the thread's MDC changes right after). */
  private static final class Captured extends AppenderBase<ILoggingEvent> {
    final List<ILoggingEvent> events = new CopyOnWriteArrayList<>();

    @Override
    protected void append(ILoggingEvent event) {
      event.prepareForDeferredProcessing();
      events.add(event);
    }
  }
}
