package dev.obol.app;

import static dev.obol.app.testing.GrpcAssertions.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.obol.persistence.testing.EmbeddedPostgresSupport;
import dev.obol.proto.v1.AdminServiceGrpc;
import dev.obol.proto.v1.GetBalanceRequest;
import dev.obol.proto.v1.ListApiKeysRequest;
import dev.obol.proto.v1.WalletServiceGrpc;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.micronaut.context.ApplicationContext;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.micronaut.runtime.Micronaut;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first steps on the embedded default, with no OBOL_BOOTSTRAP_ADMIN_KEY: the first start makes an admin
 * key into OBOL_DATA_DIR/admin-key (0600), which works at once and after a restart, and no second key is made.
 */
class EmbeddedDefaultEndToEndTest {

  @TempDir Path dataDir;

  @BeforeAll
  static void embeddedPostgresCanRun() throws Exception {
    EmbeddedPostgresSupport.assumeEmbeddedPostgresCanRun();
  }

  @Test
  void the_first_start_writes_an_admin_key_that_works_and_survives_a_restart() throws Exception {
    Path keyFile = dataDir.resolve("admin-key");
    String secret;
    try (ApplicationContext first = start()) {
      assertThat(keyFile).exists();
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
      secret = Files.readString(keyFile).trim();
      assertThat(secret).startsWith("obol_");
      assertDemoBalance(first, secret);
      // Without it, nothing gets in.
      ManagedChannel bare = channel(first);
      try {
        assertError(
            Status.Code.UNAUTHENTICATED,
            "API_KEY_MISSING",
            () -> WalletServiceGrpc.newBlockingStub(bare).getBalance(GetBalanceRequest.newBuilder().setAccountId("demo").build()));
      } finally {
        bare.shutdownNow();
      }
    }
    try (ApplicationContext second = start()) {
      assertThat(Files.readString(keyFile).trim()).isEqualTo(secret);
      assertDemoBalance(second, secret);
      ManagedChannel channel = channel(second);
      try {
        assertThat(
                AdminServiceGrpc.newBlockingStub(withKey(channel, secret))
                    .listApiKeys(ListApiKeysRequest.getDefaultInstance())
                    .getKeysList())
            .hasSize(1)
            .allSatisfy(key -> assertThat(key.getScopesList()).containsExactly("admin"));
      } finally {
        channel.shutdownNow();
      }
    }
  }

  private void assertDemoBalance(ApplicationContext context, String secret) {
    ManagedChannel channel = channel(context);
    try {
      long balance =
          WalletServiceGrpc.newBlockingStub(withKey(channel, secret))
              .getBalance(GetBalanceRequest.newBuilder().setAccountId("demo").build())
              .getWallets(0)
              .getBalance();
      assertThat(balance).isEqualTo(DemoSeed.DEMO_TOKENS);
    } finally {
      channel.shutdownNow();
    }
  }

  private ApplicationContext start() throws IOException {
    return Micronaut.build(new String[0])
        .properties(
            Map.of(
                "obol.database.url", "",
                "obol.data-dir", dataDir.toString(),
                "obol.security.bootstrap-admin-key", "",
                "grpc.server.port", freePort(),
                "micronaut.server.port", freePort(),
                "obol.seat-fee.charge-enabled", false))
        .environments("test")
        .deduceEnvironment(false)
        .banner(false)
        .start();
  }

  private static ManagedChannel channel(ApplicationContext context) {
    return NettyChannelBuilder.forAddress("127.0.0.1", context.getBean(GrpcEmbeddedServer.class).getPort())
        .usePlaintext()
        .build();
  }

  private static io.grpc.Channel withKey(ManagedChannel channel, String secret) {
    Metadata headers = new Metadata();
    headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + secret);
    return ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
