package dev.obol.domain.service;

import dev.obol.domain.port.Activity;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Holds what a write tells {@link Activity} until its transaction has committed. A service opens it around the
 * store's transaction ({@link #around}); the work inside records facts ({@link #record}), even code that does not
 * own the transaction (the {@link GrantWriter}, deep inside a provider event's processing); each attempt of the
 * transaction starts afresh ({@link #attempt}), because the store retries a serialization failure and the rolled back
 * attempt's facts did not happen. Nothing is told when the transaction throws.
 *
 * <p>The buffer belongs to the thread that called {@link #around} (the domain is synchronous); a nested
 * {@link #around} joins the outer one, which tells everything once, at its end. A store may run the unit of work on
 * a thread of its own (the commit pipeline's writers), so the work handed to a store is {@link #carried}: it takes
 * the caller's buffer along, while the caller waits for it.
 */
final class AfterCommit {

  private static final ThreadLocal<List<Consumer<Activity>>> OPEN = new ThreadLocal<>();

  private AfterCommit() {}

  /** Runs the transaction, then tells what it recorded (only if it returned). */
  static <T> T around(Activity activity, Supplier<T> transaction) {
    if (OPEN.get() != null) {
      return transaction.get();
    }
    List<Consumer<Activity>> facts = new ArrayList<>();
    OPEN.set(facts);
    T answer;
    try {
      answer = transaction.get();
    } finally {
      OPEN.remove();
    }
    for (Consumer<Activity> fact : facts) {
      try {
        fact.accept(activity);
      } catch (RuntimeException ignored) {
        // Telling must never fail a committed write; the implementations do not throw, this is a last guard.
      }
    }
    return answer;
  }

  /**
   * {@code work} as a store may run it on another thread: it records into the buffer open here, on the calling thread,
   * wherever it runs. The caller is blocked until the store answers, and the store's answer (a future's completion)
   * orders the work's writes to the buffer before the caller reads it, so the buffer is never used by two threads at
   * once.
   */
  static <S, T> Function<S, T> carried(Function<S, T> work) {
    List<Consumer<Activity>> facts = OPEN.get();
    if (facts == null) {
      return work;
    }
    return session -> {
      List<Consumer<Activity>> before = OPEN.get();
      OPEN.set(facts);
      try {
        return work.apply(session);
      } finally {
        if (before == null) {
          OPEN.remove();
        } else {
          OPEN.set(before);
        }
      }
    };
  }

  /** At the start of each attempt of the transaction: what an earlier, rolled back attempt recorded is dropped. */
  static void attempt() {
    List<Consumer<Activity>> facts = OPEN.get();
    if (facts != null) {
      facts.clear();
    }
  }

  /** A fact to tell after the commit; outside {@link #around} it is dropped (nobody would know when to tell it). */
  static void record(Consumer<Activity> fact) {
    List<Consumer<Activity>> facts = OPEN.get();
    if (facts != null) {
      facts.add(fact);
    }
  }
}
