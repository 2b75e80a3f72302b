package dev.obol.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.ErrorInfo;
import dev.obol.domain.error.FailedPreconditionException;
import dev.obol.domain.error.InvalidArgumentException;
import dev.obol.domain.error.NotFoundException;
import dev.obol.domain.error.PermissionDeniedException;
import dev.obol.domain.error.UnauthenticatedException;
import dev.obol.domain.error.UnavailableException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each domain failure becomes one status code with one ErrorInfo; anything else is INTERNAL and says nothing more. */
class GrpcErrorsTest {

  static Stream<Arguments> domain_failures() {
    return Stream.of(
        Arguments.of(
            new InvalidArgumentException("amount", "OUT_OF_RANGE", "must be positive"),
            Status.Code.INVALID_ARGUMENT, "OUT_OF_RANGE", Map.of("field", "amount"), "amount: must be positive"),
        Arguments.of(
            new NotFoundException("ACCOUNT_NOT_FOUND", "no account a1"),
            Status.Code.NOT_FOUND, "ACCOUNT_NOT_FOUND", Map.of(), "no account a1"),
        Arguments.of(
            FailedPreconditionException.requestIdConflict("r1"),
            Status.Code.FAILED_PRECONDITION, "REQUEST_ID_CONFLICT", Map.of(), null),
        Arguments.of(
            new UnavailableException("PAYMENTS_NOT_CONFIGURED", "payments are off"),
            Status.Code.UNAVAILABLE, "PAYMENTS_NOT_CONFIGURED", Map.of(), "payments are off"),
        Arguments.of(
            new UnauthenticatedException("API_KEY_MISSING", "no key"),
            Status.Code.UNAUTHENTICATED, "API_KEY_MISSING", Map.of(), "no key"),
        Arguments.of(
            PermissionDeniedException.scopeMissing("wallet:debit"),
            Status.Code.PERMISSION_DENIED, "SCOPE_MISSING", Map.of("scope", "wallet:debit"), null),
        Arguments.of(
            PermissionDeniedException.accountNotAllowed(),
            Status.Code.PERMISSION_DENIED, "ACCOUNT_NOT_ALLOWED", Map.of(), null));
  }

  @ParameterizedTest
  @MethodSource("domain_failures")
  void a_domain_failure_is_its_status_code_with_one_error_info(
      RuntimeException failure, Status.Code code, String reason, Map<String, String> metadata, String message)
      throws InvalidProtocolBufferException {
    StatusRuntimeException status = GrpcErrors.toStatus(failure, "req-1");

    assertThat(status.getStatus().getCode()).isEqualTo(code);
    ErrorInfo info = onlyErrorInfo(status);
    assertThat(info.getDomain()).isEqualTo(GrpcErrors.DOMAIN).isEqualTo("obol");
    assertThat(info.getReason()).isEqualTo(reason);
    assertThat(info.getMetadataMap()).isEqualTo(metadata);
    if (message != null) {
      assertThat(status.getStatus().getDescription()).isEqualTo(message);
    }
    assertThat(status.getStatus().getCause()).isNull();
  }

  @Test
  void a_field_already_named_by_the_message_is_not_repeated() throws InvalidProtocolBufferException {
    StatusRuntimeException status =
        GrpcErrors.toStatus(new InvalidArgumentException("amount", "OUT_OF_RANGE", "amount must be positive"), "r");

    assertThat(status.getStatus().getDescription()).isEqualTo("amount must be positive");
  }

  @Test
  void an_unexpected_failure_is_internal_without_its_message_class_or_stack_trace()
      throws InvalidProtocolBufferException {
    IllegalStateException bug = new IllegalStateException("secret detail at dev.obol.Somewhere");

    StatusRuntimeException status = GrpcErrors.toStatus(bug, "req-42");

    assertThat(status.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
    assertThat(status.getStatus().getDescription())
        .isEqualTo("internal error; see the server log for request req-42")
        .doesNotContain("secret", "IllegalStateException", "dev.obol");
    assertThat(status.getStatus().getCause()).isNull();
    ErrorInfo info = onlyErrorInfo(status);
    assertThat(info.getDomain()).isEqualTo("obol");
    assertThat(info.getReason()).isEqualTo("INTERNAL");
    assertThat(info.getMetadataMap()).isEmpty();
  }

  @Test
  void unary_answers_the_result_once_and_completes() {
    RecordingObserver<String> responses = new RecordingObserver<>();

    GrpcErrors.unary("r", responses, () -> "done");

    assertThat(responses.values).containsExactly("done");
    assertThat(responses.completed).isTrue();
    assertThat(responses.error).isNull();
  }

  @Test
  void unary_answers_a_failure_as_its_status_and_nothing_else() {
    RecordingObserver<String> responses = new RecordingObserver<>();

    GrpcErrors.unary("r", responses, () -> {
      throw new NotFoundException("ACCOUNT_NOT_FOUND", "no account");
    });

    assertThat(responses.values).isEmpty();
    assertThat(responses.completed).isFalse();
    assertThat(Status.fromThrowable(responses.error).getCode()).isEqualTo(Status.Code.NOT_FOUND);
  }

  static ErrorInfo onlyErrorInfo(StatusRuntimeException status) throws InvalidProtocolBufferException {
    com.google.rpc.Status rich = StatusProto.fromThrowable(status);
    assertThat(rich).isNotNull();
    assertThat(rich.getDetailsList()).hasSize(1);
    assertThat(rich.getDetails(0).is(ErrorInfo.class)).isTrue();
    return rich.getDetails(0).unpack(ErrorInfo.class);
  }

  static final class RecordingObserver<T> implements StreamObserver<T> {
    final List<T> values = new ArrayList<>();
    Throwable error;
    boolean completed;

    @Override
    public void onNext(T value) {
      values.add(value);
    }

    @Override
    public void onError(Throwable t) {
      error = t;
    }

    @Override
    public void onCompleted() {
      completed = true;
    }
  }
}
