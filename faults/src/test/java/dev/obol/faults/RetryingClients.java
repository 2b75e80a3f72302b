package dev.obol.faults;

import com.google.protobuf.Message;
import dev.obol.faults.LedgerCheck.Ack;
import dev.obol.faults.LedgerCheck.Key;
import dev.obol.faults.LedgerCheck.Kind;
import dev.obol.faults.LedgerCheck.Request;
import dev.obol.proto.v1.Asset;
import dev.obol.proto.v1.CheckAndDebitRequest;
import dev.obol.proto.v1.GrantRequest;
import dev.obol.proto.v1.GrantSource;
import dev.obol.proto.v1.WalletServiceGrpc;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * Clients as a careful caller writes them: every write has a request id of its own; any failure is retried with the
 * same request id and payload (short backoff, the next attempt through the next Obol instance) until OK arrives or
 * {@link #GIVE_UP_NANOS} pass. A write counts as acknowledged only when OK arrived.
 */
final class RetryingClients {

  /** How long one write is retried before the client gives up on it (the test then fails). */
  static final long GIVE_UP_NANOS = TimeUnit.SECONDS.toNanos(60);
  /** Each attempt's gRPC deadline. */
  private static final long ATTEMPT_DEADLINE_MILLIS = 5_000;
  private static final long BACKOFF_FIRST_MILLIS = 50;
  private static final long BACKOFF_MAX_MILLIS = 1_000;

  /** An acknowledged write, with when and how it got there (System.nanoTime()). */
  record Acknowledged(Ack ack, int attempts, long firstSent, long lastSent, long answered) {}

  /** A failed attempt: when it was sent and what came back. */
  record Failure(long sent, long failed, Status.Code code) {}

  private final List<Channel> instances;
  private final String runId;
  final Map<Key, Request> requested = new ConcurrentHashMap<>();
  final ConcurrentLinkedQueue<Acknowledged> acknowledged = new ConcurrentLinkedQueue<>();
  final ConcurrentLinkedQueue<Failure> failures = new ConcurrentLinkedQueue<>();
  /** Each write as sent, and the first OK answer to it. */
  final Map<Key, Message> requests = new ConcurrentHashMap<>();
  final Map<Key, Message> answers = new ConcurrentHashMap<>();
  final LongAdder gaveUp = new LongAdder();
  final LongAdder denied = new LongAdder();
  private final AtomicLong sequence = new AtomicLong();
  private final AtomicBoolean stop = new AtomicBoolean();
  private final List<Thread> threads = new ArrayList<>();

  RetryingClients(List<Channel> instances, String runId) {
    this.instances = instances;
    this.runId = runId;
  }

  GrantRequest grantRequest(String account, long amount) {
    return GrantRequest.newBuilder()
        .setAccountId(account)
        .setAsset(Asset.ASSET_TOKEN)
        .setAmount(amount)
        .setSource(GrantSource.GRANT_SOURCE_PROMO)
        .setReason("failover test")
        .setRequestId(runId + "-g-" + sequence.incrementAndGet())
        .build();
  }

  CheckAndDebitRequest debitRequest(String account, String feature) {
    return CheckAndDebitRequest.newBuilder()
        .setAccountId(account)
        .setFeature(feature)
        .setRequestId(runId + "-d-" + sequence.incrementAndGet())
        .build();
  }

  /** Sends a grant until it is acknowledged; false if the client gave up. */
  boolean grant(GrantRequest request, int instance) {
    Key key = new Key(request.getAccountId(), request.getRequestId());
    requested.put(key, new Request(key, Kind.GRANT));
    requests.put(key, request);
    return untilOk(key, instance,
        channel -> stub(channel).grant(request),
        response -> new Ack(key, Kind.GRANT, response.getGrantId(), request.getAmount()));
  }

  /** Sends a debit until it is acknowledged; false if the client gave up. */
  boolean debit(CheckAndDebitRequest request, int instance) {
    Key key = new Key(request.getAccountId(), request.getRequestId());
    requested.put(key, new Request(key, Kind.DEBIT));
    requests.put(key, request);
    return untilOk(key, instance,
        channel -> stub(channel).checkAndDebit(request),
        response -> {
          if (!response.getAllowed()) {
            denied.increment();
          }
          return new Ack(key, Kind.DEBIT, response.getDebitId(), response.getDebited());
        });
  }

  /** Sends an acknowledged write once more, unchanged, through instance {@code instance}: the answer it gets now. */
  Message replay(Key key, int instance) {
    Message request = requests.get(key);
    Channel channel = instances.get(instance % instances.size());
    return request instanceof GrantRequest grant
        ? stub(channel).grant(grant)
        : stub(channel).checkAndDebit((CheckAndDebitRequest) request);
  }

  private static WalletServiceGrpc.WalletServiceBlockingStub stub(Channel channel) {
    return WalletServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(ATTEMPT_DEADLINE_MILLIS, TimeUnit.MILLISECONDS);
  }

  private <T extends Message> boolean untilOk(
      Key key, int instance, Function<Channel, T> call, Function<T, Ack> toAck) {
    long first = System.nanoTime();
    long backoff = BACKOFF_FIRST_MILLIS;
    for (int attempt = 1; ; attempt++) {
      long sent = System.nanoTime();
      try {
        T response = call.apply(instances.get((instance + attempt - 1) % instances.size()));
        long answered = System.nanoTime();
        answers.put(key, response);
        acknowledged.add(new Acknowledged(toAck.apply(response), attempt, first, sent, answered));
        return true;
      } catch (StatusRuntimeException e) {
        long failed = System.nanoTime();
        failures.add(new Failure(sent, failed, e.getStatus().getCode()));
        if (failed - first > GIVE_UP_NANOS) {
          gaveUp.increment();
          return false;
        }
        sleep(backoff);
        backoff = Math.min(BACKOFF_MAX_MILLIS, backoff * 2);
      }
    }
  }

  /** Grants {@code amount} to each account, one at a time, until each is acknowledged. */
  void seed(List<String> accounts, long amount) {
    for (int i = 0; i < accounts.size(); i++) {
      GrantRequest request = grantRequest(accounts.get(i), amount);
      if (!grant(request, i)) {
        throw new IllegalStateException("seeding gave up on " + request.getAccountId());
      }
    }
  }

  /**
   * Starts {@code debitThreads} threads sending debits of {@code feature} on random accounts, and one thread
   * sending a small grant every {@code grantEveryMillis}; each thread finishes the write it has begun when stopped.
   */
  void start(List<String> accounts, String feature, int debitThreads, long grantEveryMillis) {
    for (int t = 0; t < debitThreads; t++) {
      int instance = t;
      threads.add(new Thread(() -> {
        while (!stop.get()) {
          String account = accounts.get(ThreadLocalRandom.current().nextInt(accounts.size()));
          debit(debitRequest(account, feature), instance);
        }
      }, "debits-" + t));
    }
    threads.add(new Thread(() -> {
      int instance = 0;
      while (!stop.get()) {
        String account = accounts.get(ThreadLocalRandom.current().nextInt(accounts.size()));
        grant(grantRequest(account, 10), instance++);
        sleep(grantEveryMillis);
      }
    }, "grants"));
    threads.forEach(Thread::start);
  }

  /** Stops the load; every thread finishes (acknowledges or gives up on) the write it has begun. */
  void stopAndJoin() throws InterruptedException {
    stop.set(true);
    for (Thread thread : threads) {
      thread.join(TimeUnit.NANOSECONDS.toMillis(GIVE_UP_NANOS) + 10_000);
      if (thread.isAlive()) {
        throw new IllegalStateException(thread.getName() + " did not finish");
      }
    }
  }

  /** Debits acknowledged whose successful attempt was sent after {@code nanos}. */
  long debitsSentAfter(long nanos) {
    return acknowledged.stream()
        .filter(a -> a.ack().kind() == Kind.DEBIT && a.lastSent() > nanos)
        .count();
  }

  long acknowledgedDebits() {
    return acknowledged.stream().filter(a -> a.ack().kind() == Kind.DEBIT).count();
  }

  Map<Status.Code, Long> failureCodes() {
    Map<Status.Code, Long> codes = new EnumMap<>(Status.Code.class);
    failures.forEach(f -> codes.merge(f.code(), 1L, Long::sum));
    return codes;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
