package dev.obol.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.obol.app.testing.ObolTestApp;
import dev.obol.app.testing.ObolTestProperties;
import dev.obol.app.testing.ObolUnderTest;
import dev.obol.persistence.testing.TestDatabase;
import dev.obol.proto.v1.ListFeaturesRequest;
import dev.obol.proto.v1.WalletServiceGrpc;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.io.FileInputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The gRPC port with OBOL_GRPC_TLS_CERT / OBOL_GRPC_TLS_KEY: TLS only, and a start that fails loudly when misset. The
 * injected app runs with TLS; the failed start is built by hand.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GrpcTlsEndToEndTest implements ObolTestProperties {

  private static final char[] STORE_PASSWORD = "changeit".toCharArray();

  @Inject ObolUnderTest app;
  private final Path directory;
  private final Path certFile;
  private final Path keyFile;

  /** The certificate exists before the context reads {@link #settings()}, which happens before any {@code @BeforeAll}. */
  GrpcTlsEndToEndTest() throws Exception {
    directory = Files.createTempDirectory("obol-tls-");
    Path store = directory.resolve("server.p12");
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "obol", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", new String(STORE_PASSWORD), "-keypass", new String(STORE_PASSWORD))
            .redirectErrorStream(true)
            .start();
    String output = new String(keytool.getInputStream().readAllBytes());
    assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(keytool.exitValue()).as(output).isZero();

    KeyStore keyStore = KeyStore.getInstance("PKCS12");
    try (FileInputStream in = new FileInputStream(store.toFile())) {
      keyStore.load(in, STORE_PASSWORD);
    }
    certFile = directory.resolve("server.crt");
    keyFile = directory.resolve("server.key");
    Files.writeString(certFile, pem("CERTIFICATE", keyStore.getCertificate("obol").getEncoded()));
    PrivateKey key = (PrivateKey) keyStore.getKey("obol", STORE_PASSWORD);
    Files.writeString(keyFile, pem("PRIVATE KEY", key.getEncoded())); // PKCS#8
  }

  @Override
  public Map<String, Object> settings() {
    return tlsProperties(certFile.toString(), keyFile.toString());
  }

  @AfterAll
  void removeCertificate() throws IOException {
    try (Stream<Path> files = Files.walk(directory)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
    }
  }

  @Test
  void withBothFilesTheServerSpeaksTlsOnly() throws Exception {
    ManagedChannel tls =
        NettyChannelBuilder.forAddress("127.0.0.1", app.grpcPort())
            .sslContext(GrpcSslContexts.forClient().trustManager(certFile.toFile()).build())
            .build();
    try {
      assertThat(wallet(tls).listFeatures(ListFeaturesRequest.getDefaultInstance()).getFeaturesList())
          .isNotEmpty();
    } finally {
      tls.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    // The harness's own channel is plaintext.
    assertThatThrownBy(() -> app.wallet().listFeatures(ListFeaturesRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
  }

  @Test
  void anUnreadableCertificateStopsTheStartAndLeavesNothingRunning() throws Exception {
    Path missing = directory.resolve("no-such.crt");
    int grpcPort = freePort();
    int httpPort = freePort();
    Map<String, Object> properties = new HashMap<>(tlsProperties(missing.toString(), keyFile.toString()));
    properties.put("obol.database.url", TestDatabase.get().freshDatabaseUrl());
    properties.put("obol.database.user", TestDatabase.get().user());
    properties.put("obol.database.password", TestDatabase.get().password());
    properties.put("obol.security.bootstrap-admin-key", ObolTestApp.ADMIN_KEY);
    properties.put("grpc.server.port", grpcPort);
    properties.put("micronaut.server.port", httpPort);
    ApplicationContext context = ApplicationContext.builder().properties(properties).deduceEnvironment(false).build();
    try {
      assertThatThrownBy(context::start)
          .hasRootCauseInstanceOf(ConfigurationException.class)
          .rootCause()
          .hasMessageContaining("OBOL_GRPC_TLS_CERT")
          .hasMessageContaining(missing.toString());
    } finally {
      context.close();
    }
    assertThat(listening(grpcPort)).as("gRPC port").isFalse();
    assertThat(listening(httpPort)).as("HTTP port").isFalse();
  }

  @Test
  void onlyOneOfTheTwoIsAConfigurationError() {
    assertThatThrownBy(() -> new GrpcTls(certFile.toString(), ""))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("OBOL_GRPC_TLS_KEY is not");
    assertThatThrownBy(() -> new GrpcTls("", keyFile.toString()))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("OBOL_GRPC_TLS_CERT is not");
  }

  @Test
  void filesThatAreNotPemAreConfigurationErrors() throws IOException {
    Path garbage = Files.writeString(directory.resolve("garbage.pem"), "not a pem file\n");
    assertThatThrownBy(() -> new GrpcTls(garbage.toString(), keyFile.toString()))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("OBOL_GRPC_TLS_CERT")
        .hasMessageContaining(garbage.toString());
    assertThatThrownBy(() -> new GrpcTls(certFile.toString(), garbage.toString()))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("OBOL_GRPC_TLS_KEY")
        .hasMessageContaining(garbage.toString());
    // The certificate where the key should be.
    assertThatThrownBy(() -> new GrpcTls(certFile.toString(), certFile.toString()))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("OBOL_GRPC_TLS_KEY");
  }

  @Test
  void aKeyOfAnotherCertificateIsAConfigurationError() throws Exception {
    Path otherKey = directory.resolve("other.key");
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(256);
    Files.writeString(otherKey, pem("PRIVATE KEY", generator.generateKeyPair().getPrivate().getEncoded()));
    assertThatThrownBy(() -> new GrpcTls(certFile.toString(), otherKey.toString()))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("does not belong to the certificate")
        .hasMessageContaining(otherKey.toString());
  }

  private static WalletServiceGrpc.WalletServiceBlockingStub wallet(ManagedChannel channel) {
    Metadata headers = new Metadata();
    headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + ObolTestApp.ADMIN_KEY);
    return WalletServiceGrpc.newBlockingStub(
            ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers)))
        .withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  private static Map<String, Object> tlsProperties(String cert, String key) {
    return Map.of("obol.grpc.tls.cert", cert, "obol.grpc.tls.key", key);
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  private static boolean listening(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      return true;
    } catch (ConnectException e) {
      return false;
    } catch (IOException e) {
      return false;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
