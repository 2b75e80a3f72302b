package dev.obol.app;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.micronaut.core.order.Ordered;

/**
 * An adapter's interceptor with its place in the chain. micronaut-grpc (and the Connect face) sort the
 * {@link ServerInterceptor} beans by {@link Ordered}, the lowest running first; one without an order sorts last, so two
 * of them would run in whatever order the beans were found. The adapters know nothing of Micronaut, so the order is
 * given here.
 */
final class OrderedInterceptor implements ServerInterceptor, Ordered {

  /** The credential, scope and account checks: after the calls-in-flight count and the RPC timer (they see refusals). */
  static final int AUTH = 0;
  /** Inside the auth interceptor, where the caller's key id is known. */
  static final int LOG_CONTEXT = AUTH + 1;

  private final ServerInterceptor interceptor;
  private final int order;

  OrderedInterceptor(ServerInterceptor interceptor, int order) {
    this.interceptor = interceptor;
    this.order = order;
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    return interceptor.interceptCall(call, headers, next);
  }

  @Override
  public int getOrder() {
    return order;
  }

  @Override
  public String toString() {
    return interceptor.getClass().getSimpleName() + "@" + order;
  }
}
