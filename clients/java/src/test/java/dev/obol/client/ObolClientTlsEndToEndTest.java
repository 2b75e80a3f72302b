package dev.obol.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.obol.proto.v1.Asset;
import dev.obol.proto.v1.GetBalanceRequest;
import dev.obol.proto.v1.GrantRequest;
import dev.obol.proto.v1.GrantSource;
import io.grpc.Status;
import java.io.FileInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The client against a real Obol that serves gRPC over TLS only ({@code OBOL_GRPC_TLS_CERT} / {@code
 * OBOL_GRPC_TLS_KEY}), with a self-signed certificate for {@code localhost} / {@code 127.0.0.1} made here by the
 * JDK's keytool: {@link ObolClient.Builder#tls(Path)} trusting that certificate connects; a client that does not trust
 * it (the system's roots, another certificate, or plaintext) fails with UNAVAILABLE.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ObolClientTlsEndToEndTest {

  private static final String PASSWORD = "changeit";

  private Path directory;
  private Path serverCert;
  private Path otherCert;
  private RealObol obol;

  @BeforeAll
  void start() throws Exception {
    directory = Files.createDirectories(Path.of("target", "tls", UUID.randomUUID().toString())).toAbsolutePath();
    serverCert = directory.resolve("server.crt");
    Path serverKey = directory.resolve("server.key");
    selfSigned("server", serverCert, serverKey);
    otherCert = directory.resolve("other.crt");
    selfSigned("other", otherCert, directory.resolve("other.key"));
    obol = RealObol.startWithTls(serverCert, serverKey);
  }

  @AfterAll
  void stop() throws Exception {
    if (obol != null) {
      obol.close();
    }
  }

  @Test
  void aClientTrustingTheServersCertificateCallsOverTls() {
    String account = "tls-" + UUID.randomUUID();
    try (ObolClient admin =
        ObolClient.builder()
            .target(obol.target())
            .apiKey(RealObol.ADMIN_KEY)
            .tls(serverCert)
            .deadline(Duration.ofSeconds(15))
            .build()) {
      assertThat(admin.listFeatures().getFeaturesList()).isNotEmpty();
      admin.grant(
          GrantRequest.newBuilder()
              .setAccountId(account)
              .setAsset(Asset.ASSET_TOKEN)
              .setAmount(30)
              .setSource(GrantSource.GRANT_SOURCE_PROMO)
              .setReason("tls test")
              .setRequestId("seed-" + account)
              .build());
      assertThat(
              admin
                  .getBalance(GetBalanceRequest.newBuilder().setAccountId(account).setAsset(Asset.ASSET_TOKEN).build())
                  .getWallets(0)
                  .getBalance())
          .isEqualTo(30);
    }
  }

  @Test
  void aClientTrustingOnlyTheSystemRootsIsUnavailable() {
    assertUnavailable(ObolClient.builder().target(obol.target()).apiKey(RealObol.ADMIN_KEY).tls());
  }

  @Test
  void aClientTrustingAnotherCertificateIsUnavailable() {
    assertUnavailable(ObolClient.builder().target(obol.target()).apiKey(RealObol.ADMIN_KEY).tls(otherCert));
  }

  @Test
  void aPlaintextClientIsUnavailable() {
    // localhost: plaintext by default, as Obol listens out of the box.
    assertUnavailable(ObolClient.builder().target(obol.target()).apiKey(RealObol.ADMIN_KEY));
  }

  private static void assertUnavailable(ObolClient.Builder builder) {
    try (ObolClient client = builder.maxAttempts(1).deadline(Duration.ofSeconds(10)).build()) {
      ObolException refused = catchThrowableOfType(ObolException.class, client::listFeatures);
      assertThat(refused).as("the call must fail").isNotNull();
      assertThat(refused.code()).as(String.valueOf(refused)).isEqualTo(Status.Code.UNAVAILABLE);
    }
  }

  /** A self-signed EC certificate for localhost and 127.0.0.1 (PEM) and its PKCS#8 key (PEM), by the JDK's keytool. */
  private void selfSigned(String alias, Path certPem, Path keyPem) throws Exception {
    Path store = directory.resolve(alias + ".p12");
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", alias, "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", PASSWORD, "-keypass", PASSWORD)
            .redirectErrorStream(true)
            .start();
    String output = new String(keytool.getInputStream().readAllBytes());
    assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(keytool.exitValue()).as(output).isZero();
    KeyStore keyStore = KeyStore.getInstance("PKCS12");
    try (FileInputStream in = new FileInputStream(store.toFile())) {
      keyStore.load(in, PASSWORD.toCharArray());
    }
    Files.writeString(certPem, pem("CERTIFICATE", keyStore.getCertificate(alias).getEncoded()));
    Key key = keyStore.getKey(alias, PASSWORD.toCharArray());
    Files.writeString(keyPem, pem("PRIVATE KEY", key.getEncoded())); // PKCS#8
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }
}
