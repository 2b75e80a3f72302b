package dev.obol.app;

import dev.obol.grpc.InputGuardInterceptor;
import io.grpc.ServerInterceptor;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

/**
 * The gRPC input guard (no NUL in any string, no out-of-range Timestamp in any obol.v1 request). micronaut-grpc applies
 * every {@link ServerInterceptor} bean to the server; the guard is self-contained, so it may run before or after
 * authentication.
 */
@Factory
public class InputGuardFactory {

  @Singleton
  @Named("input-guard")
  ServerInterceptor inputGuard() {
    return new InputGuardInterceptor();
  }
}
