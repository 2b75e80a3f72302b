package dev.obol.app.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local stand-in for Stripe's API: records every request Obol sends (headers and form fields) and answers
 * {@code POST /v1/checkout/sessions} with a session. Like Stripe, a repeated idempotency key gets the first answer.
 * A success URL containing {@value #REJECT_MARKER} is refused as Stripe refuses an invalid request.
 */
public final class StripeStub implements AutoCloseable {

  public static final String REJECT_MARKER = "stripe-rejects";

  public record Recorded(String method, String path, Map<String, String> headers, Map<String, String> form) {}

  private final HttpServer server;
  private final List<Recorded> requests = new CopyOnWriteArrayList<>();
  private final Map<String, String> answersByKey = new ConcurrentHashMap<>();
  private final AtomicInteger sessions = new AtomicInteger();

  private StripeStub(HttpServer server) {
    this.server = server;
  }

  public static StripeStub start() {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      StripeStub stub = new StripeStub(server);
      server.createContext("/", stub::handle);
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

  public Recorded last() {
    return requests.get(requests.size() - 1);
  }

  private void handle(HttpExchange exchange) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    Map<String, String> headers = new LinkedHashMap<>();
    exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(), values.get(0)));
    Map<String, String> form = decode(body);
    requests.add(new Recorded(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), headers, form));

    int status;
    String answer;
    if (!"/v1/checkout/sessions".equals(exchange.getRequestURI().getPath())) {
      status = 404;
      answer = "{\"error\": {\"type\": \"invalid_request_error\", \"message\": \"Unrecognized request URL\"}}";
    } else if (form.getOrDefault("success_url", "").contains(REJECT_MARKER)) {
      status = 400;
      answer = "{\"error\": {\"type\": \"invalid_request_error\", \"message\": \"No such price\", \"param\": \"price\"}}";
    } else {
      status = 200;
      String key = headers.getOrDefault("idempotency-key", "none-" + sessions.get());
      answer = answersByKey.computeIfAbsent(key, k -> session(form));
    }
    byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.getResponseHeaders().add("Request-Id", "req_stub_" + requests.size());
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  private String session(Map<String, String> form) {
    String id = "cs_test_stub" + sessions.incrementAndGet();
    return "{\"id\": \"" + id + "\", \"object\": \"checkout.session\", \"mode\": \"" + form.get("mode")
        + "\", \"status\": \"open\", \"url\": \"https://checkout.stripe.com/c/pay/" + id + "\"}";
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
  }
}
