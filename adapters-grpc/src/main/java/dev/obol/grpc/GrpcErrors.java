package dev.obol.grpc;

import com.google.protobuf.Any;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import dev.obol.domain.error.FailedPreconditionException;
import dev.obol.domain.error.InvalidArgumentException;
import dev.obol.domain.error.NotFoundException;
import dev.obol.domain.error.ObolException;
import dev.obol.domain.error.PermissionDeniedException;
import dev.obol.domain.error.UnauthenticatedException;
import dev.obol.domain.error.UnavailableException;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where outcomes become gRPC statuses. Each error carries one {@code google.rpc.ErrorInfo} (domain
 * {@value #DOMAIN}, an UPPER_SNAKE reason, and for bad input the offending field in metadata {@code field}). Anything
 * unexpected is logged with the request id and answered INTERNAL without details: never a stack trace to the client.
 */
public final class GrpcErrors {

  public static final String DOMAIN = "obol";
  private static final Logger LOG = LoggerFactory.getLogger(GrpcErrors.class);

  private GrpcErrors() {}

  /** Runs a unary call: answers its result, or the status its failure maps to. */
  public static <T> void unary(String requestId, StreamObserver<T> responses, Supplier<T> call) {
    T response;
    try {
      response = call.get();
    } catch (RuntimeException e) {
      responses.onError(toStatus(e, requestId));
      return;
    }
    responses.onNext(response);
    responses.onCompleted();
  }

  public static StatusRuntimeException toStatus(Throwable failure, String requestId) {
    if (failure instanceof InvalidArgumentException invalid) {
      return status(Code.INVALID_ARGUMENT, invalid, invalid.field());
    }
    if (failure instanceof NotFoundException notFound) {
      return status(Code.NOT_FOUND, notFound, null);
    }
    if (failure instanceof FailedPreconditionException precondition) {
      return status(Code.FAILED_PRECONDITION, precondition, null);
    }
    if (failure instanceof UnavailableException unavailable) {
      return status(Code.UNAVAILABLE, unavailable, null);
    }
    if (failure instanceof UnauthenticatedException unauthenticated) {
      return status(Code.UNAUTHENTICATED, unauthenticated, null);
    }
    if (failure instanceof PermissionDeniedException denied) {
      return status(Code.PERMISSION_DENIED, denied.reason(), denied.getMessage(), null, denied.scope());
    }
    LOG.error("internal error (request_id={})", requestId, failure);
    return status(Code.INTERNAL, "INTERNAL", "internal error; see the server log for request " + requestId, null);
  }

  /** Bad input found by the mapper itself, e.g. an enum value this server does not know. */
  public static InvalidArgumentException invalid(String field, String reason, String message) {
    return new InvalidArgumentException(field, reason, message);
  }

  private static StatusRuntimeException status(Code code, ObolException e, String field) {
    return status(code, e.reason(), e.getMessage(), field);
  }

  private static StatusRuntimeException status(Code code, String reason, String message, String field) {
    return status(code, reason, message, field, null);
  }

  /** @param scope for SCOPE_MISSING: the scope that was needed, in ErrorInfo metadata {@code scope} */
  private static StatusRuntimeException status(
      Code code, String reason, String message, String field, String scope) {
    ErrorInfo.Builder info = ErrorInfo.newBuilder().setDomain(DOMAIN).setReason(reason);
    if (field != null) {
      info.putMetadata("field", field);
    }
    if (scope != null) {
      info.putMetadata("scope", scope);
    }
    com.google.rpc.Status status =
        com.google.rpc.Status.newBuilder()
            .setCode(code.getNumber())
            .setMessage(field != null && !message.startsWith(field) ? field + ": " + message : message)
            .addDetails(Any.pack(info.build()))
            .build();
    return StatusProto.toStatusRuntimeException(status);
  }
}
