package dev.obol.app.connect;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.obol.app.connect.ConnectDispatcher.Procedure;
import dev.obol.app.connect.ConnectErrors.ConnectError;
import io.grpc.Status;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Options;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/**
 * Every unary {@code obol.v1} RPC over HTTP by the Connect protocol (connectrpc.com/docs/protocol, unary), in either
 * of its codecs: {@code POST /obol.v1.WalletService/CheckAndDebit} with {@code Content-Type: application/json} and the
 * request as proto-JSON (200 and the response as proto-JSON), or with {@code Content-Type: application/proto} and the
 * request as binary protobuf (200, {@code application/proto} and the response as binary protobuf; what
 * {@code buf curl --protocol connect} sends). Errors are Connect's JSON error body with Connect's HTTP status whatever
 * the codec (the spec: unary errors are always JSON). Every call goes through {@link ConnectDispatcher}, that is the
 * gRPC services with their interceptors: same key, scopes, checks.
 *
 * <p>The path only matches {@code /obol.v1.<Service>/<Method>}, so {@code /health}, {@code /prometheus} and
 * {@code /stripe/webhook} are not shadowed. Refused before any call: a body over 1 MiB (413), a content type that is
 * neither codec (415, with {@code Accept-Post}), GET (405; no obol.v1 RPC is marked side-effect free), a JSON body
 * that is not proto-JSON of the request or names a field it does not have, a binary body that is not a protobuf
 * encoding or carries a field number the request does not have (400 invalid_argument, INVALID_JSON or
 * INVALID_PROTOBUF). Those refusals come before the key is checked: they say nothing but what the public
 * contract says.
 */
@Controller
public final class ConnectController {

  static final String PATH = "/{service:obol\\.v1\\.[A-Za-z0-9_]+}/{method:[A-Za-z0-9_]+}";
  static final int MAX_REQUEST_BYTES = 1024 * 1024;
  static final String CONNECT_TIMEOUT = "connect-timeout-ms";
  static final String CONNECT_PROTOCOL_VERSION = "connect-protocol-version";
  /** The Connect unary binary codec's content type. */
  static final String APPLICATION_PROTO = "application/proto";
  static final String ACCEPTED_TYPES = MediaType.APPLICATION_JSON + ", " + APPLICATION_PROTO;
  static final MediaType APPLICATION_PROTO_TYPE = new MediaType(APPLICATION_PROTO);
  /** Connect: at most 10 digits. */
  private static final Pattern TIMEOUT = Pattern.compile("[0-9]{1,10}");

  private final ConnectDispatcher dispatcher;
  private final ConnectCors cors;

  ConnectController(ConnectDispatcher dispatcher, ConnectCors cors) {
    this.dispatcher = dispatcher;
    this.cors = cors;
  }

  @Post(uri = PATH, consumes = MediaType.ALL, produces = {MediaType.APPLICATION_JSON, APPLICATION_PROTO})
  CompletableFuture<MutableHttpResponse<?>> call(
      @PathVariable String service, @PathVariable String method, HttpRequest<?> request, @Nullable @Body byte[] body) {
    String origin = request.getHeaders().get(HttpHeaders.ORIGIN);
    Optional<Procedure> found = dispatcher.procedure(service, method);
    if (found.isEmpty()) {
      // As connect-go answers a procedure it does not serve: 404.
      return done(error(404, Status.Code.UNIMPLEMENTED, "NO_SUCH_PROCEDURE",
          "no procedure " + service + "/" + method), origin);
    }
    String contentType = request.getHeaders().get(HttpHeaders.CONTENT_TYPE);
    boolean binary = isProto(contentType);
    if (!binary && !isJson(contentType)) {
      return done(
          error(415, Status.Code.INVALID_ARGUMENT, "UNSUPPORTED_MEDIA_TYPE",
                  "send Content-Type: application/json (the Connect protocol's unary JSON codec) or "
                      + "application/proto (its binary codec)")
              .header("Accept-Post", ACCEPTED_TYPES),
          origin);
    }
    if (body != null && body.length > MAX_REQUEST_BYTES) {
      return done(error(413, Status.Code.RESOURCE_EXHAUSTED, "REQUEST_TOO_LARGE",
          "the request body is over " + MAX_REQUEST_BYTES + " bytes"), origin);
    }
    String version = request.getHeaders().get(CONNECT_PROTOCOL_VERSION);
    if (version != null && !version.trim().equals("1")) {
      return done(error(Status.Code.INVALID_ARGUMENT, "CONNECT_PROTOCOL_VERSION_UNSUPPORTED",
          "connect-protocol-version must be 1"), origin);
    }
    Long timeoutMillis = null;
    String timeout = request.getHeaders().get(CONNECT_TIMEOUT);
    if (timeout != null) {
      if (!TIMEOUT.matcher(timeout.trim()).matches()) {
        return done(error(Status.Code.INVALID_ARGUMENT, "CONNECT_TIMEOUT_INVALID",
            "connect-timeout-ms must be a positive integer of at most 10 digits"), origin);
      }
      timeoutMillis = Long.parseLong(timeout.trim());
    }
    Procedure procedure = found.get();
    Message parsed;
    if (binary) {
      try {
        parsed = procedure.parse(body == null ? new byte[0] : body);
      } catch (InvalidProtocolBufferException | RuntimeException e) {
        return done(error(Status.Code.INVALID_ARGUMENT, "INVALID_PROTOBUF",
            "the body is not the binary protobuf encoding of "
                + procedure.requestPrototype.getDescriptorForType().getFullName() + ": " + e.getMessage()), origin);
      }
    } else {
      try {
        String json = body == null || body.length == 0 ? "{}" : new String(body, StandardCharsets.UTF_8);
        parsed = procedure.parse(json);
      } catch (InvalidProtocolBufferException | RuntimeException e) {
        return done(error(Status.Code.INVALID_ARGUMENT, "INVALID_JSON",
            "the body is not proto-JSON of " + procedure.requestPrototype.getDescriptorForType().getFullName() + ": "
                + e.getMessage()), origin);
      }
    }
    return dispatcher
        .call(procedure, parsed, request.getHeaders().get(HttpHeaders.AUTHORIZATION), timeoutMillis,
            request.getRemoteAddress())
        .<MutableHttpResponse<?>>thenApply(outcome -> withCors(answer(procedure, outcome, binary), origin));
  }

  /** Connect has no GET for these RPCs (none is marked side-effect free): 405, POST only. */
  @Get(uri = PATH, produces = MediaType.APPLICATION_JSON)
  MutableHttpResponse<String> get(@PathVariable String service, @PathVariable String method) {
    return error(405, Status.Code.UNIMPLEMENTED, "METHOD_NOT_ALLOWED", "Connect unary calls are POST")
        .header(HttpHeaders.ALLOW, "POST");
  }

  /** The CORS preflight: allowed only for the origins OBOL_HTTP_CORS_ORIGINS names; otherwise 403 and no CORS header. */
  @Options(uri = PATH)
  MutableHttpResponse<?> preflight(HttpRequest<?> request) {
    String origin = request.getHeaders().get(HttpHeaders.ORIGIN);
    String requested = request.getHeaders().get(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD);
    if (!cors.allows(origin) || (requested != null && !requested.trim().equals("POST"))) {
      return HttpResponse.status(io.micronaut.http.HttpStatus.FORBIDDEN).header(HttpHeaders.VARY, HttpHeaders.ORIGIN);
    }
    return HttpResponse.noContent()
        .header(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, origin)
        .header(HttpHeaders.ACCESS_CONTROL_ALLOW_METHODS, ConnectCors.ALLOWED_METHODS)
        .header(HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS, ConnectCors.ALLOWED_HEADERS)
        .header(HttpHeaders.ACCESS_CONTROL_MAX_AGE, ConnectCors.MAX_AGE_SECONDS)
        .header(HttpHeaders.VARY, HttpHeaders.ORIGIN);
  }

  /** The call's outcome in the request's codec; an error is Connect's JSON error body in either. */
  private static MutableHttpResponse<?> answer(Procedure procedure, ConnectDispatcher.Outcome outcome, boolean binary) {
    if (!outcome.status().isOk()) {
      return json(ConnectErrors.of(outcome.status(), outcome.trailers()));
    }
    if (outcome.response() == null) {
      return error(Status.Code.INTERNAL, null, "the call ended without a response");
    }
    if (binary) {
      // The service's own encoding of the response, as the gRPC port would send it.
      return HttpResponse.ok(outcome.response()).contentType(APPLICATION_PROTO_TYPE);
    }
    try {
      return HttpResponse.ok(procedure.print(outcome.response())).contentType(MediaType.APPLICATION_JSON_TYPE);
    } catch (InvalidProtocolBufferException e) {
      return error(Status.Code.INTERNAL, null, "the response could not be printed as JSON");
    }
  }

  /** {@code application/proto} (any case, no parameters): the Connect unary binary codec. */
  static boolean isProto(String contentType) {
    return contentType != null && contentType.trim().toLowerCase(Locale.ROOT).equals(APPLICATION_PROTO);
  }

  /** {@code application/json}, optionally {@code ; charset=utf-8}; nothing else (Connect's JSON is UTF-8). */
  static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    String[] parts = contentType.toLowerCase(Locale.ROOT).split(";");
    if (!parts[0].trim().equals(MediaType.APPLICATION_JSON)) {
      return false;
    }
    for (int i = 1; i < parts.length; i++) {
      String parameter = parts[i].trim().replace(" ", "");
      if (parameter.startsWith("charset=") && !parameter.equals("charset=utf-8") && !parameter.equals("charset=\"utf-8\"")) {
        return false;
      }
    }
    return true;
  }

  private static MutableHttpResponse<String> error(Status.Code code, String reason, String message) {
    return json(ConnectErrors.of(code, reason, message));
  }

  /** An error whose HTTP status is not the code's (413, 415, 405, 404 as HTTP says them). */
  private static MutableHttpResponse<String> error(int httpStatus, Status.Code code, String reason, String message) {
    return json(new ConnectError(httpStatus, ConnectErrors.of(code, reason, message).json()));
  }

  private static MutableHttpResponse<String> json(ConnectError error) {
    // By number: 499 (canceled) has no HttpStatus constant.
    return HttpResponse.<String>status(error.httpStatus(), reasonPhrase(error.httpStatus()))
        .body(error.json())
        .contentType(MediaType.APPLICATION_JSON_TYPE);
  }

  private static String reasonPhrase(int status) {
    if (status == 499) {
      return "Client Closed Request";
    }
    try {
      return io.micronaut.http.HttpStatus.valueOf(status).getReason();
    } catch (IllegalArgumentException e) {
      return "Error";
    }
  }

  private CompletableFuture<MutableHttpResponse<?>> done(MutableHttpResponse<?> response, String origin) {
    return CompletableFuture.completedFuture(withCors(response, origin));
  }

  private <T> MutableHttpResponse<T> withCors(MutableHttpResponse<T> response, String origin) {
    if (cors.allows(origin)) {
      response.header(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, origin).header(HttpHeaders.VARY, HttpHeaders.ORIGIN);
    }
    return response;
  }
}
