package dev.obol.app.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Checks an error the way a client reads it: status code plus the one ErrorInfo (AIP-193). */
public final class GrpcAssertions {

  private GrpcAssertions() {}

  public static ErrorInfo assertError(Status.Code code, String reason, ThrowingCallable call) {
    StatusRuntimeException error = catchThrowableOfType(StatusRuntimeException.class, call);
    assertThat(error).as("expected %s/%s", code, reason).isNotNull();
    assertThat(error.getStatus().getCode()).isEqualTo(code);
    com.google.rpc.Status status = StatusProto.fromThrowable(error);
    assertThat(status).isNotNull();
    assertThat(status.getDetailsList()).hasSize(1);
    try {
      ErrorInfo info = status.getDetails(0).unpack(ErrorInfo.class);
      assertThat(info.getDomain()).isEqualTo("obol");
      assertThat(info.getReason()).isEqualTo(reason);
      assertThat(status.getMessage()).doesNotContain("Exception").doesNotContain("\tat ");
      return info;
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError("details are not an ErrorInfo", e);
    }
  }

  public static void assertInvalidField(String field, String reason, ThrowingCallable call) {
    ErrorInfo info = assertError(Status.Code.INVALID_ARGUMENT, reason, call);
    assertThat(info.getMetadataMap()).containsEntry("field", field);
  }
}
