package dev.obol.app.health;

import com.zaxxer.hikari.HikariDataSource;
import dev.obol.app.DatabaseLocation;
import dev.obol.persistence.DatabaseFailures;
import dev.obol.persistence.DatabaseProbe;
import dev.obol.persistence.DatabaseReachability;
import dev.obol.proto.v1.AccountServiceGrpc;
import dev.obol.proto.v1.AdminServiceGrpc;
import dev.obol.proto.v1.WalletServiceGrpc;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.micronaut.context.BeanProvider;
import io.micronaut.context.annotation.Property;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.context.exceptions.ConfigurationException;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the database and tells everyone who needs to know, so that an outage is answered at once instead of by each
 * call finding out for itself.
 *
 * <p>Every {@code OBOL_DATABASE_WATCH_INTERVAL} (default 1 s) it asks the database one question ({@link DatabaseProbe}:
 * its own connection, 1 s timeouts). After {@value #FAILURES_TO_TRIP} failed probes in a row (one probe is not enough:
 * a single slow answer under load must not take an instance out of service), the database is unreachable:
 *
 * <ul>
 *   <li>{@link DatabaseReachability} closes: every RPC is answered UNAVAILABLE {@code DATABASE_UNAVAILABLE} at once,
 *       the webhook 503, a job skips its run;
 *   <li>gRPC health says NOT_SERVING for {@code ""} and each of Obol's services (a {@code Watch} streams the change);
 *   <li>{@code GET /health} and {@code /health/readiness} say DOWN (503), through {@link DatabaseHealth};
 *   <li>the pool's connections are evicted, so none that died with the server is handed out later;
 *   <li>one WARN line.
 * </ul>
 *
 * The first probe that succeeds undoes all of it (one INFO line with the outage's length). Worst case from the server
 * going away to NOT_SERVING: an interval, then two probes of up to ~2 s each when packets are dropped; when the server
 * is stopped (connections refused) about two intervals.
 *
 * <p>Once Obol is stopping, health stays NOT_SERVING for good ({@link HealthStatusManager#enterTerminalState} makes
 * later updates no-ops), and {@link #stop} ends the probes before the embedded database stops, so its stop is not
 * reported as an outage.
 */
@Singleton
public final class DatabaseWatcher implements ApplicationEventListener<StartupEvent>, AutoCloseable {

  static final int FAILURES_TO_TRIP = 2;
  static final String INTERVAL_VARIABLE = "OBOL_DATABASE_WATCH_INTERVAL";
  private static final Duration INTERVAL_MIN = Duration.ofMillis(100);
  private static final Duration INTERVAL_MAX = Duration.ofSeconds(10);
  /** The names gRPC health answers for: the server as a whole and each of Obol's services. */
  static final List<String> SERVICES =
      List.of(
          HealthStatusManager.SERVICE_NAME_ALL_SERVICES,
          WalletServiceGrpc.SERVICE_NAME,
          AccountServiceGrpc.SERVICE_NAME,
          AdminServiceGrpc.SERVICE_NAME);
  private static final Logger LOG = LoggerFactory.getLogger(DatabaseWatcher.class);

  private final DatabaseReachability reachability;
  private final BeanProvider<HealthStatusManager> health;
  private final BeanProvider<HikariDataSource> pool;
  private final BeanProvider<DatabaseLocation> database;
  private final Duration interval;
  private final Clock clock;
  private ScheduledExecutorService probes;
  private DatabaseProbe probe;
  private int failuresInRow;
  private volatile boolean stopped;

  DatabaseWatcher(
      DatabaseReachability reachability,
      BeanProvider<HealthStatusManager> health,
      BeanProvider<HikariDataSource> pool,
      BeanProvider<DatabaseLocation> database,
      @Property(name = "obol.database.watch-interval", defaultValue = "1s") Duration interval,
      Clock clock) {
    if (interval.compareTo(INTERVAL_MIN) < 0 || interval.compareTo(INTERVAL_MAX) > 0) {
      throw new ConfigurationException(
          INTERVAL_VARIABLE + " must be from " + INTERVAL_MIN.toMillis() + "ms to " + INTERVAL_MAX.toSeconds()
              + "s, not " + interval);
    }
    this.reachability = reachability;
    this.health = health;
    this.pool = pool;
    this.database = database;
    this.interval = interval;
    this.clock = clock;
  }

  /**
   * After the context started: the pool is made and the schema migrated, so the database answered just now and every
   * service is SERVING; then the probes begin.
   */
  @Override
  public synchronized void onApplicationEvent(StartupEvent event) {
    if (stopped || probes != null || !database.isPresent()) {
      return;
    }
    DatabaseLocation location = database.get();
    // The pool, and with it the schema's migrations (DataSourceSetup), now, before the servers take calls: ready means
    // migrated, and the watcher may later evict the pool's connections without creating it.
    pool.get();
    probe = new DatabaseProbe(location.url(), location.user(), location.password());
    setHealth(ServingStatus.SERVING);
    probes =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "obol-database-watcher");
              thread.setDaemon(true);
              return thread;
            });
    probes.scheduleWithFixedDelay(this::probeOnce, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  public Duration interval() {
    return interval;
  }

  /**
   * One probe and what follows from it; runs on the watcher's thread (tests may call it directly). Nothing may escape:
   * an exception out of a scheduled task cancels the schedule for good, and Obol would stop watching.
   */
  synchronized void probeOnce() {
    if (stopped) {
      return;
    }
    boolean answered;
    Throwable failure = null;
    try {
      probe.check();
      answered = true;
    } catch (Exception | LinkageError e) {
      answered = false;
      failure = e;
    }
    try {
      if (answered) {
        succeeded();
      } else {
        failed(failure);
      }
    } catch (RuntimeException e) {
      LOG.error("Database watcher: acting on a probe failed; the next probe tries again", e);
    }
  }

  private void failed(Throwable failure) {
    failuresInRow++;
    if (failuresInRow < FAILURES_TO_TRIP || !reachability.isReachable()) {
      return;
    }
    String cause = DatabaseFailures.summary(failure);
    Instant since = clock.instant();
    reachability.unreachable(since, cause);
    setHealth(ServingStatus.NOT_SERVING);
    evictPooledConnections();
    LOG.warn(
        "Database unreachable ({} probes in a row failed: {}): gRPC health NOT_SERVING, /health DOWN, calls answered"
            + " UNAVAILABLE {} until it answers again",
        failuresInRow,
        cause,
        DatabaseFailures.REASON);
  }

  private void succeeded() {
    failuresInRow = 0;
    var outage = reachability.outage();
    if (outage.isEmpty()) {
      return;
    }
    // The pool first: a call let through must not get a connection that died with the old server.
    evictPooledConnections();
    reachability.reachable();
    setHealth(ServingStatus.SERVING);
    LOG.info(
        "Database reachable again after {} s: gRPC health SERVING, calls served",
        Duration.between(outage.get().since(), clock.instant()).toSeconds());
  }

  private void setHealth(ServingStatus status) {
    if (stopped) {
      return;
    }
    health.ifPresent(manager -> SERVICES.forEach(service -> manager.setStatus(service, status)));
  }

  private void evictPooledConnections() {
    pool.ifPresent(
        dataSource -> {
          var bean = dataSource.getHikariPoolMXBean();
          if (bean != null) {
            bean.softEvictConnections();
          }
        });
  }

  /** No probe from now on (Obol is stopping); the probe's connection is closed. Idempotent. */
  public void stop() {
    stopped = true;
    ScheduledExecutorService running;
    synchronized (this) {
      running = probes;
    }
    if (running != null) {
      running.shutdownNow();
      try {
        running.awaitTermination(3, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    synchronized (this) {
      if (probe != null) {
        probe.close();
      }
    }
  }

  @Override
  public void close() {
    stop();
  }
}
