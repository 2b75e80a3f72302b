package dev.obol.app;

import dev.obol.grpc.LogContextInterceptor;
import io.grpc.ServerInterceptor;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

/** The request, account and key ids in the MDC of every line a gRPC (or Connect) call logs. */
@Factory
public class LogContextFactory {

  @Singleton
  ServerInterceptor logContextInterceptor() {
    return new OrderedInterceptor(new LogContextInterceptor(), OrderedInterceptor.LOG_CONTEXT);
  }
}
