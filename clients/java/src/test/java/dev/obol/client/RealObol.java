package dev.obol.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Obol as an operator starts it: {@code java -jar app/target/obol.jar} with its settings in the environment, on the
 * embedded PostgreSQL in a data directory under {@code target/}, on free ports. The client is tested against this,
 * not against a mock of the contract.
 */
final class RealObol implements AutoCloseable {

  /** The bootstrap admin key (admin scope); Obol wants at least 32 characters. */
  static final String ADMIN_KEY = "obol_client_test_bootstrap_admin_key_0123456789";

  private final Process process;
  private final Path dataDir;
  private final Path output;
  private final int grpcPort;
  private final Path trustCertPem; // null: plaintext

  private RealObol(Process process, Path dataDir, Path output, int grpcPort, Path trustCertPem) {
    this.process = process;
    this.dataDir = dataDir;
    this.output = output;
    this.grpcPort = grpcPort;
    this.trustCertPem = trustCertPem;
  }

  /** Starts it and waits until it answers an authenticated call (the database is up and migrated). */
  static RealObol start() throws Exception {
    return start(null, null);
  }

  /**
   * Starts it with gRPC over TLS only ({@code OBOL_GRPC_TLS_CERT}, {@code OBOL_GRPC_TLS_KEY}: PEM certificate and its
   * PKCS#8 key); {@link #client} and the start-up probe trust {@code certPem}.
   */
  static RealObol startWithTls(Path certPem, Path keyPem) throws Exception {
    return start(certPem, keyPem);
  }

  private static RealObol start(Path certPem, Path keyPem) throws Exception {
    Path jar = Path.of(System.getProperty("obol.jar", "../../app/target/obol.jar")).toAbsolutePath().normalize();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: build app first (mvn -pl clients/java -am verify)");
    }
    Path dataDir = Files.createDirectories(Path.of("target", "real-obol", UUID.randomUUID().toString())).toAbsolutePath();
    Path output = dataDir.resolve("obol.log");
    int grpcPort = freePort();
    ProcessBuilder builder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", jar.toString())
            .redirectErrorStream(true)
            .redirectOutput(output.toFile());
    Map<String, String> environment = builder.environment();
    environment.keySet().removeIf(name -> name.startsWith("OBOL_"));
    environment.put("OBOL_DATA_DIR", dataDir.resolve("data").toString());
    environment.put("OBOL_GRPC_PORT", String.valueOf(grpcPort));
    environment.put("OBOL_HTTP_PORT", String.valueOf(freePort()));
    environment.put("OBOL_BOOTSTRAP_ADMIN_KEY", ADMIN_KEY);
    if (certPem != null) {
      environment.put("OBOL_GRPC_TLS_CERT", certPem.toAbsolutePath().toString());
      environment.put("OBOL_GRPC_TLS_KEY", keyPem.toAbsolutePath().toString());
    }
    RealObol obol = new RealObol(builder.start(), dataDir, output, grpcPort, certPem);
    try {
      obol.awaitServing(Duration.ofSeconds(120));
      return obol;
    } catch (Exception | Error e) {
      obol.close();
      throw e;
    }
  }

  String target() {
    return "localhost:" + grpcPort;
  }

  ObolClient client(String apiKey) {
    return builder().apiKey(apiKey).deadline(Duration.ofSeconds(15)).build();
  }

  /** A builder for this Obol's target, trusting its certificate when it was started with TLS. */
  private ObolClient.Builder builder() {
    ObolClient.Builder builder = ObolClient.builder().target(target());
    return trustCertPem == null ? builder : builder.tls(trustCertPem);
  }

  private void awaitServing(Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    try (ObolClient probe = builder().apiKey(ADMIN_KEY).maxAttempts(1).build()) {
      while (System.nanoTime() < end) {
        if (!process.isAlive()) {
          throw new IllegalStateException("Obol exited with " + process.exitValue() + ":\n" + tail());
        }
        try {
          probe.withDeadline(Duration.ofSeconds(2)).listFeatures();
          return;
        } catch (ObolException notYet) {
          Thread.sleep(200);
        }
      }
    }
    throw new IllegalStateException("Obol did not serve within " + timeout + ":\n" + tail());
  }

  private String tail() {
    try {
      List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no output: " + e + ")";
    }
  }

  /** SIGTERM, then SIGKILL; and the embedded postmaster too if it outlived the JVM, so nothing is left running. */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
    Path pidFile = dataDir.resolve("data").resolve("postgres").resolve("postmaster.pid");
    try {
      if (Files.exists(pidFile)) {
        String pid = Files.readAllLines(pidFile, StandardCharsets.UTF_8).get(0).strip();
        ProcessHandle.of(Long.parseLong(pid))
            .filter(handle -> handle.info().command().map(c -> c.endsWith("/postgres")).orElse(false))
            .ifPresent(ProcessHandle::destroy);
      }
    } catch (IOException | RuntimeException ignored) {
      // best effort: the postmaster is gone, or it is not ours
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
