package dev.obol.client;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import java.util.Map;
import java.util.Optional;

/**
 * Every failed call of an {@link ObolClient}: one type, so a caller catches one thing and switches on {@link #reason()}
 * (the contract's stable UPPER_SNAKE name, e.g. {@code REQUEST_ID_CONFLICT}), not on message text.
 *
 * <p>Obol puts one {@code google.rpc.ErrorInfo} (domain {@code obol}) in each error's status details; this exception
 * unpacks it. A failure Obol did not answer itself (no connection, a deadline, a proxy in between) has the gRPC code
 * only: an empty reason and domain and no metadata.
 *
 * <p>A denial (an insufficient balance, a suspended account) is not an error: it is {@code allowed = false} in the
 * response.
 */
public final class ObolException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final Status.Code code;
  private final String reason;
  private final String domain;
  private final Map<String, String> metadata;

  ObolException(Status.Code code, String message, String reason, String domain, Map<String, String> metadata,
      Throwable cause) {
    super(code + (message == null || message.isEmpty() ? "" : ": " + message)
        + (reason.isEmpty() ? "" : " [" + reason + "]"), cause);
    this.code = code;
    this.reason = reason;
    this.domain = domain;
    this.metadata = Map.copyOf(metadata);
  }

  /** Reads the status, and the ErrorInfo in its details if there is one, of a failed gRPC call. */
  static ObolException from(Throwable failure) {
    Status status = Status.fromThrowable(failure);
    com.google.rpc.Status details = StatusProto.fromThrowable(failure);
    if (details != null) {
      for (Any detail : details.getDetailsList()) {
        if (detail.is(ErrorInfo.class)) {
          try {
            ErrorInfo info = detail.unpack(ErrorInfo.class);
            return new ObolException(status.getCode(), details.getMessage(), info.getReason(), info.getDomain(),
                info.getMetadataMap(), failure);
          } catch (InvalidProtocolBufferException malformed) {
            break; // a detail we cannot read: the code alone still says what happened
          }
        }
      }
    }
    return new ObolException(status.getCode(), status.getDescription(), "", "", Map.of(), failure);
  }

  /** The gRPC status code, e.g. {@code INVALID_ARGUMENT}, {@code FAILED_PRECONDITION}, {@code UNAUTHENTICATED}. */
  public Status.Code code() {
    return code;
  }

  /** The ErrorInfo reason, e.g. {@code API_KEY_INVALID}; empty when the failure did not come from Obol. */
  public String reason() {
    return reason;
  }

  /** The ErrorInfo domain: {@code obol} for Obol's own errors, else empty. */
  public String domain() {
    return domain;
  }

  /** The request field a bad argument was found in (ErrorInfo metadata {@code field}), e.g. {@code account_id}. */
  public Optional<String> field() {
    return Optional.ofNullable(metadata.get("field"));
  }

  /** All ErrorInfo metadata, e.g. {@code field}, or {@code scope} for SCOPE_MISSING; immutable. */
  public Map<String, String> metadata() {
    return metadata;
  }
}
