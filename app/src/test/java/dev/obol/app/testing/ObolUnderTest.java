package dev.obol.app.testing;

import dev.obol.domain.port.LedgerAudit;
import dev.obol.domain.testing.LedgerInvariantExtension;
import dev.obol.proto.v1.AccountServiceGrpc;
import dev.obol.proto.v1.WalletServiceGrpc;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.annotation.Requires;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.micronaut.runtime.server.EmbeddedServer;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The running service as an {@code @MicronautTest} class sees it (injected): the same helpers as {@link ObolTestApp}
 * (clock, channels with or without a key, stubs, beans, the ledger invariant), on the test's own context. A second
 * instance on the same database is an {@link ObolTestApp} ({@link #secondInstance()}).
 */
@Singleton
@Requires(property = ObolTestBeans.ENABLED, value = "true")
public final class ObolUnderTest {

  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  public final TestClock clock;
  private final ApplicationContext context;
  private final ManagedChannel bareChannel;
  private final Channel channel;

  ObolUnderTest(ApplicationContext context, TestClock clock, @Named("bare") ManagedChannel bareChannel) {
    this.context = context;
    this.clock = clock;
    this.bareChannel = bareChannel;
    this.channel = withKey(ObolTestApp.ADMIN_KEY);
  }

  /** The channel sending {@code authorization: Bearer <secret>} on every call. */
  public Channel withKey(String secret) {
    Metadata headers = new Metadata();
    headers.put(AUTHORIZATION, "Bearer " + secret);
    return ClientInterceptors.intercept(bareChannel, MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  public ManagedChannel bareChannel() {
    return bareChannel;
  }

  /** Sends the bootstrap admin key. */
  public Channel channel() {
    return channel;
  }

  public int grpcPort() {
    return context.getBean(GrpcEmbeddedServer.class).getPort();
  }

  public int httpPort() {
    return context.getBean(EmbeddedServer.class).getPort();
  }

  public WalletServiceGrpc.WalletServiceBlockingStub wallet() {
    return WalletServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  public AccountServiceGrpc.AccountServiceBlockingStub accounts() {
    return AccountServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  public <T> T bean(Class<T> type) {
    return context.getBean(type);
  }

  /**
   * Balance = sum of entries = sum of grants' remaining, for every wallet in this service's database, now (the check
   * {@link LedgerInvariantExtension} makes after each test).
   */
  public void assertLedgerInvariant() {
    LedgerInvariantExtension.assertHolds(bean(LedgerAudit.class).checkAll(clock.instant()));
  }

  /**
   * A second instance of the service on the same database and clock, with the test class's settings and its own
   * ports (two Obol instances behind a load balancer). The caller closes it.
   */
  public ObolTestApp secondInstance() {
    Map<String, Object> settings = new HashMap<>();
    Arrays.stream(context.getProperty(ObolTestProperties.SETTINGS, String.class).orElse("").split(","))
        .filter(key -> !key.isEmpty())
        .forEach(key -> settings.put(key, context.getRequiredProperty(key, String.class)));
    return ObolTestApp.alongside(context.getRequiredProperty("obol.database.url", String.class), clock, settings);
  }
}
