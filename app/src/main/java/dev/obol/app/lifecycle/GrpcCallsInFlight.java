package dev.obol.app.lifecycle;

import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.micronaut.core.order.Ordered;
import jakarta.inject.Singleton;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a graceful stop of the gRPC server must know about its calls. Unary calls (every {@code obol.v1} RPC) are work:
 * they are counted, and the server's own {@code shutdown()} lets them finish. Streams (a health {@code Watch}, a
 * reflection session) are not: they stay open as long as their client wants, so {@code shutdown()} would wait for them
 * until the grace ran out. {@link #endStreams} ends them (UNAVAILABLE) once health has said NOT_SERVING, and a stream
 * opened after that is ended at once.
 *
 * <p>The outermost interceptor ({@link Ordered#HIGHEST_PRECEDENCE}; micronaut-grpc adds interceptors so the
 * lowest order runs first), so it sees every call, refused ones included.
 */
@Singleton
public final class GrpcCallsInFlight implements ServerInterceptor, Ordered {

  private static final Status STOPPING = Status.UNAVAILABLE.withDescription("Obol is stopping");

  private final AtomicInteger unary = new AtomicInteger();
  private final Set<EndableStream<?, ?>> streams = ConcurrentHashMap.newKeySet();
  private volatile boolean ending;

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    if (call.getMethodDescriptor().getType() == MethodType.UNARY) {
      AtomicBoolean done = new AtomicBoolean();
      Runnable finished = () -> {
        if (done.compareAndSet(false, true)) {
          unary.decrementAndGet();
        }
      };
      unary.incrementAndGet();
      try {
        return new Ending<>(next.startCall(call, headers), finished);
      } catch (RuntimeException e) {
        finished.run();
        throw e;
      }
    }
    EndableStream<ReqT, RespT> stream = new EndableStream<>(call);
    streams.add(stream);
    // After add(): either endStreams() sees this stream, or this sees ending.
    if (ending) {
      stream.end();
    }
    return new Ending<>(next.startCall(stream, headers), () -> streams.remove(stream));
  }

  /** Unary calls started and not yet completed or cancelled. */
  public int unaryInFlight() {
    return unary.get();
  }

  /** Ends every open stream and every stream opened from now on with UNAVAILABLE "Obol is stopping". */
  public void endStreams() {
    ending = true;
    streams.forEach(EndableStream::end);
  }

  @Override
  public int getOrder() {
    return HIGHEST_PRECEDENCE;
  }

  /** Runs {@code finished} once the call is over, whichever way (grpc calls exactly one of the two). */
  private static final class Ending<ReqT> extends ForwardingServerCallListener.SimpleForwardingServerCallListener<ReqT> {
    private final Runnable finished;

    Ending(ServerCall.Listener<ReqT> delegate, Runnable finished) {
      super(delegate);
      this.finished = finished;
    }

    @Override
    public void onComplete() {
      try {
        super.onComplete();
      } finally {
        finished.run();
      }
    }

    @Override
    public void onCancel() {
      try {
        super.onCancel();
      } finally {
        finished.run();
      }
    }
  }

  /**
   * A stream this class may close from another thread. A ServerCall must not be used by two threads at once, so every
   * outbound call is synchronized here, and what the service sends after the stream was ended is dropped (a closed
   * call would throw).
   */
  private static final class EndableStream<ReqT, RespT> extends ForwardingServerCall.SimpleForwardingServerCall<ReqT, RespT> {
    private boolean closed;

    EndableStream(ServerCall<ReqT, RespT> delegate) {
      super(delegate);
    }

    @Override
    public synchronized void sendHeaders(Metadata headers) {
      if (!closed) {
        super.sendHeaders(headers);
      }
    }

    @Override
    public synchronized void sendMessage(RespT message) {
      if (!closed) {
        super.sendMessage(message);
      }
    }

    @Override
    public synchronized void close(Status status, Metadata trailers) {
      if (!closed) {
        closed = true;
        super.close(status, trailers);
      }
    }

    synchronized void end() {
      close(STOPPING, new Metadata());
    }
  }
}
