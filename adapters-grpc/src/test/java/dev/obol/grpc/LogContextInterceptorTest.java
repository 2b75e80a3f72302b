package dev.obol.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.obol.domain.security.Caller;
import dev.obol.domain.security.Scope;
import dev.obol.proto.v1.GrantRequest;
import dev.obol.proto.v1.GrantResponse;
import dev.obol.proto.v1.ListFeaturesRequest;
import dev.obol.proto.v1.ListFeaturesResponse;
import dev.obol.proto.v1.WalletServiceGrpc;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/**
 * The endpoint sees the call's ids in the MDC; the thread's own MDC is back as it was after each callback. Direct
 * executors: the server's callbacks run on the test's thread, so "as it was" can be checked there.
 */
class LogContextInterceptorTest {

  private final AtomicReference<Map<String, String>> seen = new AtomicReference<>();
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    String name = InProcessServerBuilder.generateName();
    WalletServiceGrpc.WalletServiceImplBase endpoint =
        new WalletServiceGrpc.WalletServiceImplBase() {
          @Override
          public void grant(GrantRequest request, StreamObserver<GrantResponse> responses) {
            seen.set(copyOfMdc());
            responses.onNext(GrantResponse.getDefaultInstance());
            responses.onCompleted();
          }

          @Override
          public void listFeatures(ListFeaturesRequest request, StreamObserver<ListFeaturesResponse> responses) {
            seen.set(copyOfMdc());
            responses.onNext(ListFeaturesResponse.getDefaultInstance());
            responses.onCompleted();
          }
        };
    // As the AuthInterceptor does: the verified caller in the call's Context, the log context inside it.
    ServerInterceptor authenticated =
        new ServerInterceptor() {
          @Override
          public <ReqT, RespT> io.grpc.ServerCall.Listener<ReqT> interceptCall(
              io.grpc.ServerCall<ReqT, RespT> call,
              io.grpc.Metadata headers,
              io.grpc.ServerCallHandler<ReqT, RespT> next) {
            Context context =
                Context.current().withValue(CallerContext.CALLER, new Caller("key1", Set.of(Scope.ADMIN), null));
            return Contexts.interceptCall(context, call, headers, next);
          }
        };
    server =
        InProcessServerBuilder.forName(name)
            .directExecutor()
            .addService(ServerInterceptors.intercept(endpoint, new LogContextInterceptor(), authenticated))
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
  }

  @AfterEach
  void stop() throws Exception {
    MDC.clear();
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  @Test
  void the_endpoint_sees_the_ids_and_the_threads_mdc_is_restored() {
    MDC.put("job", "outer");

    WalletServiceGrpc.newBlockingStub(channel)
        .grant(GrantRequest.newBuilder().setAccountId("acct-1").setRequestId("req-1").build());

    assertThat(seen.get())
        .containsEntry("request_id", "req-1")
        .containsEntry("account_id", "acct-1")
        .containsEntry("key_id", "key1")
        .containsEntry("job", "outer");
    assertThat(copyOfMdc()).isEqualTo(Map.of("job", "outer"));
  }

  @Test
  void a_message_without_the_fields_puts_only_the_key_and_leaves_no_mdc_behind() {
    WalletServiceGrpc.newBlockingStub(channel).listFeatures(ListFeaturesRequest.getDefaultInstance());

    assertThat(seen.get()).isEqualTo(Map.of("key_id", "key1"));
    assertThat(copyOfMdc()).isEmpty();
  }

  private static Map<String, String> copyOfMdc() {
    Map<String, String> copy = MDC.getCopyOfContextMap();
    return copy == null ? Map.of() : new HashMap<>(copy);
  }
}
