package dev.obol.app.testing;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Instant;

/**
 * The test clock in place of the system clock, and a plaintext channel over the real socket to the embedded gRPC
 * server, for {@code @MicronautTest} classes ({@link ObolTestProperties}). Off in contexts {@link ObolTestApp} builds
 * itself (it registers its own clock).
 */
@Factory
@Requires(property = ObolTestBeans.ENABLED, value = "true")
public class ObolTestBeans {

  public static final String ENABLED = "obol.test.injected";

  @Singleton
  @Replaces(Clock.class)
  TestClock clock() {
    return new TestClock(Instant.parse("2026-11-01T09:00:00Z"));
  }

  /** No credentials: {@link ObolUnderTest#channel()} adds the bootstrap admin key. */
  @Singleton
  @Named("bare")
  @Bean(preDestroy = "shutdownNow")
  ManagedChannel bareChannel(GrpcEmbeddedServer server) {
    if (!server.isRunning()) {
      server.start();
    }
    return NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
  }
}
