package dev.obol.domain.testing;

import dev.obol.domain.payment.PaymentEvent;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;

/** An instance of any event type, every field empty (null, 0, false): for tests about the type, not its content. */
public final class AnyPaymentEvent {

  private AnyPaymentEvent() {}

  public static PaymentEvent of(Class<?> type) {
    if (!type.isRecord()) {
      throw new IllegalArgumentException(type + " is not a record; every PaymentEvent is");
    }
    RecordComponent[] components = type.getRecordComponents();
    Class<?>[] types = Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new);
    Object[] values = Arrays.stream(types).map(AnyPaymentEvent::empty).toArray();
    try {
      Constructor<?> canonical = type.getDeclaredConstructor(types);
      return (PaymentEvent) canonical.newInstance(values);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot make an empty " + type.getSimpleName(), e);
    }
  }

  private static Object empty(Class<?> type) {
    if (type == boolean.class) {
      return false;
    }
    if (type == long.class) {
      return 0L;
    }
    if (type == int.class) {
      return 0;
    }
    if (type.isPrimitive()) {
      throw new IllegalArgumentException("no empty value for " + type);
    }
    return null;
  }
}
