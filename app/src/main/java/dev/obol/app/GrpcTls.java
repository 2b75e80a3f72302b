package dev.obol.app;

import io.grpc.ServerBuilder;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyServerBuilder;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Property;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.context.exceptions.ConfigurationException;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TLS for the gRPC server: with {@code OBOL_GRPC_TLS_CERT} and {@code OBOL_GRPC_TLS_KEY} (PEM files: the certificate
 * chain, and its PKCS#8 private key) the server speaks TLS only; with neither, plaintext.
 *
 * <p>Anything in between (one of the two, a file that cannot be read, a file that is not a PEM certificate or key, a
 * key that is not the certificate's) stops the start with a {@link ConfigurationException} naming the variable and
 * the path: a service its operator asked to encrypt never answers in plaintext. The files are read when the context starts ({@code @Context}), before
 * any server binds. Micronaut's own {@code grpc.server.ssl.*} settings are not used: without a {@code file:} prefix
 * they quietly fall back to plaintext.
 */
@Context
public final class GrpcTls implements BeanCreatedEventListener<ServerBuilder<?>> {

  static final String CERT_VARIABLE = "OBOL_GRPC_TLS_CERT";
  static final String KEY_VARIABLE = "OBOL_GRPC_TLS_KEY";
  private static final String PKCS8_BEGIN = "-----BEGIN PRIVATE KEY-----";
  private static final String PKCS8_END = "-----END PRIVATE KEY-----";
  private static final Logger LOG = LoggerFactory.getLogger(GrpcTls.class);

  /** Null: plaintext. */
  private final SslContext sslContext;
  private final String description;

  public GrpcTls(
      @Property(name = "obol.grpc.tls.cert", defaultValue = "") String cert,
      @Property(name = "obol.grpc.tls.key", defaultValue = "") String key) {
    boolean hasCert = cert != null && !cert.isBlank();
    boolean hasKey = key != null && !key.isBlank();
    if (!hasCert && !hasKey) {
      this.sslContext = null;
      this.description = "plaintext (set " + CERT_VARIABLE + " and " + KEY_VARIABLE + " for TLS)";
    } else if (hasCert != hasKey) {
      String missing = hasCert ? KEY_VARIABLE : CERT_VARIABLE;
      String present = hasCert ? CERT_VARIABLE : KEY_VARIABLE;
      throw new ConfigurationException(
          "gRPC TLS: " + present + " is set but " + missing + " is not; set both (PEM files) or neither (plaintext)");
    } else {
      Path certFile = readable(CERT_VARIABLE, cert);
      Path keyFile = readable(KEY_VARIABLE, key);
      X509Certificate certificate = firstCertificate(certFile);
      this.sslContext = serverContext(certFile, keyFile);
      requireKeyOf(certificate, certFile, keyFile);
      this.description = "TLS only, certificate " + certFile;
    }
  }

  @Override
  public ServerBuilder<?> onCreated(BeanCreatedEvent<ServerBuilder<?>> event) {
    ServerBuilder<?> builder = event.getBean();
    if (sslContext != null) {
      if (!(builder instanceof NettyServerBuilder netty)) {
        throw new ConfigurationException(
            "gRPC TLS: the server is built by " + builder.getClass().getName() + ", not Netty; cannot serve TLS");
      }
      netty.sslContext(sslContext);
    }
    LOG.info("gRPC server: {}", description);
    return builder;
  }

  private static Path readable(String variable, String value) {
    Path path = Path.of(value.strip()).toAbsolutePath().normalize();
    if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
      throw new ConfigurationException("gRPC TLS: " + variable + " names " + path + ", which cannot be read");
    }
    return path;
  }

  /** The JDK reads PEM certificates; checked here so a bad certificate file is not blamed on the key. */
  private static X509Certificate firstCertificate(Path certFile) {
    try (InputStream in = Files.newInputStream(certFile)) {
      return CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
          .map(X509Certificate.class::cast)
          .findFirst()
          .orElseThrow(() -> new CertificateException("no certificate"));
    } catch (IOException | CertificateException e) {
      throw new ConfigurationException(
          "gRPC TLS: " + CERT_VARIABLE + " names " + certFile + ", which is not a PEM certificate (-----BEGIN"
              + " CERTIFICATE-----)");
    }
  }

  /**
   * Netty takes a key that belongs to another certificate and every handshake then fails; a signature made with the
   * key and checked with the certificate's public key finds that at start. Key types this cannot read are let through
   * (Netty already read them).
   */
  private static void requireKeyOf(X509Certificate certificate, Path certFile, Path keyFile) {
    PublicKey publicKey = certificate.getPublicKey();
    String algorithm =
        switch (publicKey.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          case "Ed25519", "EdDSA" -> "Ed25519";
          default -> null;
        };
    PrivateKey privateKey = pkcs8(keyFile, publicKey.getAlgorithm());
    if (algorithm == null || privateKey == null) {
      return;
    }
    boolean matches;
    try {
      byte[] probe = "obol".getBytes(StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(privateKey);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(probe);
      matches = verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      matches = false;
    }
    if (!matches) {
      throw new ConfigurationException(
          "gRPC TLS: the key in " + KEY_VARIABLE + " (" + keyFile + ") does not belong to the certificate in "
              + CERT_VARIABLE + " (" + certFile + ")");
    }
  }

  /** Null when the file is not an unencrypted PKCS#8 key of that algorithm. */
  private static PrivateKey pkcs8(Path keyFile, String keyAlgorithm) {
    try {
      String pem = Files.readString(keyFile, StandardCharsets.US_ASCII);
      int begin = pem.indexOf(PKCS8_BEGIN);
      int end = pem.indexOf(PKCS8_END, begin + 1);
      if (begin < 0 || end < 0) {
        return null;
      }
      byte[] der = Base64.getMimeDecoder().decode(pem.substring(begin + PKCS8_BEGIN.length(), end));
      return KeyFactory.getInstance(keyAlgorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (IOException | IllegalArgumentException | GeneralSecurityException e) {
      return null;
    }
  }

  private static SslContext serverContext(Path certFile, Path keyFile) {
    try {
      return GrpcSslContexts.forServer(certFile.toFile(), keyFile.toFile()).build();
    } catch (IllegalArgumentException | SSLException e) {
      throw new ConfigurationException(
          "gRPC TLS: "
              + KEY_VARIABLE
              + " names "
              + keyFile
              + ", which is not a PEM PKCS#8 private key (-----BEGIN PRIVATE KEY-----) for the certificate in "
              + certFile
              + " ("
              + e.getMessage()
              + ")");
    }
  }
}
