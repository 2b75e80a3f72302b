package dev.obol.app.connect;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import com.google.rpc.ErrorInfo;
import dev.obol.grpc.GrpcErrors;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import java.util.Base64;
import java.util.Locale;

/**
 * gRPC outcomes as Connect's unary error: the HTTP status Connect maps the code to, and the JSON body {@code {"code":
 * "invalid_argument", "message": "…", "details": [{"type": "google.rpc.ErrorInfo", "value": "<base64>", "debug":
 * {…}}]}} (connectrpc.com/docs/protocol, "Unary-Only Errors"). The statuses themselves are made where they always are
 * (GrpcErrors, behind the same interceptors and endpoints); this only translates them, plus the few refusals the
 * Connect face makes before there is a call (bad JSON, size, media type).
 */
final class ConnectErrors {

  private static final JsonFormat.Printer COMPACT = JsonFormat.printer().omittingInsignificantWhitespace();

  private ConnectErrors() {}

  /** An error the Connect face finds itself: a code, a message, and an ErrorInfo (domain obol) when a reason is given. */
  static ConnectError of(Status.Code code, String reason, String message) {
    com.google.rpc.Status.Builder status = com.google.rpc.Status.newBuilder().setCode(code.value()).setMessage(message);
    if (reason != null) {
      status.addDetails(Any.pack(ErrorInfo.newBuilder().setDomain(GrpcErrors.DOMAIN).setReason(reason).build()));
    }
    return new ConnectError(httpStatus(code), body(code, status.build()));
  }

  /** How a gRPC call ended (not OK) as a Connect error, with the call's google.rpc.Status details. */
  static ConnectError of(Status status, Metadata trailers) {
    com.google.rpc.Status rich = StatusProto.fromStatusAndTrailers(status, trailers);
    return new ConnectError(httpStatus(status.getCode()), body(status.getCode(), rich));
  }

  /** Connect's name of a gRPC code: {@code invalid_argument}, {@code unauthenticated}, … */
  static String codeName(Status.Code code) {
    return code.name().toLowerCase(Locale.ROOT);
  }

  /** Connect's HTTP status for a code (connectrpc.com/docs/protocol, "Error Codes"). */
  static int httpStatus(Status.Code code) {
    return switch (code) {
      case CANCELLED -> 499;
      case UNKNOWN, INTERNAL, DATA_LOSS -> 500;
      case INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE -> 400;
      case DEADLINE_EXCEEDED -> 504;
      case NOT_FOUND -> 404;
      case ALREADY_EXISTS, ABORTED -> 409;
      case PERMISSION_DENIED -> 403;
      case RESOURCE_EXHAUSTED -> 429;
      case UNIMPLEMENTED -> 501;
      case UNAVAILABLE -> 503;
      case UNAUTHENTICATED -> 401;
      // OK is never an error; Connect has no code for it.
      case OK -> 500;
    };
  }

  private static String body(Status.Code code, com.google.rpc.Status status) {
    Struct.Builder error = Struct.newBuilder().putFields("code", string(codeName(code)));
    if (!status.getMessage().isEmpty()) {
      error.putFields("message", string(status.getMessage()));
    }
    if (status.getDetailsCount() > 0) {
      ListValue.Builder details = ListValue.newBuilder();
      for (Any detail : status.getDetailsList()) {
        details.addValues(Value.newBuilder().setStructValue(detail(detail)));
      }
      error.putFields("details", Value.newBuilder().setListValue(details).build());
    }
    try {
      return COMPACT.print(error);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("a Struct always prints", e);
    }
  }

  /** {@code {"type": "google.rpc.ErrorInfo", "value": "<base64 of its bytes>", "debug": <its proto-JSON>}}. */
  private static Struct detail(Any detail) {
    String typeUrl = detail.getTypeUrl();
    String type = typeUrl.substring(typeUrl.lastIndexOf('/') + 1);
    Struct.Builder out =
        Struct.newBuilder()
            .putFields("type", string(type))
            // Connect sends the standard alphabet unpadded, and accepts it padded or not.
            .putFields("value", string(Base64.getEncoder().withoutPadding().encodeToString(detail.getValue().toByteArray())));
    if (detail.is(ErrorInfo.class)) {
      try {
        Struct.Builder debug = Struct.newBuilder();
        JsonFormat.parser().merge(COMPACT.print(detail.unpack(ErrorInfo.class)), debug);
        out.putFields("debug", Value.newBuilder().setStructValue(debug).build());
      } catch (InvalidProtocolBufferException e) {
        // Not an ErrorInfo after all: the value alone says it.
      }
    }
    return out.build();
  }

  private static Value string(String value) {
    return Value.newBuilder().setStringValue(value).build();
  }

  /** An HTTP status and the JSON body to send with it. */
  record ConnectError(int httpStatus, String json) {}
}
