package dev.obol.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.Any;
import com.google.rpc.ErrorInfo;
import dev.obol.proto.v1.CheckAndDebitRequest;
import dev.obol.proto.v1.CheckAndDebitResponse;
import dev.obol.proto.v1.WalletServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client's own logic (retries, deadline, headers, error unpacking) against a fake WalletService in process: a real
 * Obol cannot be made UNAVAILABLE twice and then answer on cue.
 */
class ObolClientRetryTest {

  private final List<String> requestIds = new CopyOnWriteArrayList<>();
  private final List<String> authorizations = new CopyOnWriteArrayList<>();
  private final AtomicInteger failuresLeft = new AtomicInteger();
  private volatile StatusRuntimeException failure = Status.UNAVAILABLE.withDescription("restarting").asRuntimeException();
  private volatile boolean hang;
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void startFake() throws Exception {
    String name = InProcessServerBuilder.generateName();
    WalletServiceGrpc.WalletServiceImplBase wallet =
        new WalletServiceGrpc.WalletServiceImplBase() {
          @Override
          public void checkAndDebit(CheckAndDebitRequest request, StreamObserver<CheckAndDebitResponse> responses) {
            requestIds.add(request.getRequestId());
            if (hang) {
              return; // never answers: the deadline must end the call
            }
            if (failuresLeft.getAndDecrement() > 0) {
              responses.onError(failure);
              return;
            }
            responses.onNext(CheckAndDebitResponse.newBuilder().setAllowed(true).setDebited(50).setBalance(50).build());
            responses.onCompleted();
          }
        };
    ServerInterceptor headers =
        new ServerInterceptor() {
          @Override
          public <Q, R> ServerCall.Listener<Q> interceptCall(
              ServerCall<Q, R> call, Metadata metadata, ServerCallHandler<Q, R> next) {
            authorizations.add(metadata.get(ObolClient.AUTHORIZATION));
            return next.startCall(call, metadata);
          }
        };
    server =
        InProcessServerBuilder.forName(name)
            .directExecutor()
            .addService(ServerInterceptors.intercept(wallet, headers))
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
  }

  @AfterEach
  void stopFake() {
    channel.shutdownNow();
    server.shutdownNow();
  }

  private ObolClient client() {
    return ObolClient.builder()
        .channel(channel)
        .apiKey("obol_test_key")
        .backoff(Duration.ofMillis(5), Duration.ofMillis(20))
        .build();
  }

  private static CheckAndDebitRequest debit(String requestId) {
    return CheckAndDebitRequest.newBuilder().setAccountId("a").setFeature("image").setRequestId(requestId).build();
  }

  @Test
  void unavailable_twice_then_the_answer_with_the_same_request_id() {
    failuresLeft.set(2);

    CheckAndDebitResponse response = client().checkAndDebit(debit("r-1"));

    assertThat(response.getAllowed()).isTrue();
    assertThat(requestIds).containsExactly("r-1", "r-1", "r-1");
    assertThat(authorizations).containsOnly("Bearer obol_test_key").hasSize(3);
  }

  @Test
  void a_request_without_an_id_gets_one_that_every_attempt_shares() {
    failuresLeft.set(1);

    client().checkAndDebit(CheckAndDebitRequest.newBuilder().setAccountId("a").setFeature("image").build());

    assertThat(requestIds).hasSize(2).doesNotContain("");
    assertThat(requestIds.get(1)).isEqualTo(requestIds.get(0));
  }

  @Test
  void attempts_are_bounded() {
    failuresLeft.set(Integer.MAX_VALUE);

    ObolException unavailable = catchThrowableOfType(ObolException.class, () -> client().checkAndDebit(debit("r-1")));

    assertThat(unavailable.code()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(unavailable.reason()).isEmpty();
    assertThat(requestIds).hasSize(3);
  }

  @Test
  void other_codes_are_not_retried_and_keep_their_error_info() {
    failuresLeft.set(1);
    com.google.rpc.Status status =
        com.google.rpc.Status.newBuilder()
            .setCode(Status.Code.INVALID_ARGUMENT.value())
            .setMessage("quantity: must not be negative")
            .addDetails(Any.pack(ErrorInfo.newBuilder()
                .setDomain("obol")
                .setReason("NEGATIVE")
                .putMetadata("field", "quantity")
                .build()))
            .build();
    failure = StatusProto.toStatusRuntimeException(status);

    ObolException invalid = catchThrowableOfType(ObolException.class, () -> client().checkAndDebit(debit("r-1")));

    assertThat(invalid.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(invalid.reason()).isEqualTo("NEGATIVE");
    assertThat(invalid.field()).contains("quantity");
    assertThat(requestIds).hasSize(1);
    assertThat(invalid.getMessage()).contains("INVALID_ARGUMENT", "quantity: must not be negative", "NEGATIVE");
  }

  @Test
  void the_deadline_bounds_the_call() {
    hang = true;
    ObolClient client = ObolClient.builder().channel(channel).apiKey("k").deadline(Duration.ofMillis(200)).build();

    long start = System.nanoTime();
    ObolException late = catchThrowableOfType(ObolException.class, () -> client.checkAndDebit(debit("r-1")));

    assertThat(late.code()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void loopback_targets_default_to_plaintext() {
    assertThat(ObolClient.Builder.isLoopback("localhost:50051")).isTrue();
    assertThat(ObolClient.Builder.isLoopback("127.0.0.1:50051")).isTrue();
    assertThat(ObolClient.Builder.isLoopback("[::1]:50051")).isTrue();
    assertThat(ObolClient.Builder.isLoopback("dns:///localhost:50051")).isTrue();
    assertThat(ObolClient.Builder.isLoopback("obol.internal:443")).isFalse();
    assertThat(ObolClient.Builder.isLoopback("dns:///obol.example.com:443")).isFalse();
  }
}
