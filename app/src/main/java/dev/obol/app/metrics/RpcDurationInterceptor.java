package dev.obol.app.metrics;

import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micronaut.core.order.Ordered;
import java.time.Duration;
import java.util.Set;

/**
 * {@code obol_rpc_duration_seconds}: each gRPC call's time from its start to its close, by method and status code.
 * Second outermost (after GrpcCallsInFlight), so refused calls (the AuthInterceptor's UNAUTHENTICATED) count too.
 * Explicit buckets rather than a percentile histogram: a dozen series per method and code, not ~70.
 */
public final class RpcDurationInterceptor implements ServerInterceptor, Ordered {

  static final String UNKNOWN = "unknown";

  private static final Duration[] BUCKETS = {
    Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
    Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
    Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10)
  };

  private final MeterRegistry registry;
  private final Set<String> methods;

  /** @param methods the full names of the registered methods; any other name is labelled {@code unknown} */
  public RpcDurationInterceptor(MeterRegistry registry, Set<String> methods) {
    this.registry = registry;
    this.methods = Set.copyOf(methods);
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    String name = call.getMethodDescriptor().getFullMethodName();
    String method = methods.contains(name) ? name : UNKNOWN;
    long started = System.nanoTime();
    return next.startCall(
        new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
          @Override
          public void close(Status status, Metadata trailers) {
            Timer.builder("obol.rpc.duration")
                .description("gRPC calls from start to close, by method and status code")
                .tag("method", method)
                .tag("code", status.getCode().name())
                .serviceLevelObjectives(BUCKETS)
                .register(registry)
                .record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
            super.close(status, trailers);
          }
        },
        headers);
  }

  @Override
  public int getOrder() {
    return HIGHEST_PRECEDENCE + 1;
  }
}
