package dev.obol.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.obol.proto.v1.AccountServiceGrpc;
import dev.obol.proto.v1.AdminServiceGrpc;
import dev.obol.proto.v1.WalletServiceGrpc;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The client grows with the contract: an RPC added to an obol.v1 service without a method here fails this test. */
class ObolClientCoverageTest {

  @Test
  void every_rpc_of_every_service_has_a_typed_method_returning_its_response() {
    Set<String> methods =
        Arrays.stream(ObolClient.class.getMethods())
            .map(method -> method.getName() + "->" + method.getReturnType().getSimpleName())
            .collect(Collectors.toSet());
    List<String> missing = new ArrayList<>();
    for (ServiceDescriptor service :
        List.of(
            WalletServiceGrpc.getServiceDescriptor(),
            AccountServiceGrpc.getServiceDescriptor(),
            AdminServiceGrpc.getServiceDescriptor())) {
      for (MethodDescriptor<?, ?> rpc : service.getMethods()) {
        String name = rpc.getBareMethodName();
        String expected = Character.toLowerCase(name.charAt(0)) + name.substring(1) + "->" + name + "Response";
        if (!methods.contains(expected)) {
          missing.add(rpc.getFullMethodName());
        }
      }
    }
    assertThat(missing).as("RPCs without an ObolClient method").isEmpty();
  }

  @Test
  void the_check_sees_the_methods_it_looks_for() {
    // Guards the test above against looking for names that could never match.
    assertThat(Arrays.stream(ObolClient.class.getMethods()).map(Method::getName)).contains("checkAndDebit");
  }
}
