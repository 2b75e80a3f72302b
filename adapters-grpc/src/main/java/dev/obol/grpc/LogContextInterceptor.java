package dev.obol.grpc;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.MDC;

/**
 * Puts the call's {@code request_id}, {@code account_id} (from the request message, where it has those fields) and
 * {@code key_id} (the verified caller's) in the SLF4J MDC around each of the call's listener callbacks, so every line
 * logged while serving it, the activity and audit lines included, says which request, account and key it is about.
 *
 * <p>Must run inside the {@link AuthInterceptor}: the key id is read from {@link CallerContext}, which only exists
 * there; and the ids only reach it after the input guard has checked them. gRPC runs the callbacks on pool threads, so
 * the MDC is set per callback and the thread's previous MDC is put back afterwards, never left for the next call.
 */
public final class LogContextInterceptor implements ServerInterceptor {

  public static final String REQUEST_ID = "request_id";
  public static final String ACCOUNT_ID = "account_id";
  public static final String KEY_ID = "key_id";

  /** The input guard bounds ids already; this only keeps a line readable if it ever runs without it. */
  private static final int MAX_LENGTH = 128;

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    CallIds ids = new CallIds(CallerContext.currentKeyId());
    ServerCall.Listener<ReqT> listener = ids.get(() -> next.startCall(call, headers));
    return new LoggingListener<>(listener, ids);
  }

  /** What one call puts in the MDC; filled from its first message. Callbacks are serial but may change threads. */
  private static final class CallIds {
    private final String keyId;
    private volatile String requestId;
    private volatile String accountId;

    CallIds(String keyId) {
      this.keyId = keyId;
    }

    void readFrom(Object request) {
      if (request instanceof Message message) {
        requestId = stringField(message, REQUEST_ID);
        accountId = stringField(message, ACCOUNT_ID);
      }
    }

    <T> T get(Supplier<T> work) {
      Map<String, String> previous = MDC.getCopyOfContextMap();
      put(REQUEST_ID, requestId);
      put(ACCOUNT_ID, accountId);
      put(KEY_ID, keyId);
      try {
        return work.get();
      } finally {
        if (previous == null) {
          MDC.clear();
        } else {
          MDC.setContextMap(previous);
        }
      }
    }

    void run(Runnable work) {
      get(
          () -> {
            work.run();
            return null;
          });
    }

    private static void put(String key, String value) {
      if (value != null && !value.isEmpty()) {
        MDC.put(key, value.length() > MAX_LENGTH ? value.substring(0, MAX_LENGTH) : value);
      }
    }

    private static String stringField(Message message, String name) {
      FieldDescriptor field = message.getDescriptorForType().findFieldByName(name);
      return field != null && field.getJavaType() == FieldDescriptor.JavaType.STRING && !field.isRepeated()
          ? (String) message.getField(field)
          : null;
    }
  }

  private static final class LoggingListener<ReqT>
      extends ForwardingServerCallListener.SimpleForwardingServerCallListener<ReqT> {

    private final CallIds ids;

    LoggingListener(ServerCall.Listener<ReqT> delegate, CallIds ids) {
      super(delegate);
      this.ids = ids;
    }

    @Override
    public void onMessage(ReqT message) {
      ids.readFrom(message);
      ids.run(() -> super.onMessage(message));
    }

    @Override
    public void onHalfClose() {
      ids.run(super::onHalfClose);
    }

    @Override
    public void onCancel() {
      ids.run(super::onCancel);
    }

    @Override
    public void onComplete() {
      ids.run(super::onComplete);
    }

    @Override
    public void onReady() {
      ids.run(super::onReady);
    }
  }
}
