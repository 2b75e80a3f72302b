package dev.obol.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.obol.app.testing.ObolTestProperties;
import dev.obol.app.testing.ObolUnderTest;
import io.grpc.reflection.v1alpha.ServerReflectionGrpc;
import io.grpc.reflection.v1alpha.ServerReflectionRequest;
import io.grpc.reflection.v1alpha.ServerReflectionResponse;
import io.grpc.reflection.v1alpha.ServiceResponse;
import io.grpc.stub.StreamObserver;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Server reflection v1alpha, the protocol Python's grpcio-reflection and older grpcurl speak (v1 is
 * {@code WalletGrpcEndToEndTest}'s): open without a key, it lists the obol.v1 services.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@SuppressWarnings("deprecation")
class ReflectionV1alphaEndToEndTest implements ObolTestProperties {

  @Inject ObolUnderTest app;

  @Test
  void v1alphaListsTheObolServices() throws Exception {
    CompletableFuture<List<String>> names = new CompletableFuture<>();
    StreamObserver<ServerReflectionRequest> requests =
        ServerReflectionGrpc.newStub(app.bareChannel())
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .serverReflectionInfo(
                new StreamObserver<>() {
                  @Override
                  public void onNext(ServerReflectionResponse response) {
                    names.complete(
                        response.getListServicesResponse().getServiceList().stream()
                            .map(ServiceResponse::getName)
                            .toList());
                  }

                  @Override
                  public void onError(Throwable t) {
                    names.completeExceptionally(t);
                  }

                  @Override
                  public void onCompleted() {}
                });
    requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
    try {
      assertThat(names.get(10, TimeUnit.SECONDS))
          .contains("obol.v1.WalletService", "obol.v1.AccountService", "obol.v1.AdminService");
    } finally {
      requests.onCompleted();
    }
  }
}
