package dev.obol.app.testing;

import com.stripe.net.Webhook;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Stripe event fixtures (copied from ../shared/stripe-events) and variants derived from them as text, signed
 * exactly as Stripe signs ({@code t=...,v1=hex(HMAC-SHA256(secret, t + "." + body))}) and posted to the webhook.
 */
public final class StripeEvents {

  /** The fixtures' account and the ids that tie them together. */
  public static final String FIXTURE_ACCOUNT = "acct-123";

  private static final Pattern STRIPE_IDS =
      Pattern.compile("(?<![A-Za-z0-9_])((?:evt|cs_test|pi|in|sub|ch|cus|dp)_[A-Za-z0-9]+)");
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private StripeEvents() {}

  public static Text fixture(String name) {
    try (InputStream in = StripeEvents.class.getResourceAsStream("/stripe-events/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + name);
      }
      return new Text(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A fixture's JSON, changed as text (the webhook must verify the exact bytes it receives). */
  public record Text(String json) {

    public Text replace(String from, String to) {
      if (!json.contains(from)) {
        throw new IllegalArgumentException("fixture does not contain " + from);
      }
      return new Text(json.replace(from, to));
    }

    /** Every Stripe id (events, sessions, intents, invoices, subscriptions, charges) gets the suffix. */
    public Text suffixIds(String suffix) {
      Matcher matcher = STRIPE_IDS.matcher(json);
      return new Text(matcher.replaceAll(m -> Matcher.quoteReplacement(m.group(1) + suffix)));
    }

    /** A new event id for the same object: a second, distinct delivery (e.g. invoice.paid after …payment_succeeded). */
    public Text newEventId(String suffix) {
      Matcher matcher = Pattern.compile("\"id\": \"(evt_[A-Za-z0-9]+)\"").matcher(json);
      if (!matcher.find()) {
        throw new IllegalArgumentException("no event id");
      }
      return new Text(json.replace(matcher.group(1), matcher.group(1) + suffix));
    }

    public Text account(String accountId) {
      return replace("\"" + FIXTURE_ACCOUNT + "\"", "\"" + accountId + "\"");
    }

    public Text type(String from, String to) {
      return replace("\"type\": \"" + from + "\"", "\"type\": \"" + to + "\"");
    }

    /** The subscription line's paid period. */
    public Text linePeriod(long oldStart, long oldEnd, long newStart, long newEnd) {
      Pattern period =
          Pattern.compile("\"period\": \\{\\s*\"end\": " + oldEnd + ",\\s*\"start\": " + oldStart + "\\s*\\}");
      Matcher matcher = period.matcher(json);
      if (!matcher.find()) {
        throw new IllegalArgumentException("no line period " + oldStart + ".." + oldEnd);
      }
      return new Text(
          matcher.replaceAll("\"period\": {\"end\": " + newEnd + ", \"start\": " + newStart + "}"));
    }

    public String eventId() {
      Matcher matcher = Pattern.compile("\"id\": \"(evt_[A-Za-z0-9]+)\"").matcher(json);
      if (!matcher.find()) {
        throw new IllegalArgumentException("no event id");
      }
      return matcher.group(1);
    }
  }

  public static String signature(String payload, String secret, Instant at) {
    try {
      return Webhook.Signature.generateSignatureHeader(payload, secret, at.getEpochSecond());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public record Delivery(int status, String body) {}

  public static Delivery post(int httpPort, String payload, String signatureHeader) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/stripe/webhook"))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json; charset=utf-8")
            .POST(HttpRequest.BodyPublishers.ofString(payload, StandardCharsets.UTF_8));
    if (signatureHeader != null) {
      request.header("Stripe-Signature", signatureHeader);
    }
    try {
      HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Delivery(response.statusCode(), response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
