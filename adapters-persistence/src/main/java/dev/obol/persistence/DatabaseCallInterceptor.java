package dev.obol.persistence;

import dev.obol.domain.error.ObolException;
import io.micronaut.aop.InterceptorBean;
import io.micronaut.aop.MethodInterceptor;
import io.micronaut.aop.MethodInvocationContext;
import io.micronaut.core.order.Ordered;

/** What {@link DatabaseCall} does around each repository method. */
@InterceptorBean(DatabaseCall.class)
final class DatabaseCallInterceptor implements MethodInterceptor<Object, Object> {

  private final DatabaseReachability reachability;

  DatabaseCallInterceptor(DatabaseReachability reachability) {
    this.reachability = reachability;
  }

  /** Outermost: it sees the failure of the whole call, including any advice of Micronaut Data's around it. */
  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE;
  }

  @Override
  public Object intercept(MethodInvocationContext<Object, Object> context) {
    String what = context.getDeclaringType().getSimpleName() + "." + context.getMethodName();
    reachability.check(what);
    try {
      return context.proceed();
    } catch (ObolException e) {
      throw e;
    } catch (RuntimeException e) {
      // Anything else (a constraint, a serialization failure the unit of work retries) is left as it was thrown.
      if (DatabaseFailures.isUnreachable(e)) {
        throw DatabaseFailures.unavailable(what, DatabaseFailures.summary(e));
      }
      throw e;
    }
  }
}
