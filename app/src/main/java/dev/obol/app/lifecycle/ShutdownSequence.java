package dev.obol.app.lifecycle;

import com.zaxxer.hikari.HikariDataSource;
import dev.obol.app.DatabaseLocation;
import dev.obol.app.health.DatabaseWatcher;
import io.grpc.Server;
import io.grpc.protobuf.services.HealthStatusManager;
import dev.obol.persistence.CommitPipeline;
import io.micronaut.context.BeanProvider;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Property;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.ShutdownEvent;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.core.order.Ordered;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.micronaut.runtime.graceful.GracefulShutdownCapable;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.scheduling.TaskExecutors;
import jakarta.inject.Named;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How Obol stops: nothing is closed under work that still uses it.
 *
 * <ol>
 *   <li>gRPC health says NOT_SERVING for every service, for good ({@link HealthStatusManager#enterTerminalState}: no
 *       one, micronaut-grpc-health included, can set SERVING again), so load balancers and health watchers move away.
 *   <li>Nothing new is taken: the gRPC server stops accepting ({@link Server#shutdown}: new calls are refused with
 *       UNAVAILABLE, open connections get a GOAWAY), open streams are ended ({@link GrpcCallsInFlight#endStreams}),
 *       the HTTP server (Stripe webhook) stops accepting ({@link GracefulShutdownCapable#shutdownGracefully}), and
 *       the scheduler starts no new job run.
 *   <li>What is in flight finishes, for up to {@code OBOL_SHUTDOWN_GRACE_SECONDS} in all: gRPC calls, HTTP requests,
 *       a job's run. A gRPC call still open after that is answered UNAVAILABLE ({@link GrpcCallsInFlight#endAll}), its
 *       handler gets a few more seconds to return, and the log says how many there were.
 *   <li>The commit pipeline's writers end (every queued transaction has been committed and answered by then).
 *   <li>The connection pool closes.
 *   <li>The embedded PostgreSQL stops, last, and the data directory is released.
 * </ol>
 *
 * <p>Why this is written out instead of left to Micronaut. On SIGTERM the JVM starts every shutdown hook at once. zonky
 * registered one that stopped the embedded PostgreSQL at that instant, under the calls still in flight (INTERNAL and
 * hung callers); it is off now ({@code EmbeddedDatabase}). Micronaut's own hook ({@code Micronaut#start}) stops the
 * HTTP server first; {@code NettyHttpServer#stop} publishes a {@code ServerShutdownEvent}, on which
 * micronaut-grpc's {@code GrpcEmbeddedServerListener} calls {@code GrpcEmbeddedServer#stop}: {@code Server#shutdown},
 * never {@code shutdownNow}, and {@code awaitTermination} for {@code grpc.server.await-termination} (30 s), after
 * which calls still running are left running; then the context stops and destroys its beans in dependency order.
 * Health never says NOT_SERVING, an open health watch holds the server for the whole 30 s, and nothing is cancelled.
 * So {@code Application} registers the only hook, which closes the context; closing publishes {@link ShutdownEvent}
 * before any bean is destroyed, and this listener runs the steps above on it. Micronaut then destroys the beans: the
 * servers, the pool and the database are stopped already and stopping them again does nothing. Closing a context in a
 * test runs the same steps.
 *
 * <p>Eager ({@link Context}) so a wrong {@code OBOL_SHUTDOWN_GRACE_SECONDS} stops the start, not the stop; what it
 * stops comes through {@link BeanProvider}s, so being created early creates none of it.
 */
@Context
public final class ShutdownSequence implements ApplicationEventListener<ShutdownEvent>, Ordered {

  static final String GRACE_VARIABLE = "OBOL_SHUTDOWN_GRACE_SECONDS";
  static final int GRACE_SECONDS_MAX = 3600;
  /** After the grace: for the handlers of ended calls to return, and for the server's transports to close. */
  private static final Duration CANCEL_WAIT = Duration.ofSeconds(5);
  private static final Logger LOG = LoggerFactory.getLogger(ShutdownSequence.class);

  private final Duration grace;
  private final BeanProvider<HealthStatusManager> health;
  private final BeanProvider<GrpcEmbeddedServer> grpc;
  private final GrpcCallsInFlight calls;
  private final BeanProvider<EmbeddedServer> http;
  private final BeanProvider<ExecutorService> scheduler;
  private final BeanProvider<HikariDataSource> pool;
  private final BeanProvider<DatabaseLocation> database;
  private final BeanProvider<DatabaseWatcher> watcher;
  private final BeanProvider<CommitPipeline> pipeline;
  private final AtomicBoolean started = new AtomicBoolean();
  private volatile boolean clean = true;

  ShutdownSequence(
      @Property(name = "obol.shutdown.grace-seconds", defaultValue = "10") String graceSeconds,
      BeanProvider<HealthStatusManager> health,
      BeanProvider<GrpcEmbeddedServer> grpc,
      GrpcCallsInFlight calls,
      BeanProvider<EmbeddedServer> http,
      @Named(TaskExecutors.SCHEDULED) BeanProvider<ExecutorService> scheduler,
      BeanProvider<HikariDataSource> pool,
      BeanProvider<DatabaseLocation> database,
      BeanProvider<DatabaseWatcher> watcher,
      BeanProvider<CommitPipeline> pipeline) {
    this.pipeline = pipeline;
    this.grace = parseGrace(graceSeconds);
    this.health = health;
    this.grpc = grpc;
    this.calls = calls;
    this.http = http;
    this.scheduler = scheduler;
    this.pool = pool;
    this.database = database;
    this.watcher = watcher;
  }

  private static Duration parseGrace(String value) {
    try {
      int seconds = Integer.parseInt(value.strip());
      if (seconds >= 0 && seconds <= GRACE_SECONDS_MAX) {
        return Duration.ofSeconds(seconds);
      }
    } catch (NumberFormatException e) {
      // Reported below with the allowed range.
    }
    throw new ConfigurationException(
        GRACE_VARIABLE + " must be a number of seconds from 0 to " + GRACE_SECONDS_MAX + ", not '" + value + "'");
  }

  public Duration grace() {
    return grace;
  }

  /** False if a step failed (it was logged); the steps after it still ran. */
  public boolean stoppedCleanly() {
    return clean;
  }

  /** First among the ShutdownEvent listeners: before anything else reacts to the context stopping. */
  @Override
  public int getOrder() {
    return HIGHEST_PRECEDENCE;
  }

  @Override
  public void onApplicationEvent(ShutdownEvent event) {
    if (!started.compareAndSet(false, true)) {
      return;
    }
    long startedNanos = System.nanoTime();
    long deadlineNanos = startedNanos + grace.toNanos();

    step("gRPC health NOT_SERVING", () -> health.ifPresent(HealthStatusManager::enterTerminalState));
    // No more probes: the database's own stop, below, is not an outage, and health must not say SERVING again.
    step("the database watcher stops", () -> watcher.ifPresent(DatabaseWatcher::stop));
    Server server = grpc.isPresent() ? grpc.get().getServer() : null;
    step("gRPC stops accepting", () -> {
      if (server != null) {
        server.shutdown();
      }
      calls.endStreams();
    });
    CompletableFuture<?> httpStopped = new CompletableFuture<>();
    step("HTTP stops accepting", () -> {
      if (http.isPresent() && http.get() instanceof GracefulShutdownCapable graceful) {
        graceful.shutdownGracefully().whenComplete((ignored, failure) -> httpStopped.complete(null));
      } else {
        httpStopped.complete(null);
      }
    });
    ExecutorService jobs = scheduler.isPresent() ? scheduler.get() : null;
    step("the scheduler starts no new run", () -> {
      if (jobs != null) {
        if (jobs instanceof ScheduledThreadPoolExecutor delayed) {
          // A cron job (the monthly charge) waits as a one-shot delayed task, which shutdown() would otherwise keep.
          delayed.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        }
        jobs.shutdown();
      }
    });
    LOG.info(
        "Obol is stopping: gRPC health NOT_SERVING, new calls refused; up to {} s ({}) for {} gRPC call(s) in flight,"
            + " HTTP requests and a job's run to finish",
        grace.toSeconds(),
        GRACE_VARIABLE,
        calls.unaryInFlight());

    step("gRPC calls in flight finish", () -> {
      if (server != null && !awaitTermination(server, deadlineNanos)) {
        int left = calls.unaryInFlight();
        // UNAVAILABLE, as for a call refused. shutdownNow() would answer CANCELLED, and if called now could reset the
        // streams before those answers are sent: it is only the last resort, below.
        calls.endAll();
        // The handlers of the ended calls may still be writing: the pool must not close under them.
        boolean returned = calls.awaitHandlers(CANCEL_WAIT);
        LOG.warn(
            "{} gRPC call(s) still running after {} s ({}): answered UNAVAILABLE{}",
            left,
            grace.toSeconds(),
            GRACE_VARIABLE,
            returned ? "" : "; " + calls.handlersRunning() + " still running on the database as it closes");
        if (!awaitTermination(server, System.nanoTime() + CANCEL_WAIT.toNanos())) {
          server.shutdownNow();
        }
      }
    });
    step("HTTP requests in flight finish", () -> {
      if (!await(httpStopped, deadlineNanos)) {
        LOG.warn("HTTP requests still running after {} s ({}): their connections are closed", grace.toSeconds(), GRACE_VARIABLE);
      }
    });
    step("jobs finish their run", () -> {
      if (jobs != null && !awaitTermination(jobs, deadlineNanos)) {
        jobs.shutdownNow();
        LOG.warn("A scheduled job still running after {} s ({}): interrupted", grace.toSeconds(), GRACE_VARIABLE);
      }
    });
    // What the calls and jobs queued is committed (and answered) before the pool goes; it is done by now, as every
    // caller waits for its commit, so this only waits for the writers to end.
    step("the commit pipeline drains", () -> pipeline.ifPresent(p -> p.close(Duration.ofSeconds(5))));
    step("the connection pool closes", () -> pool.ifPresent(HikariDataSource::close));
    boolean embedded = database.isPresent() && database.get().isEmbedded();
    step("the embedded PostgreSQL stops", () -> database.ifPresent(DatabaseLocation::close));
    LOG.info(
        "Obol stopped in {} ms: calls finished, jobs stopped, pool closed{}",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos),
        embedded ? ", embedded PostgreSQL stopped" : "");
  }

  /** One step; a failure is one line (no stack trace: the process is going away) and the next steps still run. */
  private void step(String name, Runnable action) {
    try {
      action.run();
    } catch (RuntimeException e) {
      clean = false;
      LOG.error("Stopping: '{}' failed: {}", name, e.toString());
    }
  }

  private static boolean awaitTermination(Server server, long deadlineNanos) {
    try {
      return server.awaitTermination(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return server.isTerminated();
    }
  }

  private static boolean awaitTermination(ExecutorService executor, long deadlineNanos) {
    try {
      return executor.awaitTermination(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return executor.isTerminated();
    }
  }

  private static boolean await(CompletableFuture<?> future, long deadlineNanos) {
    try {
      future.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return future.isDone();
    }
  }
}
