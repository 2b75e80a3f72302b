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
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a graceful stop of the gRPC server must know about its calls, and the means to end them with UNAVAILABLE.
 *
 * <ul>
 *   <li>Unary calls (every {@code obol.v1} RPC) are work: the server's own {@code shutdown()} lets them finish, and
 *       they are counted for the log.
 *   <li>Streams (a health {@code Watch}, a reflection session) are not: they stay open as long as their client wants,
 *       so {@code shutdown()} would wait for them until the grace ran out. {@link #endStreams} ends them once health
 *       has said NOT_SERVING; a stream opened after that is ended at once.
 *   <li>A call still open when the grace is over is ended by {@link #endAll} with UNAVAILABLE (the server's
 *       {@code shutdownNow()} would answer CANCELLED), but its handler may still be running, on the database:
 *       {@link #awaitHandlers} waits for the handlers to return before the pool is closed under them.
 * </ul>
 *
 * <p>The outermost interceptor ({@link Ordered#HIGHEST_PRECEDENCE}; micronaut-grpc adds interceptors so the
 * lowest order runs first), so it sees every call, refused ones included.
 */
@Singleton
public final class GrpcCallsInFlight implements ServerInterceptor, Ordered {

  private static final Status STOPPING = Status.UNAVAILABLE.withDescription("Obol is stopping");
  private static final long POLL_MILLIS = 10;

  private final AtomicInteger unary = new AtomicInteger();
  /** Listener callbacks running now: where a handler's code runs (a unary handler runs inside onHalfClose). */
  private final AtomicInteger handlers = new AtomicInteger();
  private final Set<EndableCall<?, ?>> open = ConcurrentHashMap.newKeySet();
  private volatile boolean endingStreams;
  private volatile boolean endingAll;

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    boolean isUnary = call.getMethodDescriptor().getType() == MethodType.UNARY;
    EndableCall<ReqT, RespT> endable = new EndableCall<>(call, isUnary);
    AtomicBoolean finished = new AtomicBoolean();
    Runnable onFinished = () -> {
      if (finished.compareAndSet(false, true)) {
        open.remove(endable);
        if (isUnary) {
          unary.decrementAndGet();
        }
      }
    };
    if (isUnary) {
      unary.incrementAndGet();
    }
    open.add(endable);
    // After add(): either endStreams()/endAll() sees this call, or this sees the flag.
    if (endingAll || (endingStreams && !isUnary)) {
      endable.end();
    }
    handlers.incrementAndGet();
    try {
      return new Tracked<>(next.startCall(endable, headers), onFinished);
    } catch (RuntimeException e) {
      onFinished.run();
      throw e;
    } finally {
      handlers.decrementAndGet();
    }
  }

  /** Unary calls started and not yet completed or cancelled. */
  public int unaryInFlight() {
    return unary.get();
  }

  /** Ends every open stream, and every stream opened from now on, with UNAVAILABLE "Obol is stopping". */
  public void endStreams() {
    endingStreams = true;
    open.stream().filter(call -> !call.unary).forEach(EndableCall::end);
  }

  /** Ends every open call, unary ones too, and every call opened from now on, with UNAVAILABLE. */
  public void endAll() {
    endingAll = true;
    open.forEach(EndableCall::end);
  }

  /** Waits until no handler code runs; false if some still does after {@code timeout}. */
  public boolean awaitHandlers(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (handlers.get() > 0) {
      if (System.nanoTime() - deadline > 0) {
        return false;
      }
      try {
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return handlers.get() == 0;
      }
    }
    return true;
  }

  /** Handlers running now (see {@link #awaitHandlers}). */
  public int handlersRunning() {
    return handlers.get();
  }

  @Override
  public int getOrder() {
    return HIGHEST_PRECEDENCE;
  }

  /** Counts the callbacks (the handler's code) while they run, and says once when the call is over. */
  private final class Tracked<ReqT> extends ForwardingServerCallListener.SimpleForwardingServerCallListener<ReqT> {
    private final Runnable finished;

    Tracked(ServerCall.Listener<ReqT> delegate, Runnable finished) {
      super(delegate);
      this.finished = finished;
    }

    @Override
    public void onMessage(ReqT message) {
      handlers.incrementAndGet();
      try {
        super.onMessage(message);
      } finally {
        handlers.decrementAndGet();
      }
    }

    @Override
    public void onHalfClose() {
      handlers.incrementAndGet();
      try {
        super.onHalfClose();
      } finally {
        handlers.decrementAndGet();
      }
    }

    @Override
    public void onReady() {
      handlers.incrementAndGet();
      try {
        super.onReady();
      } finally {
        handlers.decrementAndGet();
      }
    }

    // grpc calls exactly one of onComplete and onCancel, last.
    @Override
    public void onComplete() {
      handlers.incrementAndGet();
      try {
        super.onComplete();
      } finally {
        handlers.decrementAndGet();
        finished.run();
      }
    }

    @Override
    public void onCancel() {
      handlers.incrementAndGet();
      try {
        super.onCancel();
      } finally {
        handlers.decrementAndGet();
        finished.run();
      }
    }
  }

  /**
   * A call this class may close from another thread. A ServerCall must not be used by two threads at once, so every
   * outbound call is synchronized here, and what the service sends after the call was ended is dropped (a closed
   * call would throw).
   */
  private static final class EndableCall<ReqT, RespT> extends ForwardingServerCall.SimpleForwardingServerCall<ReqT, RespT> {
    final boolean unary;
    private boolean closed;

    EndableCall(ServerCall<ReqT, RespT> delegate, boolean unary) {
      super(delegate);
      this.unary = unary;
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
