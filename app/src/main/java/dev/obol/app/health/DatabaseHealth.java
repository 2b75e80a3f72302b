package dev.obol.app.health;

import dev.obol.persistence.DatabaseReachability;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.Map;
import org.reactivestreams.Publisher;

/**
 * The {@code database} component of {@code GET /health} and {@code GET /health/readiness}: UP while the watcher finds
 * the database answering, DOWN (and the endpoint 503) from the moment it does not, with when and why.
 *
 * <p>It reports the watcher's last finding instead of asking the database itself: a probe per health request would let
 * anyone who can reach the port put load on the database, and would wait behind callers for a pooled connection. Not a
 * liveness indicator: a process whose database is away is alive and must not be restarted for it (a restart cures
 * nothing and drops what is in flight).
 */
@Singleton
public final class DatabaseHealth implements HealthIndicator {

  static final String NAME = "database";

  private final DatabaseReachability reachability;

  DatabaseHealth(DatabaseReachability reachability) {
    this.reachability = reachability;
  }

  @Override
  public Publisher<HealthResult> getResult() {
    // Asked per request, so the answer is the finding at that moment.
    return Publishers.just(result());
  }

  HealthResult result() {
    return reachability
        .outage()
        .map(
            outage -> {
              Map<String, Object> details = new LinkedHashMap<>();
              details.put("reachable", false);
              details.put("since", outage.since().toString());
              details.put("error", outage.cause());
              return HealthResult.builder(NAME, HealthStatus.DOWN).details(details).build();
            })
        .orElseGet(() -> HealthResult.builder(NAME, HealthStatus.UP).details(Map.of("reachable", true)).build());
  }
}
