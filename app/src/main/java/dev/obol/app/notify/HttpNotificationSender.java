package dev.obol.app.notify;

import dev.obol.domain.port.NotificationSender;
import dev.obol.domain.port.Outbox.PendingNotification;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;

/** POSTs a notification's JSON, signed, to one endpoint; only a 2xx answer counts as delivered. */
public final class HttpNotificationSender implements NotificationSender {

  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

  private final HttpClient client;
  private final byte[] secret;
  private final Clock clock;

  public HttpNotificationSender(String secret, Clock clock) {
    if (secret == null || secret.isEmpty()) {
      throw new IllegalStateException("obol.notify.secret (OBOL_NOTIFY_SECRET) is required to sign notifications");
    }
    this.secret = secret.getBytes(StandardCharsets.UTF_8);
    this.clock = clock;
    this.client =
        HttpClient.newBuilder()
            .connectTimeout(CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER)
            .version(HttpClient.Version.HTTP_1_1)
            .build();
  }

  @Override
  public String send(String endpoint, PendingNotification notification) {
    long unixSeconds = clock.instant().getEpochSecond();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(endpoint))
            .timeout(REQUEST_TIMEOUT)
            .header("Content-Type", "application/json")
            .header("User-Agent", "Obol-Notifications/1")
            .header("Obol-Event-Id", notification.eventId())
            .header("Obol-Event-Type", notification.type())
            .header(NotificationSignature.HEADER, NotificationSignature.header(secret, unixSeconds, notification.body()))
            .POST(HttpRequest.BodyPublishers.ofString(notification.body(), StandardCharsets.UTF_8))
            .build();
    try {
      HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
      int status = response.statusCode();
      return status >= 200 && status < 300 ? null : "HTTP " + status;
    } catch (IOException e) {
      return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }
}
