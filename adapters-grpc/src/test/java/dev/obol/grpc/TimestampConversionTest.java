package dev.obol.grpc;

import static dev.obol.domain.testing.ObolAssertions.assertInvalidArgument;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** WalletProtoMapper.instant is the one checked conversion of a request's Timestamp: nothing is normalised. */
class TimestampConversionTest {

  @ParameterizedTest
  @CsvSource({
    "1767225600, -1",
    "1767225600, 1000000000",
    "1767225600, -2147483648",
    "1767225600, 2147483647",
    "-62135596801, 0",
    "253402300800, 0",
    "-9223372036854775808, 0",
    "9223372036854775807, 0"
  })
  void nanos_or_seconds_outside_the_timestamp_range_are_invalid(long seconds, int nanos) {
    Timestamp timestamp = Timestamp.newBuilder().setSeconds(seconds).setNanos(nanos).build();
    assertInvalidArgument(() -> WalletProtoMapper.instant(timestamp, "expires_at"), "expires_at", "INVALID_TIMESTAMP");
  }

  @ParameterizedTest
  @CsvSource({
    "0, 0, 1970-01-01T00:00:00Z",
    "1767225600, 999999999, 2026-01-01T00:00:00.999999999Z",
    "-62135596800, 0, 0001-01-01T00:00:00Z",
    "253402300799, 999999999, 9999-12-31T23:59:59.999999999Z"
  })
  void valid_timestamps_convert_exactly(long seconds, int nanos, String expected) {
    Timestamp timestamp = Timestamp.newBuilder().setSeconds(seconds).setNanos(nanos).build();
    assertThat(WalletProtoMapper.instant(timestamp, "as_of")).isEqualTo(Instant.parse(expected));
  }
}
