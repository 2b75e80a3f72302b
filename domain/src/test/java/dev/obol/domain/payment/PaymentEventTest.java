package dev.obol.domain.payment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.obol.domain.testing.AnyPaymentEvent;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Belt and braces to the compiler: every event type reaches its own handler method, and only that one. */
class PaymentEventTest {

  @Test
  void everyEventTypeIsDispatchedToTheHandlerMethodForItsType() {
    Class<?>[] types = PaymentEvent.class.getPermittedSubclasses();
    assertThat(types).isNotEmpty();

    for (Class<?> type : types) {
      List<Method> called = new ArrayList<>();
      @SuppressWarnings("unchecked")
      PaymentEvent.Handler<Object> recording =
          (PaymentEvent.Handler<Object>)
              Proxy.newProxyInstance(
                  PaymentEvent.Handler.class.getClassLoader(),
                  new Class<?>[] {PaymentEvent.Handler.class},
                  (proxy, method, args) -> {
                    called.add(method);
                    return type.getSimpleName();
                  });

      Object result = AnyPaymentEvent.of(type).accept(recording);

      assertThat(result).as(type.getSimpleName()).isEqualTo(type.getSimpleName());
      assertThat(called).as(type.getSimpleName()).singleElement().satisfies(method -> {
        assertThat(method.getName()).isEqualTo("on" + type.getSimpleName());
        assertThat(method.getParameterTypes()).containsExactly(type);
      });
    }
  }

  @Test
  void theHandlerHasOneMethodPerEventTypeAndNoOther() {
    List<Class<?>> handled =
        Arrays.stream(PaymentEvent.Handler.class.getDeclaredMethods())
            .map(method -> method.getParameterTypes()[0])
            .toList();

    assertThat(handled).containsExactlyInAnyOrder(PaymentEvent.class.getPermittedSubclasses());
  }
}
