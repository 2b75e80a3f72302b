package dev.obol.bench;

import dev.obol.proto.v1.Asset;
import dev.obol.proto.v1.CheckAndDebitRequest;
import dev.obol.proto.v1.CheckAndDebitResponse;
import dev.obol.proto.v1.GrantRequest;
import dev.obol.proto.v1.GrantSource;
import dev.obol.proto.v1.WalletServiceGrpc;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.util.Arrays;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Load generator for CheckAndDebit against a running Obol over real gRPC.
 *
 * <p>Seeds {@code --accounts} accounts with enough tokens, then keeps {@code --concurrency} debits in flight for
 * {@code --seconds} (after {@code --warmup-seconds}), each of one feature on a random account with a fresh request id,
 * and prints throughput and latency percentiles. Every debit is a full write: lock, idempotency check, burn, ledger,
 * commit.
 *
 * <pre>java -jar bench/target/obol-bench.jar --target 127.0.0.1:50051 --api-key "$OBOL_API_KEY" --accounts 1000 --concurrency 64 --seconds 30</pre>
 */
public final class DebitBenchmark {

  public static void main(String[] args) throws Exception {
    String target = option(args, "--target", "127.0.0.1:50051");
    int accounts = Integer.parseInt(option(args, "--accounts", "1000"));
    int concurrency = Integer.parseInt(option(args, "--concurrency", "64"));
    int seconds = Integer.parseInt(option(args, "--seconds", "30"));
    int warmupSeconds = Integer.parseInt(option(args, "--warmup-seconds", "5"));
    String feature = option(args, "--feature", "ai.generate");

    String apiKey = option(args, "--api-key", System.getenv().getOrDefault("OBOL_API_KEY", ""));
    if (apiKey.isEmpty()) {
      System.err.println("an API key with wallet:grant and wallet:debit is needed: --api-key or OBOL_API_KEY");
      System.exit(2);
    }
    String[] host = target.split(":");
    ManagedChannel transport =
        NettyChannelBuilder.forAddress(host[0], Integer.parseInt(host[1])).usePlaintext().build();
    Metadata auth = new Metadata();
    auth.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + apiKey);
    Channel channel = ClientInterceptors.intercept(transport, MetadataUtils.newAttachHeadersInterceptor(auth));
    try {
      String run = UUID.randomUUID().toString().substring(0, 8);
      String[] ids = seed(channel, run, accounts);
      System.out.printf(
          Locale.ROOT, "seeded %d accounts; %d in flight; warmup %ds, measure %ds%n",
          accounts, concurrency, warmupSeconds, seconds);
      drive(channel, ids, feature, concurrency, warmupSeconds);
      Result result = drive(channel, ids, feature, concurrency, seconds);
      result.print(seconds);
    } finally {
      transport.shutdownNow();
    }
  }

  private static String[] seed(Channel channel, String run, int accounts) {
    WalletServiceGrpc.WalletServiceBlockingStub wallet = WalletServiceGrpc.newBlockingStub(channel);
    String[] ids = new String[accounts];
    for (int i = 0; i < accounts; i++) {
      ids[i] = "bench-" + run + "-" + i;
      wallet.grant(
          GrantRequest.newBuilder()
              .setAccountId(ids[i])
              .setAsset(Asset.ASSET_TOKEN)
              .setAmount(1_000_000_000L)
              .setSource(GrantSource.GRANT_SOURCE_PROMO)
              .setReason("benchmark")
              .setRequestId("seed")
              .build());
    }
    return ids;
  }

  private record Result(long ok, long denied, long failed, long[] latenciesMicros) {
    void print(int seconds) {
      long[] sorted = latenciesMicros.clone();
      Arrays.sort(sorted);
      System.out.printf(
          Locale.ROOT,
          "CheckAndDebit: %d allowed, %d denied, %d failed in %ds = %.0f debits/s; latency ms p50 %.2f p90 %.2f"
              + " p99 %.2f max %.2f%n",
          ok, denied, failed, seconds, ok / (double) seconds,
          pct(sorted, 50), pct(sorted, 90), pct(sorted, 99), sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1000.0);
    }

    private static double pct(long[] sorted, int p) {
      if (sorted.length == 0) {
        return 0;
      }
      return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)] / 1000.0;
    }
  }

  /** Keeps {@code concurrency} calls in flight until the time is up. */
  private static Result drive(
      Channel channel, String[] ids, String feature, int concurrency, int seconds)
      throws InterruptedException {
    WalletServiceGrpc.WalletServiceStub wallet = WalletServiceGrpc.newStub(channel);
    Semaphore slots = new Semaphore(concurrency);
    AtomicLong ok = new AtomicLong();
    AtomicLong denied = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    int capacity = 4_000_000;
    AtomicLongArray latencies = new AtomicLongArray(capacity);
    AtomicLong recorded = new AtomicLong();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    long sequence = 0;
    while (System.nanoTime() < end) {
      slots.acquire();
      String account = ids[(int) (Math.floorMod(mix(sequence), ids.length))];
      CheckAndDebitRequest request =
          CheckAndDebitRequest.newBuilder()
              .setAccountId(account)
              .setFeature(feature)
              .setRequestId(UUID.randomUUID().toString())
              .build();
      sequence++;
      long started = System.nanoTime();
      wallet.checkAndDebit(
          request,
          new StreamObserver<>() {
            @Override
            public void onNext(CheckAndDebitResponse response) {
              (response.getAllowed() ? ok : denied).incrementAndGet();
            }

            @Override
            public void onError(Throwable t) {
              failed.incrementAndGet();
              finish();
            }

            @Override
            public void onCompleted() {
              finish();
            }

            private void finish() {
              long index = recorded.getAndIncrement();
              if (index < capacity) {
                latencies.set((int) index, (System.nanoTime() - started) / 1000);
              }
              slots.release();
            }
          });
    }
    slots.acquire(concurrency);
    int n = (int) Math.min(recorded.get(), capacity);
    long[] values = new long[n];
    for (int i = 0; i < n; i++) {
      values[i] = latencies.get(i);
    }
    return new Result(ok.get(), denied.get(), failed.get(), values);
  }

  private static long mix(long x) {
    x ^= x >>> 33;
    x *= 0xff51afd7ed558ccdL;
    x ^= x >>> 33;
    return x;
  }

  private static String option(String[] args, String name, String fallback) {
    for (int i = 0; i < args.length - 1; i++) {
      if (args[i].equals(name)) {
        return args[i + 1];
      }
    }
    return fallback;
  }
}
