package dev.obol.app.metrics;

import dev.obol.domain.model.FeatureCatalog;
import dev.obol.app.RechargeWakeup;
import dev.obol.domain.port.Activity;
import dev.obol.persistence.OutboxRepository;
import dev.obol.persistence.PostgresOutbox;
import io.grpc.BindableService;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.protobuf.services.HealthStatusManager;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Property;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The meters and the activity log, and the one {@link Activity} the domain services are given (both composed). */
@Factory
public class MetricsFactory {

  @Singleton
  ObolMeters obolMeters(MeterRegistry registry, FeatureCatalog catalog) {
    return new ObolMeters(registry, catalog);
  }

  /** What the domain tells: counted, then logged. */
  @Singleton
  Activity activity(ObolMeters meters, RechargeWakeup wakeup) {
    return new Activities(List.of(meters, new ActivityLog(), wakeup));
  }

  /**
   * The methods of the services Obol serves (its own, health, reflection): the only values of the {@code method}
   * label.
   */
  @Singleton
  RpcDurationInterceptor rpcDurationInterceptor(MeterRegistry registry, List<BindableService> services) {
    Set<String> methods = new HashSet<>();
    for (BindableService service : services) {
      methods.addAll(methodsOf(service.bindService()));
    }
    methods.addAll(methodsOf(HealthServiceNames.DEFINITION));
    return new RpcDurationInterceptor(registry, methods);
  }

  /** Registered at startup (@Context) so the gauges are in the first scrape. */
  @Context
  @Bean(preDestroy = "close")
  OutboxGauges outboxGauges(
      MeterRegistry registry,
      OutboxRepository rows,
      Clock clock,
      @Property(name = "obol.metrics.outbox-refresh", defaultValue = "5s") Duration refreshEvery) {
    PostgresOutbox outbox = new PostgresOutbox(rows);
    return new OutboxGauges(registry, outbox::backlog, clock, refreshEvery);
  }

  private static Set<String> methodsOf(ServerServiceDefinition definition) {
    Set<String> names = new HashSet<>();
    for (ServerMethodDefinition<?, ?> method : definition.getMethods()) {
      names.add(method.getMethodDescriptor().getFullMethodName());
    }
    return names;
  }

  /** gRPC health is served by micronaut-grpc-health, not a BindableService bean of Obol's. */
  private static final class HealthServiceNames {
    static final ServerServiceDefinition DEFINITION = new HealthStatusManager().getHealthService().bindService();
  }
}
