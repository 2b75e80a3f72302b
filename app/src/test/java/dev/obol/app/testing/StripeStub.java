package dev.obol.app.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local stand-in for Stripe's API: records every request Obol sends (headers and form fields) and answers
 * {@code POST /v1/checkout/sessions} with a session, {@code POST /v1/customers} with a customer and
 * {@code POST /v1/payment_intents} with a payment intent as {@link #paymentIntents(PaymentIntentMode)} says. Any other
 * path is a 404. Like Stripe, a repeated idempotency key gets the first answer (and creates nothing new). A success URL
 * containing {@value #REJECT_MARKER} is refused as Stripe refuses an invalid request.
 *
 * <p>Payment intents, more precisely (what stripe-java 33.3.0 makes of each answer is in {@code StripeStubTest}):
 *
 * <ul>
 *   <li>A key already answered 200 or 402 gets that answer again, with {@code Idempotent-Replayed: true}, whatever the
 *       mode is now; it is not counted in {@link #paymentIntentsCreated()}.
 *   <li>{@link PaymentIntentMode#UNAVAILABLE}'s 503 is not stored under the key, so the same key in another mode later
 *       creates the intent (as Stripe does when a request never started executing).
 *   <li>A key whose first request is still being answered (see {@link #paymentIntentDelay(Duration)}) gets Stripe's
 *       409 {@code idempotency_error} at once, as Stripe answers a concurrent request with the same key. stripe-java
 *       throws a plain {@code ApiException} (status 409) for it, not {@code IdempotencyException}, or retries it if the
 *       client has network retries.
 *   <li>The mode is read when the request arrives, before the delay.
 * </ul>
 *
 * <p>Requests are answered on a pool of threads, so delayed requests overlap.
 */
public final class StripeStub implements AutoCloseable {

  public static final String REJECT_MARKER = "stripe-rejects";

  public static final String CHECKOUT_SESSIONS = "/v1/checkout/sessions";
  public static final String CUSTOMERS = "/v1/customers";
  public static final String PAYMENT_INTENTS = "/v1/payment_intents";

  /** How {@code POST /v1/payment_intents} answers a request that is not a replay. */
  public enum PaymentIntentMode {
    /** 200, {@code status: "processing"}: the charge is under way; the outcome comes by webhook. The default. */
    PROCESSING,
    /** 200, {@code status: "succeeded"}, {@code amount_received} = amount, with a {@code latest_charge}. */
    SUCCEEDED,
    /**
     * 402 {@code card_error} {@code card_declined}/{@code insufficient_funds}, carrying the created intent (status
     * {@code requires_payment_method}, with its {@code last_payment_error}). It counts as created and is replayed.
     */
    DECLINE,
    /** 503 {@code api_error}, not stored under the idempotency key and creating nothing. */
    UNAVAILABLE
  }

  public record Recorded(String method, String path, Map<String, String> headers, Map<String, String> form) {}

  private record Answer(int status, String body, boolean replayed) {

    Answer(int status, String body) {
      this(status, body, false);
    }

    Answer replay() {
      return new Answer(status, body, true);
    }
  }

  private final HttpServer server;
  private final ExecutorService executor;
  private final List<Recorded> requests = new CopyOnWriteArrayList<>();
  private final Map<String, String> answersByKey = new ConcurrentHashMap<>();
  private final AtomicInteger sessions = new AtomicInteger();

  private final Map<String, String> customersByKey = new ConcurrentHashMap<>();
  private final Map<String, String> customerIdsByKey = new ConcurrentHashMap<>();
  private final AtomicInteger customers = new AtomicInteger();

  private final Map<String, Answer> paymentIntentsByKey = new ConcurrentHashMap<>();
  private final Map<String, Map<String, Object>> paymentIntentsById = new ConcurrentHashMap<>();
  private final List<String> paymentIntentsInOrder = new CopyOnWriteArrayList<>();
  private static final AtomicInteger EVENTS = new AtomicInteger();
  private final Set<String> paymentIntentKeysInFlight = ConcurrentHashMap.newKeySet();
  private final AtomicInteger paymentIntentIds = new AtomicInteger();
  private final AtomicInteger charges = new AtomicInteger();
  private volatile PaymentIntentMode paymentIntentMode = PaymentIntentMode.PROCESSING;
  private volatile Duration paymentIntentDelay = Duration.ZERO;

  private StripeStub(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  public static StripeStub start() {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      ExecutorService executor = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "stripe-stub");
        thread.setDaemon(true);
        return thread;
      });
      StripeStub stub = new StripeStub(server, executor);
      server.createContext("/", stub::handle);
      server.setExecutor(executor);
      server.start();
      return stub;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public List<Recorded> requests() {
    return new ArrayList<>(requests);
  }

  /** The requests to one path (e.g. {@link #PAYMENT_INTENTS}), in arrival order, replays and 503s included. */
  public List<Recorded> requestsTo(String path) {
    return requests.stream().filter(r -> r.path().equals(path)).toList();
  }

  public Recorded last() {
    return requests.get(requests.size() - 1);
  }

  /** How later payment intent requests are answered (replays of an answered key excepted). Returns this stub. */
  public StripeStub paymentIntents(PaymentIntentMode mode) {
    this.paymentIntentMode = mode;
    return this;
  }

  public PaymentIntentMode paymentIntentMode() {
    return paymentIntentMode;
  }

  /** A pause before each payment intent answer (replays and 409s are immediate); zero by default. Returns this stub. */
  public StripeStub paymentIntentDelay(Duration delay) {
    this.paymentIntentDelay = delay;
    return this;
  }

  /** Distinct payment intents created: answered 200 or 402, a replayed key counted once. */
  public int paymentIntentsCreated() {
    return paymentIntentIds.get();
  }

  /** Distinct customers created, a replayed key counted once. */
  public int customersCreated() {
    return customers.get();
  }

  /** The payment intents created, in order of creation (their ids). */
  public List<String> paymentIntentIds() {
    return List.copyOf(paymentIntentsInOrder);
  }

  /** The metadata Obol sent with a payment intent. */
  @SuppressWarnings("unchecked")
  public Map<String, Object> paymentIntentMetadata(String paymentIntentId) {
    return (Map<String, Object>) intent(paymentIntentId).get("metadata");
  }

  /**
   * The event Stripe sends later about a payment intent created here, as JSON to sign: {@code payment_intent.succeeded}
   * (the amount received) or {@code payment_intent.payment_failed} (a card decline), with a new event id each call.
   */
  public String paymentIntentEvent(String type, String paymentIntentId) {
    Map<String, Object> intent = new LinkedHashMap<>(intent(paymentIntentId));
    intent.put("processing", null);
    switch (type) {
      case "payment_intent.succeeded" -> {
        intent.put("status", "succeeded");
        intent.put("amount_received", intent.get("amount"));
        intent.put("last_payment_error", null);
      }
      case "payment_intent.payment_failed" -> {
        intent.put("status", "requires_payment_method");
        intent.put("amount_received", 0);
        intent.put("payment_method", null);
        intent.put("last_payment_error", declineError((String) intent.get("latest_charge"), null));
      }
      default -> throw new IllegalArgumentException("not a payment intent outcome: " + type);
    }
    return event(type, intent);
  }

  /** {@code payment_method.attached}: a card saved on a customer (e.g. by a checkout), as JSON to sign. */
  public static String paymentMethodAttachedEvent(String customerId, String paymentMethodId) {
    Map<String, Object> method = cardPaymentMethod(paymentMethodId);
    method.put("customer", customerId);
    return event("payment_method.attached", method);
  }

  private Map<String, Object> intent(String paymentIntentId) {
    Map<String, Object> intent = paymentIntentsById.get(paymentIntentId);
    if (intent == null) {
      throw new IllegalArgumentException("no payment intent " + paymentIntentId);
    }
    return intent;
  }

  /** An event envelope as Stripe's API version 2026-07-29.dahlia (the fixtures') delivers it. */
  private static String event(String type, Map<String, Object> object) {
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("id", "evt_stub" + EVENTS.incrementAndGet() + "x" + Long.toHexString(System.nanoTime()));
    event.put("object", "event");
    event.put("api_version", "2026-07-29.dahlia");
    event.put("created", Instant.now().getEpochSecond());
    event.put("data", Map.of("object", object));
    event.put("livemode", false);
    event.put("pending_webhooks", 1);
    Map<String, Object> request = new LinkedHashMap<>();
    request.put("id", null);
    request.put("idempotency_key", null);
    event.put("request", request);
    event.put("type", type);
    return Json.write(event);
  }

  /** The id of the customer created under that idempotency key. */
  public String customerId(String idempotencyKey) {
    String id = customerIdsByKey.get(idempotencyKey);
    if (id == null) {
      throw new IllegalArgumentException("no customer was created under " + idempotencyKey);
    }
    return id;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      Map<String, String> headers = new LinkedHashMap<>();
      exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(), values.get(0)));
      Map<String, String> form = decode(body);
      String path = exchange.getRequestURI().getPath();
      boolean post = "POST".equals(exchange.getRequestMethod());
      requests.add(new Recorded(exchange.getRequestMethod(), path, headers, form));
      String requestId = "req_stub_" + requests.size();

      if (post && CUSTOMERS.equals(path)) {
        answer(exchange, requestId, customer(headers.get("idempotency-key"), form));
      } else if (post && PAYMENT_INTENTS.equals(path)) {
        answer(exchange, requestId, paymentIntent(headers.get("idempotency-key"), form));
      } else if (!CHECKOUT_SESSIONS.equals(path)) {
        answer(exchange, requestId, new Answer(404,
            "{\"error\": {\"type\": \"invalid_request_error\", \"message\": \"Unrecognized request URL\"}}"));
      } else if (form.getOrDefault("success_url", "").contains(REJECT_MARKER)) {
        answer(exchange, requestId, new Answer(400,
            "{\"error\": {\"type\": \"invalid_request_error\", \"message\": \"No such price\", \"param\": \"price\"}}"));
      } else {
        String key = headers.getOrDefault("idempotency-key", "none-" + sessions.get());
        answer(exchange, requestId, new Answer(200, answersByKey.computeIfAbsent(key, k -> session(form))));
      }
    } finally {
      exchange.close();
    }
  }

  private static void answer(HttpExchange exchange, String requestId, Answer answer) throws IOException {
    byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.getResponseHeaders().add("Request-Id", requestId);
    if (answer.replayed()) {
      exchange.getResponseHeaders().add("Idempotent-Replayed", "true");
    }
    exchange.sendResponseHeaders(answer.status(), bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  private String session(Map<String, String> form) {
    String id = "cs_test_stub" + sessions.incrementAndGet();
    return "{\"id\": \"" + id + "\", \"object\": \"checkout.session\", \"mode\": \"" + form.get("mode")
        + "\", \"status\": \"open\", \"url\": \"https://checkout.stripe.com/c/pay/" + id + "\"}";
  }

  // --- customers ---

  private Answer customer(String key, Map<String, String> form) {
    if (key == null) {
      return new Answer(200, newCustomer(null, form));
    }
    String earlier = customersByKey.get(key);
    if (earlier != null) {
      return new Answer(200, earlier).replay();
    }
    return new Answer(200, customersByKey.computeIfAbsent(key, k -> newCustomer(k, form)));
  }

  private String newCustomer(String key, Map<String, String> form) {
    String id = "cus_stub" + customers.incrementAndGet();
    if (key != null) {
      customerIdsByKey.put(key, id);
    }
    Map<String, Object> customer = new LinkedHashMap<>();
    customer.put("id", id);
    customer.put("object", "customer");
    customer.put("address", null);
    customer.put("balance", 0);
    customer.put("created", Instant.now().getEpochSecond());
    customer.put("currency", null);
    customer.put("default_source", null);
    customer.put("delinquent", false);
    customer.put("description", form.get("description"));
    customer.put("email", form.get("email"));
    customer.put("invoice_prefix", "STUB" + customers.get());
    Map<String, Object> invoiceSettings = new LinkedHashMap<>();
    invoiceSettings.put("custom_fields", null);
    invoiceSettings.put("default_payment_method", null);
    invoiceSettings.put("footer", null);
    invoiceSettings.put("rendering_options", null);
    customer.put("invoice_settings", invoiceSettings);
    customer.put("livemode", false);
    customer.put("metadata", metadata(form));
    customer.put("name", form.get("name"));
    customer.put("phone", null);
    customer.put("preferred_locales", List.of());
    customer.put("shipping", null);
    customer.put("tax_exempt", "none");
    customer.put("test_clock", null);
    return Json.write(customer);
  }

  // --- payment intents ---

  private Answer paymentIntent(String key, Map<String, String> form) {
    PaymentIntentMode mode = paymentIntentMode;
    if (key == null) {
      pause();
      return newPaymentIntent(mode, form);
    }
    Answer earlier = paymentIntentsByKey.get(key);
    if (earlier != null) {
      return earlier.replay();
    }
    if (!paymentIntentKeysInFlight.add(key)) {
      return new Answer(409, Json.write(Map.of("error", Map.of(
          "type", "idempotency_error",
          "message", "There is currently another in-progress request using this Idempotent Key (that probably means"
              + " you submitted twice, and the other request is still going through): " + key
              + ". Please try again later."))));
    }
    try {
      earlier = paymentIntentsByKey.get(key); // answered between the first look and taking the key
      if (earlier != null) {
        return earlier.replay();
      }
      pause();
      Answer answer = newPaymentIntent(mode, form);
      if (answer.status() != 503) {
        paymentIntentsByKey.put(key, answer);
      }
      return answer;
    } finally {
      paymentIntentKeysInFlight.remove(key);
    }
  }

  private void pause() {
    Duration delay = paymentIntentDelay;
    if (!delay.isZero() && !delay.isNegative()) {
      try {
        Thread.sleep(delay.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private Answer newPaymentIntent(PaymentIntentMode mode, Map<String, String> form) {
    if (mode == PaymentIntentMode.UNAVAILABLE) {
      return new Answer(503, Json.write(Map.of("error", Map.of(
          "type", "api_error",
          "message", "The Stripe API is temporarily unavailable. Please retry the request."))));
    }
    String id = "pi_stub" + paymentIntentIds.incrementAndGet();
    String charge = "ch_stub" + charges.incrementAndGet();
    long amount = Long.parseLong(form.getOrDefault("amount", "0"));
    String paymentMethod = form.get("payment_method");
    Map<String, Object> intent = new LinkedHashMap<>();
    intent.put("id", id);
    intent.put("object", "payment_intent");
    intent.put("amount", amount);
    intent.put("amount_capturable", 0);
    intent.put("amount_details", Map.of("tip", Map.of()));
    intent.put("amount_received", mode == PaymentIntentMode.SUCCEEDED ? amount : 0);
    intent.put("application", null);
    intent.put("application_fee_amount", null);
    intent.put("automatic_payment_methods", null);
    intent.put("canceled_at", null);
    intent.put("cancellation_reason", null);
    intent.put("capture_method", form.getOrDefault("capture_method", "automatic_async"));
    intent.put("client_secret", id + "_secret_stub");
    intent.put("confirmation_method", form.getOrDefault("confirmation_method", "automatic"));
    intent.put("created", Instant.now().getEpochSecond());
    intent.put("currency", form.get("currency"));
    intent.put("customer", form.get("customer"));
    intent.put("customer_account", null);
    intent.put("description", form.get("description"));
    intent.put("excluded_payment_method_types", null);
    intent.put("last_payment_error", mode == PaymentIntentMode.DECLINE ? declineError(charge, paymentMethod) : null);
    intent.put("latest_charge", charge);
    intent.put("livemode", false);
    intent.put("metadata", metadata(form));
    intent.put("next_action", null);
    intent.put("on_behalf_of", null);
    intent.put("payment_method", mode == PaymentIntentMode.DECLINE ? null : paymentMethod);
    intent.put("payment_method_configuration_details", null);
    intent.put("payment_method_options", Map.of("card", cardOptions()));
    intent.put("payment_method_types", List.of("card"));
    intent.put("processing", mode == PaymentIntentMode.PROCESSING ? Map.of("type", "card") : null);
    intent.put("receipt_email", form.get("receipt_email"));
    intent.put("review", null);
    intent.put("setup_future_usage", form.get("setup_future_usage"));
    intent.put("shipping", null);
    intent.put("source", null);
    intent.put("statement_descriptor", null);
    intent.put("statement_descriptor_suffix", null);
    intent.put("status", switch (mode) {
      case PROCESSING -> "processing";
      case SUCCEEDED -> "succeeded";
      default -> "requires_payment_method";
    });
    intent.put("transfer_data", null);
    intent.put("transfer_group", null);
    paymentIntentsById.put(id, intent);
    paymentIntentsInOrder.add(id);
    if (mode != PaymentIntentMode.DECLINE) {
      return new Answer(200, Json.write(intent));
    }
    Map<String, Object> error = declineError(charge, paymentMethod);
    error.put("payment_intent", intent);
    return new Answer(402, Json.write(Map.of("error", error)));
  }

  private static Map<String, Object> cardOptions() {
    Map<String, Object> card = new LinkedHashMap<>();
    card.put("installments", null);
    card.put("mandate_options", null);
    card.put("network", null);
    card.put("request_three_d_secure", "automatic");
    return card;
  }

  private static Map<String, Object> declineError(String charge, String paymentMethod) {
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("type", "card_error");
    error.put("code", "card_declined");
    error.put("decline_code", "insufficient_funds");
    error.put("message", "Your card has insufficient funds.");
    error.put("advice_code", "try_again_later");
    error.put("charge", charge);
    error.put("doc_url", "https://stripe.com/docs/error-codes/card-declined");
    error.put("network_decline_code", "51");
    error.put("request_log_url", "https://dashboard.stripe.com/test/logs/req_stub");
    if (paymentMethod != null) {
      error.put("payment_method", cardPaymentMethod(paymentMethod));
    }
    return error;
  }

  private static Map<String, Object> cardPaymentMethod(String id) {
    Map<String, Object> card = new LinkedHashMap<>();
    card.put("brand", "visa");
    card.put("country", "US");
    card.put("display_brand", "visa");
    card.put("exp_month", 12);
    card.put("exp_year", 2030);
    card.put("funding", "credit");
    card.put("last4", "9995");
    Map<String, Object> method = new LinkedHashMap<>();
    method.put("id", id);
    method.put("object", "payment_method");
    method.put("card", card);
    method.put("created", Instant.now().getEpochSecond());
    method.put("customer", null);
    method.put("livemode", false);
    method.put("metadata", Map.of());
    method.put("type", "card");
    return method;
  }

  /** The form's {@code metadata[k]=v} fields as a map (stripe-java sends {@code metadata} as such fields). */
  private static Map<String, Object> metadata(Map<String, String> form) {
    Map<String, Object> metadata = new LinkedHashMap<>();
    form.forEach((name, value) -> {
      if (name.startsWith("metadata[") && name.endsWith("]")) {
        metadata.put(name.substring("metadata[".length(), name.length() - 1), value);
      }
    });
    return metadata;
  }

  private static Map<String, String> decode(String body) {
    Map<String, String> form = new LinkedHashMap<>();
    if (body.isEmpty()) {
      return form;
    }
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      form.put(name, value);
    }
    return form;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Just enough JSON writing for the answers: maps, lists, strings, numbers, booleans and null. */
  private static final class Json {

    static String write(Object value) {
      StringBuilder out = new StringBuilder();
      write(value, out);
      return out.toString();
    }

    private static void write(Object value, StringBuilder out) {
      if (value == null) {
        out.append("null");
      } else if (value instanceof String s) {
        string(s, out);
      } else if (value instanceof Number || value instanceof Boolean) {
        out.append(value);
      } else if (value instanceof Map<?, ?> map) {
        out.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> entry : map.entrySet()) {
          if (!first) {
            out.append(", ");
          }
          first = false;
          string(String.valueOf(entry.getKey()), out);
          out.append(": ");
          write(entry.getValue(), out);
        }
        out.append('}');
      } else if (value instanceof List<?> list) {
        out.append('[');
        for (int i = 0; i < list.size(); i++) {
          if (i > 0) {
            out.append(", ");
          }
          write(list.get(i), out);
        }
        out.append(']');
      } else {
        throw new IllegalArgumentException("not JSON: " + value.getClass());
      }
    }

    private static void string(String s, StringBuilder out) {
      out.append('"');
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        switch (c) {
          case '"' -> out.append("\\\"");
          case '\\' -> out.append("\\\\");
          case '\n' -> out.append("\\n");
          case '\r' -> out.append("\\r");
          case '\t' -> out.append("\\t");
          default -> {
            if (c < 0x20) {
              out.append(String.format("\\u%04x", (int) c));
            } else {
              out.append(c);
            }
          }
        }
      }
      out.append('"');
    }
  }
}
