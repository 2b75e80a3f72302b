package dev.obol.app.testing;

import dev.obol.persistence.testing.TestDatabase;
import dev.obol.proto.v1.AccountServiceGrpc;
import dev.obol.proto.v1.WalletServiceGrpc;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.micronaut.context.ApplicationContext;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.micronaut.runtime.Micronaut;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The whole service as it runs in production (Micronaut, gRPC and HTTP servers on real sockets, PostgreSQL), started
 * by hand, for what an injected {@link ObolUnderTest} cannot be: a second instance on the same database and clock
 * ({@link ObolUnderTest#secondInstance()}), an app with other settings in the middle of a class ({@link #start}), and
 * an app that is stopped and started again ({@link #restart()}). Clients talk to it over a real TCP channel.
 */
public final class ObolTestApp implements AutoCloseable {

  /**
   * The bootstrap admin key every test app accepts ({@code obol.security.bootstrap-admin-key}); the stubs send it.
   * Tests of authentication itself use {@link #bareChannel()}.
   */
  public static final String ADMIN_KEY = "obol_test_bootstrap_admin_key_0123456789abcdef";

  public final TestClock clock;
  private final String databaseUrl;
  private final Map<String, Object> extraProperties;
  private ApplicationContext context;
  private ManagedChannel bareChannel;
  private Channel channel;
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private ObolTestApp(String databaseUrl, TestClock clock, Map<String, Object> extraProperties) {
    this.databaseUrl = databaseUrl;
    this.clock = clock;
    this.extraProperties = extraProperties;
  }

  /** On a fresh database, with a clock of its own. */
  public static ObolTestApp start(Map<String, Object> extraProperties) {
    ObolTestApp app =
        new ObolTestApp(
            TestDatabase.get().freshDatabaseUrl(),
            new TestClock(Instant.parse("2026-11-01T09:00:00Z")),
            extraProperties);
    app.boot();
    return app;
  }

  /** An instance on an existing database and clock: the second instance of an injected one. */
  static ObolTestApp alongside(String databaseUrl, TestClock clock, Map<String, Object> extraProperties) {
    ObolTestApp app = new ObolTestApp(databaseUrl, clock, extraProperties);
    app.boot();
    return app;
  }

  /** Stops and starts again on the same database (a restart or a crash recovery). */
  public void restart() {
    stop();
    boot();
  }

  private void boot() {
    Map<String, Object> properties = new HashMap<>();
    properties.put("obol.database.url", databaseUrl);
    properties.put("obol.database.user", TestDatabase.get().user());
    properties.put("obol.database.password", TestDatabase.get().password());
    properties.put("obol.database.pool-size", 20);
    properties.put("grpc.server.port", freePort());
    properties.put("micronaut.server.port", freePort());
    properties.put("obol.expiry.sweep-interval", "1h");
    properties.put("obol.security.bootstrap-admin-key", ADMIN_KEY);
    properties.putAll(extraProperties);
    context =
        Micronaut.build(new String[0])
            .properties(properties)
            .singletons(clock)
            // "test": a failed start throws instead of exiting the JVM (Micronaut's startup handler).
            .environments("test")
            .deduceEnvironment(false)
            .banner(false)
            .start();
    bareChannel =
        NettyChannelBuilder.forAddress("127.0.0.1", context.getBean(GrpcEmbeddedServer.class).getPort())
            .usePlaintext()
            .build();
    channel = withKey(ADMIN_KEY);
  }

  /** The app's channel sending {@code authorization: Bearer <secret>} on every call. */
  public Channel withKey(String secret) {
    Metadata headers = new Metadata();
    headers.put(AUTHORIZATION, "Bearer " + secret);
    return ClientInterceptors.intercept(bareChannel, MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  /** A channel that sends no credentials. */
  public ManagedChannel bareChannel() {
    return bareChannel;
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

  private void stop() {
    if (bareChannel != null) {
      bareChannel.shutdownNow();
      try {
        bareChannel.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (context != null && context.isRunning()) {
      context.close();
    }
  }

  @Override
  public void close() {
    stop();
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
