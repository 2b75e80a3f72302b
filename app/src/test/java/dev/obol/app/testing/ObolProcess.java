package dev.obol.app.testing;

import dev.obol.proto.v1.WalletServiceGrpc;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Obol as an operator runs it: a separate JVM ({@code java -cp <the app's classpath> dev.obol.app.Application}) with its
 * settings in environment variables, on the embedded PostgreSQL in a data directory of the test's, on free ports, its
 * console output in a file. For what only a real process shows: signals (SIGTERM, kill -9), its exit code, what it
 * logs, and what it leaves behind in its data directory.
 */
public final class ObolProcess implements AutoCloseable {

  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final Process process;
  private final Path output;
  private final int grpcPort;
  private final int httpPort;
  private ManagedChannel channel;

  private ObolProcess(Process process, Path output, int grpcPort, int httpPort) {
    this.process = process;
    this.output = output;
    this.grpcPort = grpcPort;
    this.httpPort = httpPort;
  }

  /**
   * Starts Obol on {@code dataDir} (the embedded database) with the bootstrap admin key and its own free ports, and
   * returns at once; {@link #awaitServing} waits for it. {@code output} receives stdout and stderr.
   */
  public static ObolProcess launch(Path dataDir, Path output, Map<String, String> extraEnvironment) {
    int grpcPort = freePort();
    int httpPort = freePort();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // A test starts several: C1 only and the serial collector start a JVM faster on a small machine.
    command.add("-Xmx256m");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-XX:+UseSerialGC");
    command.add("-cp");
    command.add(applicationClassPath());
    command.add("dev.obol.app.Application");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
    Map<String, String> environment = builder.environment();
    // Nothing of the developer's or CI's own Obol settings (an OBOL_DATABASE_URL would bypass the embedded default).
    environment.keySet().removeIf(name -> name.startsWith("OBOL_"));
    environment.put("OBOL_DATA_DIR", dataDir.toString());
    environment.put("OBOL_GRPC_PORT", String.valueOf(grpcPort));
    environment.put("OBOL_HTTP_PORT", String.valueOf(httpPort));
    environment.put("OBOL_BOOTSTRAP_ADMIN_KEY", ObolTestApp.ADMIN_KEY);
    environment.putAll(extraEnvironment);
    try {
      return new ObolProcess(builder.start(), output, grpcPort, httpPort);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command, e);
    }
  }

  /**
   * The test JVM's classpath without test classes and test jars: the app's classes and its dependencies, so the child
   * logs through the production logback.xml, not logback-test.xml.
   */
  private static String applicationClassPath() {
    return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(entry -> !entry.endsWith("test-classes") && !entry.endsWith("-tests.jar"))
        .collect(Collectors.joining(File.pathSeparator));
  }

  /** Waits until gRPC health answers SERVING; false if the process ended first or {@code timeout} passed. */
  public boolean awaitServing(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        return false;
      }
      try {
        HealthCheckResponse response =
            HealthGrpc.newBlockingStub(channel())
                .withDeadlineAfter(2, TimeUnit.SECONDS)
                .check(HealthCheckRequest.getDefaultInstance());
        if (response.getStatus() == HealthCheckResponse.ServingStatus.SERVING) {
          return true;
        }
      } catch (StatusRuntimeException notYet) {
        // Not listening yet.
      }
      Thread.sleep(100);
    }
    return false;
  }

  /** A plaintext channel to its gRPC port; calls through {@link #wallet()} send the bootstrap admin key. */
  public synchronized ManagedChannel channel() {
    if (channel == null) {
      channel = NettyChannelBuilder.forAddress("127.0.0.1", grpcPort).usePlaintext().build();
    }
    return channel;
  }

  public WalletServiceGrpc.WalletServiceBlockingStub wallet() {
    Metadata headers = new Metadata();
    headers.put(AUTHORIZATION, "Bearer " + ObolTestApp.ADMIN_KEY);
    return WalletServiceGrpc.newBlockingStub(
            ClientInterceptors.intercept(channel(), MetadataUtils.newAttachHeadersInterceptor(headers)))
        .withDeadlineAfter(15, TimeUnit.SECONDS);
  }

  public long pid() {
    return process.pid();
  }

  public int grpcPort() {
    return grpcPort;
  }

  public int httpPort() {
    return httpPort;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** SIGTERM, as an operator's {@code kill}, systemd or Kubernetes sends it. */
  public void terminate() {
    process.destroy();
  }

  /** SIGKILL: the JVM gets no chance to stop anything. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** The exit code, or empty if it is still running after {@code timeout}. */
  public Optional<Integer> awaitExit(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)
        ? Optional.of(process.exitValue())
        : Optional.empty();
  }

  /** Everything it wrote to stdout and stderr so far. */
  public List<String> outputLines() {
    try {
      return Files.readAllLines(output, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Lines of a stack trace: {@code \tat …}, {@code Caused by:}, or a line naming an exception class. */
  public List<String> stackTraceLines() {
    return outputLines().stream()
        .filter(line -> line.startsWith("\tat ") || line.startsWith("Caused by:") || line.contains("Exception"))
        .toList();
  }

  /**
   * Stops it whatever state it is in (SIGTERM, then SIGKILL). A postmaster it may have left running is
   * {@link #stopLeftoverPostgres}'s (after the test: leaving one behind is what some tests look at).
   */
  @Override
  public void close() throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow();
      channel.awaitTermination(5, TimeUnit.SECONDS);
    }
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  /** The postmaster named by the data directory's postmaster.pid, if one is still running (a test that failed). */
  public static Optional<ProcessHandle> runningPostmaster(Path dataDir) {
    Path pidFile = dataDir.resolve("postgres").resolve("postmaster.pid");
    try {
      if (!Files.exists(pidFile)) {
        return Optional.empty();
      }
      List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
      if (lines.isEmpty() || lines.get(0).isBlank()) {
        return Optional.empty();
      }
      return ProcessHandle.of(Long.parseLong(lines.get(0).strip()))
          .filter(ProcessHandle::isAlive)
          .filter(handle -> handle.info().command().map(command -> command.endsWith("/postgres")).orElse(false));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** Stops a postmaster still running on {@code dataDir}, so a failed test leaves no process behind. */
  public static void stopLeftoverPostgres(Path dataDir) throws InterruptedException {
    Optional<ProcessHandle> postmaster = runningPostmaster(dataDir);
    if (postmaster.isPresent()) {
      postmaster.get().destroy();
      try {
        postmaster.get().onExit().get(30, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        postmaster.get().destroyForcibly();
      }
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
