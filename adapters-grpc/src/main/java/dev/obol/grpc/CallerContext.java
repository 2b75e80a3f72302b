package dev.obol.grpc;

import dev.obol.domain.security.Caller;
import io.grpc.Context;

/**
 * The verified caller of the gRPC call the current thread serves, put there by {@link AuthInterceptor}. gRPC attaches
 * the call's {@link Context} around each of its callbacks, so the endpoint and everything it calls synchronously see
 * it; Obol's own work (webhook, jobs) runs outside any call and sees none.
 */
public final class CallerContext {

  static final Context.Key<Caller> CALLER = Context.key("obol-caller");

  private CallerContext() {}

  /** Null outside an authenticated call. */
  public static Caller current() {
    return CALLER.get();
  }

  /** The key id of the current call's caller; null outside an authenticated call. */
  public static String currentKeyId() {
    Caller caller = CALLER.get();
    return caller == null ? null : caller.keyId();
  }
}
