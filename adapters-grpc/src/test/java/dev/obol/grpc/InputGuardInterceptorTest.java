package dev.obol.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.rpc.ErrorInfo;
import dev.obol.proto.v1.GrantRequest;
import dev.obol.proto.v1.GrantResponse;
import dev.obol.proto.v1.WalletServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The interceptor answers a refused request itself: the endpoint never runs. */
class InputGuardInterceptorTest {

  private final AtomicInteger calls = new AtomicInteger();
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    String name = InProcessServerBuilder.generateName();
    WalletServiceGrpc.WalletServiceImplBase endpoint =
        new WalletServiceGrpc.WalletServiceImplBase() {
          @Override
          public void grant(GrantRequest request, StreamObserver<GrantResponse> responses) {
            calls.incrementAndGet();
            responses.onNext(GrantResponse.newBuilder().setGrantId("grt_1").build());
            responses.onCompleted();
          }
        };
    server =
        InProcessServerBuilder.forName(name)
            .directExecutor()
            .addService(ServerInterceptors.intercept(endpoint, new InputGuardInterceptor()))
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  @Test
  void a_nul_is_invalid_argument_naming_the_field_and_the_endpoint_never_runs() throws Exception {
    StatusRuntimeException error =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> stub().grant(GrantRequest.newBuilder().setAccountId("a").setReason("x\u0000y").build()));

    assertThat(error.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    com.google.rpc.Status status = StatusProto.fromThrowable(error);
    assertThat(status.getDetailsList()).hasSize(1);
    ErrorInfo info = status.getDetails(0).unpack(ErrorInfo.class);
    assertThat(info.getDomain()).isEqualTo("obol");
    assertThat(info.getReason()).isEqualTo("INVALID_CHARACTER");
    assertThat(info.getMetadataMap()).containsEntry("field", "reason");
    assertThat(calls).hasValue(0);
  }

  @Test
  void a_clean_request_reaches_the_endpoint() {
    assertThat(stub().grant(GrantRequest.newBuilder().setAccountId("a").setReason("ok\n").build()).getGrantId())
        .isEqualTo("grt_1");
    assertThat(calls).hasValue(1);
  }

  private WalletServiceGrpc.WalletServiceBlockingStub stub() {
    return WalletServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }
}
