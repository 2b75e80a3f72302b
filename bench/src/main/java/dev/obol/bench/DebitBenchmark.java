package dev.obol.bench;

import dev.obol.proto.v1.Asset;
import com.google.protobuf.Timestamp;
import dev.obol.proto.v1.AccountServiceGrpc;
import dev.obol.proto.v1.CheckAndDebitRequest;
import dev.obol.proto.v1.GetSalesSummaryRequest;
import dev.obol.proto.v1.GetSalesSummaryResponse;
import dev.obol.proto.v1.GetUsageSummaryRequest;
import dev.obol.proto.v1.GetUsageSummaryResponse;
import dev.obol.proto.v1.CheckAndDebitResponse;
import dev.obol.proto.v1.CheckRequest;
import dev.obol.proto.v1.CheckResponse;
import dev.obol.proto.v1.GrantRequest;
import dev.obol.proto.v1.GrantResponse;
import dev.obol.proto.v1.GrantSource;
import dev.obol.proto.v1.WalletServiceGrpc;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Load generator for CheckAndDebit (or the read-only Check) against a running Obol over real gRPC.
 *
 * <p>Seeds {@code --accounts} accounts with enough tokens, then keeps {@code --concurrency} calls in flight for
 * {@code --seconds} (after {@code --warmup-seconds}), each of one feature on a random account with a fresh request id,
 * prints a progress line every 5 s and then throughput and latency percentiles. In {@code --mode debit} every call is
 * a full write (lock, idempotency check, burn, ledger, commit); in {@code --mode check} it is the read-only Check; in
 * {@code --mode sales} the operators' GetSalesSummary of the last 365 days by month (use a small concurrency, and a
 * key with account:operate); in {@code --mode usage} GetUsageSummary of a seeded account's last 31 days by feature.
 * With {@code --json} the last line of stdout is one JSON object (other tools read it):
 * {@code {"mode":"debit","accounts":10000,"concurrency":64,"throughput_per_s":…,"p50_ms":…,"p99_ms":…,"errors":…}}.
 *
 * <pre>java -jar bench/target/obol-bench.jar --target 127.0.0.1:50051 --api-key "$OBOL_API_KEY" --accounts 10000 --concurrency 64 --seconds 20 --mode debit --json</pre>
 */
public final class DebitBenchmark {

  private static final int PROGRESS_SECONDS = 5;
  /** Grants in flight while seeding: enough to seed 10,000 accounts in a few seconds, few enough not to queue. */
  private static final int SEED_IN_FLIGHT = 32;

  enum Mode {
    DEBIT,
    CHECK,
    /** AccountService.GetSalesSummary of the last 365 days by month: the operators' insight query, read-only. */
    SALES,
    /** WalletService.GetUsageSummary of one account's tokens over the last 31 days by feature, read-only. */
    USAGE
  }

  public static void main(String[] args) throws Exception {
    Options options = Options.parse(args);
    String[] host = options.target.split(":");
    ManagedChannel transport =
        NettyChannelBuilder.forAddress(host[0], Integer.parseInt(host[1])).usePlaintext().build();
    Metadata auth = new Metadata();
    auth.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + options.apiKey);
    Channel channel = ClientInterceptors.intercept(transport, MetadataUtils.newAttachHeadersInterceptor(auth));
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "bench-progress");
      t.setDaemon(true);
      return t;
    });
    try {
      String run = UUID.randomUUID().toString().substring(0, 8);
      String[] ids = seed(channel, run, options.accounts);
      System.out.printf(
          Locale.ROOT, "seeded %d accounts; mode %s; %d in flight; warmup %ds, measure %ds%n",
          options.accounts, options.mode.name().toLowerCase(Locale.ROOT), options.concurrency,
          options.warmupSeconds, options.seconds);
      if (options.warmupSeconds > 0) {
        drive(channel, ids, options, options.warmupSeconds, ticker, "warmup");
      }
      Result result = drive(channel, ids, options, options.seconds, ticker, "measure");
      result.print(options);
    } finally {
      ticker.shutdownNow();
      transport.shutdownNow();
    }
  }

  /** The command line; names fixed by issue 12 (other tools run it). */
  private record Options(
      String target,
      String apiKey,
      int accounts,
      int concurrency,
      int seconds,
      int warmupSeconds,
      Mode mode,
      String feature,
      boolean json) {

    static Options parse(String[] args) {
      String apiKey = option(args, "--api-key", System.getenv().getOrDefault("OBOL_API_KEY", ""));
      if (apiKey.isEmpty()) {
        usage("an API key with wallet:grant, wallet:debit and wallet:read is needed: --api-key or OBOL_API_KEY");
      }
      Mode mode;
      try {
        mode = Mode.valueOf(option(args, "--mode", "debit").toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw usage("--mode is debit, check, sales or usage");
      }
      Options options =
          new Options(
              option(args, "--target", "127.0.0.1:50051"),
              apiKey,
              positive(args, "--accounts", "1000"),
              positive(args, "--concurrency", "64"),
              positive(args, "--seconds", "30"),
              Integer.parseInt(option(args, "--warmup-seconds", "5")),
              mode,
              option(args, "--feature", "ai.generate"),
              java.util.Arrays.asList(args).contains("--json"));
      if (options.warmupSeconds < 0) {
        throw usage("--warmup-seconds must be 0 or more");
      }
      return options;
    }

    private static int positive(String[] args, String name, String fallback) {
      int value = Integer.parseInt(option(args, name, fallback));
      if (value <= 0) {
        throw usage(name + " must be greater than 0");
      }
      return value;
    }

    private static String option(String[] args, String name, String fallback) {
      for (int i = 0; i < args.length - 1; i++) {
        if (args[i].equals(name)) {
          return args[i + 1];
        }
      }
      return fallback;
    }

    private static IllegalStateException usage(String message) {
      System.err.println(message);
      System.err.println(
          "usage: obol-bench --target HOST:PORT --api-key KEY --accounts N --concurrency C --seconds S"
              + " --warmup-seconds W --mode debit|check|sales|usage [--json]");
      System.exit(2);
      return new IllegalStateException(message);
    }
  }

  /** One grant per account, {@link #SEED_IN_FLIGHT} at a time; any failure stops the run (nothing to measure). */
  private static String[] seed(Channel channel, String run, int accounts) throws InterruptedException {
    WalletServiceGrpc.WalletServiceStub wallet = WalletServiceGrpc.newStub(channel);
    String[] ids = new String[accounts];
    Semaphore slots = new Semaphore(SEED_IN_FLIGHT);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    for (int i = 0; i < accounts && failure.get() == null; i++) {
      ids[i] = "bench-" + run + "-" + i;
      slots.acquire();
      wallet.grant(
          GrantRequest.newBuilder()
              .setAccountId(ids[i])
              .setAsset(Asset.ASSET_TOKEN)
              .setAmount(1_000_000_000L)
              .setSource(GrantSource.GRANT_SOURCE_PROMO)
              .setReason("benchmark")
              .setRequestId("seed")
              .build(),
          new StreamObserver<GrantResponse>() {
            @Override
            public void onNext(GrantResponse response) {}

            @Override
            public void onError(Throwable t) {
              failure.compareAndSet(null, t);
              slots.release();
            }

            @Override
            public void onCompleted() {
              slots.release();
            }
          });
    }
    slots.acquire(SEED_IN_FLIGHT);
    if (failure.get() != null) {
      System.err.println("seeding failed: " + failure.get());
      System.exit(1);
    }
    return ids;
  }

  /** @param ok every answer, denials included */
  private record Result(
      Mode mode, long ok, long denied, long failed, double elapsedSeconds, LatencyHistogram latencies) {

    /** Debits made per second (a denied debit wrote nothing); for Check, answers per second. */
    double throughput() {
      return (mode == Mode.DEBIT ? ok - denied : ok) / elapsedSeconds;
    }

    void print(Options options) {
      String what =
          switch (options.mode) {
            case DEBIT -> "CheckAndDebit";
            case CHECK -> "Check";
            case SALES -> "GetSalesSummary (365 days by month)";
            case USAGE -> "GetUsageSummary (one account, 31 days by feature)";
          };
      System.out.printf(
          Locale.ROOT,
          "%s: %d allowed, %d denied, %d failed in %.1fs = %.0f/s; latency ms p50 %.2f p90 %.2f p99 %.2f max %.2f%n",
          what, ok - denied, denied, failed, elapsedSeconds, throughput(),
          latencies.percentileMillis(50), latencies.percentileMillis(90), latencies.percentileMillis(99),
          latencies.percentileMillis(100));
      if (options.json) {
        // The last line: exactly these keys in this order (side-by-side.sh and other tools parse it).
        System.out.printf(
            Locale.ROOT,
            "{\"mode\":\"%s\",\"accounts\":%d,\"concurrency\":%d,\"throughput_per_s\":%.1f,\"p50_ms\":%.2f,"
                + "\"p99_ms\":%.2f,\"errors\":%d}%n",
            options.mode.name().toLowerCase(Locale.ROOT), options.accounts, options.concurrency, throughput(),
            latencies.percentileMillis(50), latencies.percentileMillis(99), failed);
      }
    }
  }

  /**
   * Keeps {@code concurrency} calls in flight until the time is up, then waits for the last ones. {@code ok} counts
   * every answer (a denial is an answer: Check of an empty wallet, a debit of one); errors are failed calls.
   */
  private static Result drive(
      Channel channel, String[] ids, Options options, int seconds, ScheduledExecutorService ticker, String phase)
      throws InterruptedException {
    WalletServiceGrpc.WalletServiceStub wallet = WalletServiceGrpc.newStub(channel);
    AccountServiceGrpc.AccountServiceStub accounts = AccountServiceGrpc.newStub(channel);
    Instant now = Instant.now();
    GetSalesSummaryRequest sales =
        GetSalesSummaryRequest.newBuilder()
            .setFrom(Timestamp.newBuilder().setSeconds(now.minus(Duration.ofDays(365)).getEpochSecond()))
            .setTo(Timestamp.newBuilder().setSeconds(now.getEpochSecond()))
            .setGroupBy(GetSalesSummaryRequest.GroupBy.GROUP_BY_MONTH)
            .build();
    Semaphore slots = new Semaphore(options.concurrency);
    AtomicLong ok = new AtomicLong();
    AtomicLong denied = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    LatencyHistogram latencies = new LatencyHistogram();
    long start = System.nanoTime();
    long end = start + TimeUnit.SECONDS.toNanos(seconds);
    var progress =
        ticker.scheduleAtFixedRate(
            () -> {
              double elapsed = (System.nanoTime() - start) / 1e9;
              System.out.printf(
                  Locale.ROOT, "%s %5.1fs: %.0f/s so far, p99 %.2f ms so far, %d errors%n",
                  phase, elapsed, ok.get() / elapsed, latencies.percentileMillis(99), failed.get());
            },
            PROGRESS_SECONDS, PROGRESS_SECONDS, TimeUnit.SECONDS);
    long sequence = 0;
    while (System.nanoTime() < end) {
      slots.acquire();
      String account = ids[(int) Math.floorMod(mix(sequence), (long) ids.length)];
      sequence++;
      long started = System.nanoTime();
      Runnable finish = () -> {
        latencies.record((System.nanoTime() - started) / 1000);
        slots.release();
      };
      if (options.mode == Mode.DEBIT) {
        wallet.checkAndDebit(
            CheckAndDebitRequest.newBuilder()
                .setAccountId(account)
                .setFeature(options.feature)
                .setRequestId(UUID.randomUUID().toString())
                .build(),
            new Answer<CheckAndDebitResponse>(ok, denied, failed, finish, CheckAndDebitResponse::getAllowed));
      } else if (options.mode == Mode.USAGE) {
        wallet.getUsageSummary(
            GetUsageSummaryRequest.newBuilder()
                .setAccountId(account)
                .setAsset(Asset.ASSET_TOKEN)
                .setFrom(Timestamp.newBuilder().setSeconds(now.minus(Duration.ofDays(31)).getEpochSecond()))
                .setTo(Timestamp.newBuilder().setSeconds(now.getEpochSecond() + 1))
                .setGroupBy(GetUsageSummaryRequest.GroupBy.GROUP_BY_FEATURE)
                .build(),
            new Answer<GetUsageSummaryResponse>(ok, denied, failed, finish, r -> true));
      } else if (options.mode == Mode.SALES) {
        accounts.getSalesSummary(sales, new Answer<GetSalesSummaryResponse>(ok, denied, failed, finish, r -> true));
      } else {
        wallet.check(
            CheckRequest.newBuilder().setAccountId(account).setFeature(options.feature).build(),
            new Answer<CheckResponse>(ok, denied, failed, finish, CheckResponse::getAllowed));
      }
    }
    slots.acquire(options.concurrency);
    double elapsed = (System.nanoTime() - start) / 1e9;
    progress.cancel(false);
    return new Result(options.mode, ok.get(), denied.get(), failed.get(), elapsed, latencies);
  }

  /** Counts one call's answer or failure, then frees its slot. */
  private record Answer<R>(
      AtomicLong ok, AtomicLong denied, AtomicLong failed, Runnable finish,
      java.util.function.Predicate<R> allowed)
      implements StreamObserver<R> {

    @Override
    public void onNext(R response) {
      ok.incrementAndGet();
      if (!allowed.test(response)) {
        denied.incrementAndGet();
      }
    }

    @Override
    public void onError(Throwable t) {
      failed.incrementAndGet();
      finish.run();
    }

    @Override
    public void onCompleted() {
      finish.run();
    }
  }

  private static long mix(long x) {
    x ^= x >>> 33;
    x *= 0xff51afd7ed558ccdL;
    x ^= x >>> 33;
    return x;
  }
}
