package dev.obol.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.rpc.ErrorInfo;
import dev.obol.domain.model.AccountId;
import dev.obol.domain.security.Caller;
import dev.obol.domain.security.Scope;
import dev.obol.proto.v1.GrantRequest;
import dev.obol.proto.v1.GrantResponse;
import dev.obol.proto.v1.WalletServiceGrpc;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The interceptor's order and its fail-closed default, in process (the end-to-end test covers the table). */
class AuthInterceptorTest {

  /** An obol.v1 RPC that RpcScopes does not list: it must need admin, not nothing. */
  static final MethodDescriptor<GrantRequest, GrantResponse> UNLISTED =
      MethodDescriptor.<GrantRequest, GrantResponse>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName("obol.v1.UnlistedService/Do")
          .setRequestMarshaller(ProtoUtils.marshaller(GrantRequest.getDefaultInstance()))
          .setResponseMarshaller(ProtoUtils.marshaller(GrantResponse.getDefaultInstance()))
          .build();

  static final Map<String, Caller> KEYS =
      Map.of(
          "everything-but-admin",
          new Caller("key_all", EnumSet.complementOf(EnumSet.of(Scope.ADMIN)), null),
          "admin",
          new Caller("key_admin", Set.of(Scope.ADMIN), null),
          "alice-grant",
          new Caller("key_alice", Set.of(Scope.WALLET_GRANT), AccountId.of("alice")));

  private final AtomicInteger calls = new AtomicInteger();
  private final AtomicReference<Caller> seenCaller = new AtomicReference<>();
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    String name = InProcessServerBuilder.generateName();
    WalletServiceGrpc.WalletServiceImplBase wallet =
        new WalletServiceGrpc.WalletServiceImplBase() {
          @Override
          public void grant(GrantRequest request, StreamObserver<GrantResponse> responses) {
            answer(responses);
          }
        };
    ServerServiceDefinition unlisted =
        ServerServiceDefinition.builder("obol.v1.UnlistedService")
            .addMethod(UNLISTED, ServerCalls.asyncUnaryCall((request, responses) -> answer(responses)))
            .build();
    AuthInterceptor auth = new AuthInterceptor(secret -> Optional.ofNullable(KEYS.get(secret)));
    server =
        InProcessServerBuilder.forName(name)
            .directExecutor()
            .addService(ServerInterceptors.intercept(wallet, auth))
            .addService(ServerInterceptors.intercept(unlisted, auth))
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
  }

  private void answer(StreamObserver<GrantResponse> responses) {
    calls.incrementAndGet();
    seenCaller.set(CallerContext.current());
    responses.onNext(GrantResponse.newBuilder().setGrantId("grt_1").build());
    responses.onCompleted();
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  @Test
  void an_rpc_missing_from_the_scope_table_needs_admin() {
    ErrorInfo info = refused(Status.Code.PERMISSION_DENIED, () -> unlisted("everything-but-admin"));
    assertThat(info.getReason()).isEqualTo("SCOPE_MISSING");
    assertThat(info.getMetadataMap()).containsEntry("scope", "admin");
    assertThat(unlisted("admin").getGrantId()).isEqualTo("grt_1");
    assertThat(calls).hasValue(1);
  }

  @Test
  void authentication_comes_before_the_input_checks() {
    GrantRequest bad = GrantRequest.newBuilder().setAccountId("alice").setReason("nul\u0000").build();
    ErrorInfo info =
        refused(Status.Code.UNAUTHENTICATED, () -> WalletServiceGrpc.newBlockingStub(channel).grant(bad));
    assertThat(info.getReason()).isEqualTo("API_KEY_MISSING");
    ErrorInfo authenticated =
        refused(Status.Code.INVALID_ARGUMENT, () -> WalletServiceGrpc.newBlockingStub(as("alice-grant")).grant(bad));
    assertThat(authenticated.getReason()).isEqualTo("INVALID_CHARACTER");
    assertThat(calls).hasValue(0);
  }

  @Test
  void the_account_check_reads_the_request_and_the_endpoint_sees_the_caller() {
    ErrorInfo info =
        refused(
            Status.Code.PERMISSION_DENIED,
            () ->
                WalletServiceGrpc.newBlockingStub(as("alice-grant"))
                    .grant(GrantRequest.newBuilder().setAccountId("bob").build()));
    assertThat(info.getReason()).isEqualTo("ACCOUNT_NOT_ALLOWED");
    assertThat(calls).hasValue(0);

    WalletServiceGrpc.newBlockingStub(as("alice-grant")).grant(GrantRequest.newBuilder().setAccountId("alice").build());
    assertThat(calls).hasValue(1);
    assertThat(seenCaller.get().keyId()).isEqualTo("key_alice");
  }

  private GrantResponse unlisted(String secret) {
    return ClientCalls.blockingUnaryCall(as(secret), UNLISTED, CallOptions.DEFAULT, GrantRequest.getDefaultInstance());
  }

  private Channel as(String secret) {
    Metadata headers = new Metadata();
    headers.put(AuthInterceptor.AUTHORIZATION, "Bearer " + secret);
    return ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  private static ErrorInfo refused(Status.Code code, Runnable call) {
    StatusRuntimeException error = catchThrowableOfType(StatusRuntimeException.class, call::run);
    assertThat(error).isNotNull();
    assertThat(error.getStatus().getCode()).isEqualTo(code);
    try {
      return StatusProto.fromThrowable(error).getDetails(0).unpack(ErrorInfo.class);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }
}
