package dev.obol.app.lifecycle;

import dev.obol.app.DatabaseLocation;
import dev.obol.domain.model.FeatureCatalog;
import io.micronaut.context.annotation.Property;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.web.router.Router;
import io.micronaut.web.router.UriRouteInfo;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The two lines a start logs once it serves: what it runs with ({@link #configuration()}) and what is at each port
 * ({@link #ready}). Names of settings, counts and yes/no only: never a secret, not even its length.
 */
@Singleton
public final class StartupSummary {

  private final GrpcEmbeddedServer grpc;
  private final EmbeddedServer http;
  private final Router router;
  private final DatabaseLocation database;
  private final FeatureCatalog catalog;
  private final ShutdownSequence shutdown;
  private final boolean tls;
  private final boolean stripe;
  private final int webhookSecrets;
  private final int notifyUrls;
  private final boolean notifySigned;
  private final boolean bootstrapKey;

  StartupSummary(
      GrpcEmbeddedServer grpc,
      EmbeddedServer http,
      Router router,
      DatabaseLocation database,
      FeatureCatalog catalog,
      ShutdownSequence shutdown,
      @Property(name = "obol.grpc.tls.cert", defaultValue = "") String tlsCert,
      @Property(name = "obol.stripe.secret-key", defaultValue = "") String stripeKey,
      @Property(name = "obol.stripe.webhook-secrets", defaultValue = "") String webhookSecrets,
      @Property(name = "obol.notify.urls", defaultValue = "") String notifyUrls,
      @Property(name = "obol.notify.secret", defaultValue = "") String notifySecret,
      @Property(name = "obol.security.bootstrap-admin-key", defaultValue = "") String bootstrapKey) {
    this.grpc = grpc;
    this.http = http;
    this.router = router;
    this.database = database;
    this.catalog = catalog;
    this.shutdown = shutdown;
    // GrpcTls refuses to start with only one of the two, so the certificate alone says whether TLS is on.
    this.tls = !tlsCert.isBlank();
    this.stripe = !stripeKey.isBlank();
    this.webhookSecrets = count(webhookSecrets);
    this.notifyUrls = count(notifyUrls);
    this.notifySigned = !notifySecret.isBlank();
    this.bootstrapKey = !bootstrapKey.isBlank();
  }

  private static int count(String commaSeparated) {
    return (int) Arrays.stream(commaSeparated.split(",")).filter(value -> !value.isBlank()).count();
  }

  /** E.g. "Obol configuration: gRPC :50051 (plaintext), HTTP :8080; database embedded PostgreSQL, …". */
  public String configuration() {
    String defaultPrice =
        catalog.defaultPrice().isPresent()
            ? "others " + catalog.defaultPrice().getAsLong() + " tokens"
            : "others NOT_FOUND";
    return "Obol configuration: gRPC :"
        + grpc.getPort()
        + (tls ? " (TLS)" : " (plaintext)")
        + ", HTTP :"
        + http.getPort()
        + "; database "
        + database.describe()
        + "; catalogue "
        + catalog.features().size()
        + " features ("
        + defaultPrice
        + "); Stripe API key "
        + (stripe ? "set" : "not set (checkout answers PAYMENTS_NOT_CONFIGURED)")
        + "; Stripe webhook secrets "
        + webhookSecrets
        + "; notifications "
        + (notifyUrls == 0 ? "off" : notifyUrls + " URL(s), " + (notifySigned ? "signed" : "unsigned"))
        + "; gRPC TLS "
        + (tls ? "on" : "off")
        + "; bootstrap admin key "
        + (bootstrapKey ? "set" : "not set")
        + "; shutdown grace "
        + shutdown.grace().toSeconds()
        + " s";
  }

  /**
   * E.g. "Obol ready in 2780 ms: gRPC API on :50051 (obol.v1 WalletService, AccountService, AdminService; health;
   * reflection); HTTP on :8080: Stripe webhook (POST /stripe/webhook), health (GET /health, /health/liveness,
   * /health/readiness), metrics (GET /prometheus)". Micronaut's own line names only the HTTP port, as a URL a browser
   * would open to a 404.
   */
  public String ready(Duration took) {
    return "Obol ready in "
        + took.toMillis()
        + " ms: gRPC API on :"
        + grpc.getPort()
        + " ("
        + grpcServices()
        + "); HTTP on :"
        + http.getPort()
        + ": "
        + httpRoutes();
  }

  private String grpcServices() {
    List<String> names =
        grpc.getServer().getServices().stream().map(service -> service.getServiceDescriptor().getName()).toList();
    List<String> obol =
        names.stream()
            .filter(name -> name.startsWith("obol.v1."))
            .map(name -> name.substring("obol.v1.".length()))
            .sorted(Comparator.comparing(StartupSummary::obolServiceRank).thenComparing(Comparator.naturalOrder()))
            .toList();
    StringBuilder description = new StringBuilder("obol.v1 ").append(String.join(", ", obol));
    if (names.stream().anyMatch(name -> name.startsWith("grpc.health."))) {
      description.append("; health");
    }
    if (names.stream().anyMatch(name -> name.startsWith("grpc.reflection."))) {
      description.append("; reflection");
    }
    return description.toString();
  }

  /** The README's order: the wallet first. */
  private static int obolServiceRank(String name) {
    return switch (name) {
      case "WalletService" -> 0;
      case "AccountService" -> 1;
      case "AdminService" -> 2;
      default -> 3;
    };
  }

  /**
   * The routes by what they are for (first path segment), the webhook first, each with its method and paths: "Stripe
   * webhook (POST /stripe/webhook), health (GET /health, /health/liveness, /health/readiness), metrics (GET
   * /prometheus)". HEAD twins of GET routes are left out.
   */
  private String httpRoutes() {
    Map<String, String> methods = new LinkedHashMap<>();
    Map<String, java.util.Set<String>> paths = new LinkedHashMap<>();
    router.uriRoutes()
        .filter(route -> !"HEAD".equals(route.getHttpMethodName()))
        .sorted(Comparator.comparing((UriRouteInfo<?, ?> route) -> purposeRank(route))
            .thenComparing(route -> route.getUriMatchTemplate().toPathString()))
        .forEach(route -> {
          String path = route.getUriMatchTemplate().toPathString();
          String purpose = purpose(path);
          methods.putIfAbsent(purpose, route.getHttpMethodName());
          java.util.Set<String> shown = paths.computeIfAbsent(purpose, p -> new java.util.LinkedHashSet<>());
          if (path.startsWith("/{service:obol")) {
            // The Connect face: one route for every unary RPC.
            shown.add("/obol.v1.<Service>/<Method>");
          } else if (path.equals("/health/{selector}")) {
            // Micronaut's one route for the two probes.
            shown.add("/health/liveness");
            shown.add("/health/readiness");
          } else {
            shown.add(path);
          }
        });
    if (paths.isEmpty()) {
      return "no routes";
    }
    return paths.entrySet().stream()
        .map(entry -> entry.getKey() + " (" + methods.get(entry.getKey()) + " " + String.join(", ", entry.getValue())
            + ")")
        .collect(Collectors.joining(", "));
  }

  private static int purposeRank(UriRouteInfo<?, ?> route) {
    return switch (purpose(route.getUriMatchTemplate().toPathString())) {
      case "Stripe webhook" -> 0;
      case "health" -> 1;
      case "metrics" -> 2;
      case "Connect (HTTP/JSON)" -> 3;
      case "customer portal" -> 4;
      case "operator console" -> 5;
      default -> 6;
    };
  }

  private static String purpose(String path) {
    if (path.startsWith("/{service:obol")) {
      return "Connect (HTTP/JSON)";
    }
    String first = path.replaceFirst("^/", "").split("/", 2)[0];
    return switch (first) {
      case "stripe" -> "Stripe webhook";
      case "portal" -> "customer portal";
      case "console" -> "operator console";
      case "health" -> "health";
      case "metrics", "prometheus" -> "metrics";
      default -> "/" + first;
    };
  }
}
