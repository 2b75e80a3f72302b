package dev.obol.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.rpc.ErrorInfo;
import dev.obol.domain.error.NotFoundException;
import dev.obol.domain.usecase.GrantCommand;
import dev.obol.domain.usecase.GrantReceipt;
import dev.obol.domain.usecase.WalletUseCases;
import dev.obol.proto.v1.GetBalanceRequest;
import dev.obol.proto.v1.GrantRequest;
import dev.obol.proto.v1.GrantResponse;
import dev.obol.proto.v1.ListFeaturesRequest;
import dev.obol.proto.v1.WalletServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.lang.reflect.Proxy;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The endpoint in process: requests mapped, the use case called, its answer or failure sent through GrpcErrors. */
class WalletGrpcEndpointTest {

  private final AtomicReference<GrantCommand> granted = new AtomicReference<>();
  private Server server;
  private ManagedChannel channel;
  private WalletServiceGrpc.WalletServiceBlockingStub wallet;

  /** Grants answer a receipt; balances fail as the domain does; features fail as a bug would. */
  private final WalletUseCases useCases =
      (WalletUseCases)
          Proxy.newProxyInstance(
              WalletUseCases.class.getClassLoader(),
              new Class<?>[] {WalletUseCases.class},
              (proxy, method, args) ->
                  switch (method.getName()) {
                    case "grant" -> {
                      granted.set((GrantCommand) args[0]);
                      yield new GrantReceipt("grt_1", 110);
                    }
                    case "balances" -> throw new NotFoundException("ACCOUNT_NOT_FOUND", "no account " + args[0]);
                    case "features" -> throw new IllegalStateException("a bug with a secret");
                    default -> throw new UnsupportedOperationException(method.getName());
                  });

  @BeforeEach
  void start() throws Exception {
    String name = InProcessServerBuilder.generateName();
    server =
        InProcessServerBuilder.forName(name).directExecutor().addService(new WalletGrpcEndpoint(useCases)).build().start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    wallet = WalletServiceGrpc.newBlockingStub(channel);
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  @Test
  void a_grant_is_mapped_delegated_and_answered() {
    GrantResponse response = wallet.grant(grantRequest().build());

    assertThat(response.getGrantId()).isEqualTo("grt_1");
    assertThat(response.getBalance()).isEqualTo(110);
    assertThat(granted.get().amount()).isEqualTo(10);
    assertThat(granted.get().requestId().value()).isEqualTo("req-1");
  }

  @Test
  void a_domain_failure_arrives_as_its_status_with_one_error_info() throws Exception {
    StatusRuntimeException failure =
        catchThrowableOfType(
            () -> wallet.getBalance(GetBalanceRequest.newBuilder().setAccountId("acct-1").build()),
            StatusRuntimeException.class);

    assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    ErrorInfo info = GrpcErrorsTest.onlyErrorInfo(failure);
    assertThat(info.getDomain()).isEqualTo("obol");
    assertThat(info.getReason()).isEqualTo("ACCOUNT_NOT_FOUND");
  }

  @Test
  void bad_input_is_refused_before_the_use_case_runs() throws Exception {
    StatusRuntimeException failure =
        catchThrowableOfType(() -> wallet.grant(grantRequest().setAssetValue(42).build()), StatusRuntimeException.class);

    assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    ErrorInfo info = GrpcErrorsTest.onlyErrorInfo(failure);
    assertThat(info.getReason()).isEqualTo("UNKNOWN_ENUM_VALUE");
    assertThat(info.getMetadataMap()).containsEntry("field", "asset");
    assertThat(granted.get()).isNull();
  }

  @Test
  void an_unexpected_failure_arrives_as_internal_without_detail() throws Exception {
    StatusRuntimeException failure =
        catchThrowableOfType(
            () -> wallet.listFeatures(ListFeaturesRequest.getDefaultInstance()), StatusRuntimeException.class);

    assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
    assertThat(failure.getStatus().getDescription()).doesNotContain("secret", "IllegalStateException");
    assertThat(GrpcErrorsTest.onlyErrorInfo(failure).getReason()).isEqualTo("INTERNAL");
  }

  private static GrantRequest.Builder grantRequest() {
    return GrantRequest.newBuilder()
        .setAccountId("acct-1")
        .setAsset(dev.obol.proto.v1.Asset.ASSET_TOKEN)
        .setAmount(10)
        .setSource(dev.obol.proto.v1.GrantSource.GRANT_SOURCE_PURCHASE)
        .setRequestId("req-1");
  }
}
