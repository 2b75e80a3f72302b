package dev.obol.app.connect;

import io.micronaut.context.annotation.Property;
import jakarta.inject.Singleton;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which browser origins may call the Connect face: none unless {@code OBOL_HTTP_CORS_ORIGINS}
 * ({@code obol.http.cors-origins}) names them, comma-separated and exact ({@code https://app.example.com}); {@code *}
 * is not accepted (an API key in a page of any site is not what anyone wants).
 */
@Singleton
final class ConnectCors {

  static final String ALLOWED_METHODS = "POST";
  static final String ALLOWED_HEADERS = "authorization, content-type, connect-protocol-version, connect-timeout-ms";
  static final String MAX_AGE_SECONDS = "7200";

  private final Set<String> origins;

  ConnectCors(@Property(name = "obol.http.cors-origins", defaultValue = "") String origins) {
    this.origins =
        Arrays.stream(origins.split(","))
            .map(String::trim)
            .filter(origin -> !origin.isEmpty())
            .collect(Collectors.toUnmodifiableSet());
  }

  boolean allows(String origin) {
    return origin != null && origins.contains(origin);
  }
}
