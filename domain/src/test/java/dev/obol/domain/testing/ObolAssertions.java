package dev.obol.domain.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.obol.domain.error.InvalidArgumentException;
import dev.obol.domain.error.ObolException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Assertions on the domain's errors: the exception type, its machine-readable reason and, for bad input, the field. */
public final class ObolAssertions {

  private ObolAssertions() {}

  public static void assertInvalidArgument(ThrowingCallable call, String field, String reason) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            InvalidArgumentException.class,
            e -> {
              assertThat(e.field()).as("field").isEqualTo(field);
              assertThat(e.reason()).as("reason").isEqualTo(reason);
            });
  }

  public static void assertFails(ThrowingCallable call, Class<? extends ObolException> type, String reason) {
    assertThatThrownBy(call)
        .isInstanceOf(type)
        .extracting(e -> ((ObolException) e).reason())
        .as("reason")
        .isEqualTo(reason);
  }
}
