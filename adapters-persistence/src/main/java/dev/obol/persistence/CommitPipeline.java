package dev.obol.persistence;

import dev.obol.domain.error.ObolException;
import dev.obol.domain.error.UnavailableException;
import dev.obol.domain.model.AccountId;
import dev.obol.domain.port.AccountStore.LockMode;
import dev.obol.domain.port.AccountStore.Prefetch;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Many account transactions in one database transaction and one commit: how a debit reaches the disk.
 *
 * <p>A caller's unit of work on an account ({@link #run}) is queued to one of a few writer threads, chosen by the
 * account ({@code hash(account) mod writers}), and the caller waits. A writer takes everything that has queued for it
 * (up to {@link Settings#batchMax}), sorts it by account (a stable sort: on one account, the order of acceptance is
 * kept), and runs each unit of work exactly as a transaction of its own would (lock the account, read, write) but all
 * in one transaction, then commits once. Only after that COMMIT has returned are the callers answered. While a batch
 * commits, the next one gathers: batches grow with the load by themselves, and a lone call waits for no timer. In a
 * batch, a unit of work's held-back writes travel with the next one's lock (one round trip per debit instead of two;
 * {@link PostgresSession#inOpenTransactionCarrying}); the last one's are sent before the commit.
 *
 * <p>Why it is safe:
 * <ul>
 *   <li>Every unit of work still runs under its account's row lock, which the batch holds until its commit; a unit of
 *       work later in the batch reads what the earlier ones wrote (READ COMMITTED sees the transaction's own writes),
 *       so the balance check and the idempotency check are as race-free as alone, also against another instance.
 *   <li>Answers are released after the commit only. If the commit fails, or the database becomes unreachable, every
 *       member is answered with that failure and nothing of the batch is applied ({@code UNAVAILABLE}: the callers
 *       retry with their request ids; a commit sent and never answered may have been applied, which the stored first
 *       answer makes safe, as for a transaction of one).
 *   <li>A member that fails (a rule of the domain, a statement the database refuses) fails alone: the batch rolls back
 *       and runs again without it (its failure was decided on the state its predecessors left, which the re-run
 *       recreates). When the statement that failed carried two members' writes, the batch first runs again with each
 *       member's writes sent on their own, which tells whose failure it was. After {@value #RERUNS_MAX} such re-runs the rest run one transaction each, so a batch of failures
 *       costs at most linear work.
 *   <li>Accounts are locked in the order of their ids in every batch, so two writers, or two instances, cannot
 *       deadlock on them; a deadlock or serialization failure all the same re-runs the batch ({@link Transactions}).
 *   <li>One account always goes to the same writer, and a writer's queue is first in, first out: two debits on one
 *       wallet are applied in the order they were accepted.
 *   <li>A crash loses only what was not committed, and nothing uncommitted was answered.
 * </ul>
 *
 * <p>A unit of work runs on the writer's thread, so it must not rely on the caller's thread-locals: the API key it
 * stamps is taken on the caller's thread ({@code keyId}), the domain carries its after-commit buffer along. A unit of
 * work that opens another account transaction from inside a writer (none does today) runs it in a transaction of its
 * own instead of queueing behind itself.
 */
public final class CommitPipeline implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(CommitPipeline.class);

  /** Re-runs of a batch after failed members before the rest run one transaction each. */
  static final int RERUNS_MAX = 3;

  /** How long a caller waits for room in a full queue before it is told to come back. */
  private static final Duration QUEUE_WAIT = Duration.ofSeconds(2);

  /**
   * @param writers the writer threads (and database connections while they commit)
   * @param batchMax the most units of work in one transaction (the lock hold time of a hot wallet grows with it)
   * @param queueMax the most units of work waiting per writer; more callers wait up to 2 s, then get UNAVAILABLE
   */
  public record Settings(int writers, int batchMax, int queueMax) {
    public Settings {
      if (writers < 1 || writers > 64) {
        throw new IllegalArgumentException("commit pipeline writers must be 1..64, not " + writers);
      }
      if (batchMax < 1 || batchMax > 10_000) {
        throw new IllegalArgumentException("commit pipeline batch-max must be 1..10000, not " + batchMax);
      }
      if (queueMax < batchMax || queueMax > 1_000_000) {
        throw new IllegalArgumentException(
            "commit pipeline queue-max must be batch-max.." + 1_000_000 + ", not " + queueMax);
      }
    }
  }

  private final Transactions transactions;
  private final AccountTables tables;
  private final Settings settings;
  private final Writer[] writers;
  private volatile boolean closed;
  private final AtomicLong batchesCommitted = new AtomicLong();
  private final AtomicLong membersCommitted = new AtomicLong();

  public CommitPipeline(Transactions transactions, AccountTables tables, Settings settings) {
    this.transactions = transactions;
    this.tables = tables;
    this.settings = settings;
    this.writers = new Writer[settings.writers()];
    for (int i = 0; i < writers.length; i++) {
      writers[i] = new Writer(i);
      writers[i].thread.start();
    }
  }

  public Settings settings() {
    return settings;
  }

  /** Batches committed so far and the units of work they carried (their ratio is the mean batch size). */
  public record Stats(long batches, long members) {}

  public Stats stats() {
    return new Stats(batchesCommitted.get(), membersCommitted.get());
  }

  /** Units of work waiting for a writer now. */
  public int queued() {
    int queued = 0;
    for (Writer writer : writers) {
      queued += writer.queue.size();
    }
    return queued;
  }

  /**
   * Runs {@code work} on the locked account in the next batch of its writer and returns its answer once that batch
   * has committed; throws what the work threw, or the batch's failure.
   */
  <T> T run(
      AccountId accountId,
      LockMode mode,
      Prefetch prefetch,
      String keyId,
      Function<? super PostgresSession, ? extends T> work) {
    if (closed || Thread.currentThread() instanceof WriterThread) {
      // Stopping: what still comes (a call that was in flight) commits on its own, after the queues drained.
      return transactions.inAccountTransaction(accountId, mode, prefetch, keyId, work);
    }
    Member<T> member = new Member<>(accountId, mode, prefetch, keyId, work);
    Writer writer = writers[Math.floorMod(accountId.value().hashCode(), writers.length)];
    try {
      if (!writer.queue.offer(member, QUEUE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new UnavailableException(
            "OVERLOADED", "Obol's commit queue is full; retry with the same request_id");
      }
      return member.answer.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnavailableException(
          DatabaseFailures.REASON, "interrupted while waiting for the commit; retry with the same request_id");
    } catch (ExecutionException e) {
      Throwable failure = e.getCause();
      if (failure instanceof RuntimeException unchecked) {
        throw unchecked;
      }
      if (failure instanceof Error error) {
        throw error;
      }
      throw new PersistenceException("account transaction on " + accountId + " failed", failure);
    }
  }

  /** Stops taking work, lets the writers commit what has queued, and waits for them (at most {@code wait}). */
  public void close(Duration wait) {
    closed = true;
    long deadline = System.nanoTime() + wait.toNanos();
    for (Writer writer : writers) {
      try {
        writer.thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(10));
  }

  /** One caller's unit of work, its tentative answer in the batch, and the answer it gets after the commit. */
  private final class Member<T> {
    final AccountId accountId;
    final LockMode mode;
    final Prefetch prefetch;
    final String keyId;
    final Function<? super PostgresSession, ? extends T> work;
    final CompletableFuture<T> answer = new CompletableFuture<>();
    T tentative;

    Member(
        AccountId accountId,
        LockMode mode,
        Prefetch prefetch,
        String keyId,
        Function<? super PostgresSession, ? extends T> work) {
      this.accountId = accountId;
      this.mode = mode;
      this.prefetch = prefetch;
      this.keyId = keyId;
      this.work = work;
    }

    /**
     * Its part of the batch's transaction; a failure of its own as {@link MemberFailed}, the batch's as it is.
     *
     * @param carried the writes the member before it held back, to be sent with this one's lock (null: none)
     * @return its own held-back writes, for the next member or the commit (null: none)
     */
    PendingWrites.Statement runIn(Connection connection, PendingWrites.Statement carried) throws SQLException {
      PostgresSession.Carried<T> done;
      try {
        done =
            PostgresSession.inOpenTransactionCarrying(
                connection, tables, accountId, mode, prefetch, keyId, carried, work);
      } catch (SQLException | RuntimeException e) {
        if (failsTheBatch(e)) {
          throw e;
        }
        if (carried != null && e instanceof SQLException) {
          // The statement that failed also carried the previous member's writes: whose failure it is is not known.
          throw new UnattributedFailure(e);
        }
        throw new MemberFailed(this, e);
      }
      tentative = done.result();
      return done.writes();
    }

    /** Its held-back writes sent on their own, as the batch's last statement before the commit. */
    void send(Connection connection, PendingWrites.Statement writes) throws SQLException {
      try {
        writes.execute(connection);
      } catch (SQLException e) {
        if (failsTheBatch(e)) {
          throw e;
        }
        throw new MemberFailed(this, e);
      }
    }

    /** Its part of the batch, sending its writes before the next member starts (a re-run that must attribute). */
    void runInAlone(Connection connection) throws SQLException {
      try {
        tentative = PostgresSession.inOpenTransaction(connection, tables, accountId, mode, prefetch, keyId, work);
      } catch (SQLException | RuntimeException e) {
        if (failsTheBatch(e)) {
          throw e;
        }
        throw new MemberFailed(this, e);
      }
    }

    /** Alone, in a transaction of its own. */
    void runAlone() {
      try {
        answer.complete(transactions.inAccountTransaction(accountId, mode, prefetch, keyId, work));
      } catch (RuntimeException | Error e) {
        answer.completeExceptionally(e);
      }
    }

    String what() {
      return "transaction on account " + accountId;
    }
  }

  /**
   * What ends the whole batch rather than one member: the database gone (nobody's work can commit), or a deadlock
   * or serialization failure (the batch runs again from scratch).
   */
  private static boolean failsTheBatch(Throwable failure) {
    if (failure instanceof UnavailableException || DatabaseFailures.isUnreachable(failure)) {
      return true;
    }
    if (failure instanceof ObolException) {
      return false;
    }
    return Transactions.retryable(failure);
  }

  /**
   * A statement that carried two members' work failed: the batch rolls back and runs again with each member's writes
   * sent on their own, which tells whose failure it is.
   */
  private static final class UnattributedFailure extends RuntimeException {
    UnattributedFailure(Throwable cause) {
      super(cause.getMessage(), cause, false, false);
    }
  }

  /** One member failed on its own; the batch rolls back and runs again without it. */
  private static final class MemberFailed extends RuntimeException {
    final Member<?> member;

    MemberFailed(Member<?> member, Throwable cause) {
      super(cause.getMessage(), cause, false, false);
      this.member = member;
    }
  }

  private static final class WriterThread extends Thread {
    WriterThread(Runnable loop, String name) {
      super(loop, name);
      setDaemon(true);
    }
  }

  private final class Writer {
    final BlockingQueue<Member<?>> queue = new ArrayBlockingQueue<>(settings.queueMax());
    final Thread thread;

    Writer(int index) {
      this.thread = new WriterThread(this::loop, "obol-commit-" + index);
    }

    private void loop() {
      List<Member<?>> batch = new ArrayList<>(settings.batchMax());
      while (true) {
        Member<?> first;
        try {
          first = queue.poll(50, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          first = null; // only close() ends the loop, once the queue is empty
        }
        if (first == null) {
          if (closed && queue.isEmpty()) {
            return;
          }
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, settings.batchMax() - 1);
        try {
          commit(batch);
        } catch (Throwable unexpected) {
          // commit() answers every member itself; this is a last guard so no caller waits forever.
          for (Member<?> member : batch) {
            member.answer.completeExceptionally(unexpected);
          }
          LOG.error("commit pipeline: a batch failed unexpectedly", unexpected);
        }
        batch.clear();
      }
    }
  }

  /** One batch: run it, take out the members that fail alone, commit, then answer. */
  private void commit(List<Member<?>> batch) {
    List<Member<?>> live = new ArrayList<>(batch);
    live.sort(Comparator.comparing(member -> member.accountId.value()));
    boolean carrying = true;
    for (int rerun = 0; !live.isEmpty(); rerun++) {
      if (rerun > RERUNS_MAX) {
        live.forEach(Member::runAlone);
        return;
      }
      List<Member<?>> members = live;
      boolean carry = carrying;
      try {
        transactions.inTransaction(
            members.size() == 1 ? members.get(0).what() : "a batch of " + members.size() + " account transactions",
            connection -> {
              if (!carry) {
                for (Member<?> member : members) {
                  member.runInAlone(connection);
                }
                return null;
              }
              PendingWrites.Statement writes = null;
              for (Member<?> member : members) {
                writes = member.runIn(connection, writes);
              }
              if (writes != null) {
                members.get(members.size() - 1).send(connection, writes);
              }
              return null;
            });
      } catch (UnattributedFailure unattributed) {
        carrying = false;
        continue;
      } catch (MemberFailed failed) {
        Throwable cause = failed.getCause();
        failed.member.answer.completeExceptionally(Transactions.failed(failed.member.what(), cause));
        live = new ArrayList<>(live);
        live.remove(failed.member);
        continue;
      } catch (RuntimeException | Error batchFailure) {
        for (Member<?> member : members) {
          member.answer.completeExceptionally(batchFailure);
        }
        return;
      }
      batchesCommitted.incrementAndGet();
      membersCommitted.addAndGet(members.size());
      for (Member<?> member : members) {
        complete(member);
      }
      return;
    }
  }

  private static <T> void complete(Member<T> member) {
    member.answer.complete(member.tentative);
  }
}
