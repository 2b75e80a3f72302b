package dev.obol.grpc;

import com.google.protobuf.MessageOrBuilder;
import dev.obol.domain.error.InvalidArgumentException;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.StatusRuntimeException;

/**
 * Runs {@link InputGuard} on every request message of the {@value #SERVICE_PREFIX} services before the endpoint sees
 * it. A refused message closes the call INVALID_ARGUMENT (with the usual ErrorInfo from {@link GrpcErrors}) and is
 * never handed on, nor is the half-close after it, so the endpoint never runs. Other services (health, reflection)
 * pass untouched.
 */
public final class InputGuardInterceptor implements ServerInterceptor {

  static final String SERVICE_PREFIX = "obol.v1.";

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    String service = call.getMethodDescriptor().getServiceName();
    ServerCall.Listener<ReqT> listener = next.startCall(call, headers);
    if (service == null || !service.startsWith(SERVICE_PREFIX)) {
      return listener;
    }
    return new SimpleForwardingServerCallListener<>(listener) {
      // A listener's callbacks never run concurrently (grpc-java serialises them), so a plain field is enough.
      private boolean refused;

      @Override
      public void onMessage(ReqT message) {
        if (refused) {
          return;
        }
        if (message instanceof MessageOrBuilder request) {
          try {
            InputGuard.check(request);
          } catch (InvalidArgumentException e) {
            refused = true;
            StatusRuntimeException status = GrpcErrors.toStatus(e, "");
            Metadata trailers = status.getTrailers();
            call.close(status.getStatus(), trailers != null ? trailers : new Metadata());
            return;
          }
        }
        super.onMessage(message);
      }

      @Override
      public void onHalfClose() {
        if (!refused) {
          super.onHalfClose();
        }
      }
    };
  }
}
