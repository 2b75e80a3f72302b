package dev.obol.app;

import dev.obol.app.metrics.ObolMeters;
import dev.obol.domain.usecase.PaymentEventUseCases;
import dev.obol.domain.port.IdGenerator;
import dev.obol.domain.service.ApiKeyService;
import dev.obol.grpc.AdminGrpcEndpoint;
import dev.obol.grpc.AuthInterceptor;
import dev.obol.persistence.Transactions;
import dev.obol.persistence.ApiKeyRepository;
import dev.obol.persistence.PostgresApiKeyStore;
import io.grpc.BindableService;
import io.grpc.ServerInterceptor;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Property;
import io.micronaut.context.exceptions.ConfigurationException;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;

/** API keys: the store, the use cases, the interceptor that checks every call, and AdminService. */
@Factory
public class SecurityFactory {

  /** 32 characters of hex are 128 bits: the floor the contract sets for secrets. */
  static final int BOOTSTRAP_KEY_LENGTH_MIN = 32;

  @Singleton
  @Bean(preDestroy = "close")
  PostgresApiKeyStore apiKeyStore(Transactions transactions, ApiKeyRepository keys) {
    return new PostgresApiKeyStore(transactions, keys);
  }

  @Singleton
  ApiKeyService apiKeys(
      PostgresApiKeyStore store,
      IdGenerator ids,
      Clock clock,
      @Property(name = "obol.security.bootstrap-admin-key", defaultValue = "") String bootstrapKey,
      @Property(name = "obol.security.key-cache-ttl", defaultValue = "2s") Duration cacheTtl) {
    if (cacheTtl.isNegative() || cacheTtl.compareTo(Duration.ofSeconds(5)) > 0) {
      // The contract: a revoked key is refused by every instance within 5 seconds.
      throw new ConfigurationException("OBOL_KEY_CACHE_TTL must be between 0s and 5s, not " + cacheTtl);
    }
    String bootstrap = bootstrapKey.trim();
    if (!bootstrap.isEmpty() && bootstrap.length() < BOOTSTRAP_KEY_LENGTH_MIN) {
      // An admin secret someone could guess is worse than none: refuse to start rather than accept it.
      throw new ConfigurationException(
          "OBOL_BOOTSTRAP_ADMIN_KEY must be at least " + BOOTSTRAP_KEY_LENGTH_MIN
              + " characters (e.g. obol_$(openssl rand -hex 32))");
    }
    return new ApiKeyService(store, ids, clock, bootstrap, cacheTtl);
  }

  @Singleton
  ServerInterceptor authInterceptor(ApiKeyService apiKeys, ObolMeters meters) {
    // Each refusal is counted by its reason (obol_auth_refusals_total).
    return new OrderedInterceptor(new AuthInterceptor(apiKeys, meters::authRefused), OrderedInterceptor.AUTH);
  }

  @Singleton
  @Named("admin")
  BindableService adminEndpoint(ApiKeyService apiKeys, PaymentEventUseCases events) {
    return new AdminGrpcEndpoint(apiKeys, events);
  }
}
