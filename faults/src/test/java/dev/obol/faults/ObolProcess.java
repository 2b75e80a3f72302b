package dev.obol.faults;

import dev.obol.proto.v1.ListFeaturesRequest;
import dev.obol.proto.v1.WalletServiceGrpc;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Obol: {@code java -jar app/target/obol.jar} as a process of its own, configured only through its
 * environment as the README says, with a gRPC channel to it that sends {@code authorization: Bearer <key>}.
 */
final class ObolProcess implements AutoCloseable {

  final String name;
  final int grpcPort;
  final int httpPort;
  final Path log;
  private final Process process;
  private final ManagedChannel transport;
  final Channel channel;

  private ObolProcess(String name, int grpcPort, int httpPort, Path log, Process process, String apiKey) {
    this.name = name;
    this.grpcPort = grpcPort;
    this.httpPort = httpPort;
    this.log = log;
    this.process = process;
    this.transport = NettyChannelBuilder.forAddress("127.0.0.1", grpcPort).usePlaintext().build();
    Metadata auth = new Metadata();
    auth.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + apiKey);
    this.channel = ClientInterceptors.intercept(transport, MetadataUtils.newAttachHeadersInterceptor(auth));
  }

  /** @param environment OBOL_* settings; every OBOL_* variable of ours is left out, so only these count */
  static ObolProcess start(String name, Path jar, Path directory, Map<String, String> environment, String apiKey)
      throws IOException {
    Files.createDirectories(directory);
    int grpcPort = PostgresNode.freePort();
    int httpPort = PostgresNode.freePort();
    Path log = directory.resolve("obol.log");
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse(
        Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(List.of("-Xms64m", "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar",
        jar.toString()));
    ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    builder.environment().keySet().removeIf(key -> key.startsWith("OBOL_"));
    builder.environment().putAll(environment);
    builder.environment().put("OBOL_GRPC_PORT", Integer.toString(grpcPort));
    builder.environment().put("OBOL_HTTP_PORT", Integer.toString(httpPort));
    builder.environment().put("OBOL_DATA_DIR", directory.resolve("data").toString());
    return new ObolProcess(name, grpcPort, httpPort, log, builder.start(), apiKey);
  }

  /** Waits until a WalletService call is answered (the pool, the schema and the gRPC server are up). */
  void awaitReady(long timeoutSeconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    StatusRuntimeException last = null;
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + logTail(60));
      }
      try {
        WalletServiceGrpc.newBlockingStub(channel).withDeadlineAfter(2, TimeUnit.SECONDS)
            .listFeatures(ListFeaturesRequest.getDefaultInstance());
        return;
      } catch (StatusRuntimeException e) {
        last = e;
        Thread.sleep(200);
      }
    }
    throw new IllegalStateException(name + " not ready after " + timeoutSeconds + " s (" + last + "):\n"
        + logTail(60));
  }

  boolean isAlive() {
    return process.isAlive();
  }

  String logTail(int lines) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** How many log lines contain {@code text}. */
  long logCount(String text) {
    try (var lines = Files.lines(log, StandardCharsets.UTF_8)) {
      return lines.filter(line -> line.contains(text)).count();
    } catch (IOException | java.io.UncheckedIOException e) {
      return -1;
    }
  }

  @Override
  public void close() throws InterruptedException {
    transport.shutdownNow();
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
    transport.awaitTermination(5, TimeUnit.SECONDS);
  }
}
