package dev.obol.app;

import dev.obol.domain.error.UnavailableException;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * How one scheduled job's runs end, in one place: a run that finds the database unavailable is skipped with ONE line
 * for the whole outage (not a stack trace per run: the notification poll runs every 5 s), the first run that works
 * again says how many were skipped, and any other failure is logged with its stack (it is a bug or a data problem,
 * and the next run retries).
 *
 * <p>One instance per job method; the scheduler never runs one method twice at once, and the counter is only read
 * and written by that method's runs.
 */
public final class JobRun {

  private final Logger log;
  private final String job;
  private long skippedInRow;
  private boolean lastSkipped;

  public JobRun(Logger log, String job) {
    this.log = log;
    this.job = job;
  }

  /**
   * Runs {@code body}; returns what it returned, or null when the run was skipped or failed (both logged).
   */
  public <T> T run(Supplier<T> body) {
    T result;
    try {
      result = body.get();
    } catch (UnavailableException e) {
      lastSkipped = true;
      if (skippedInRow++ == 0) {
        log.warn("{} skipped: unavailable ({}); the next runs retry, quietly until one works", job, e.reason());
      }
      return null;
    } catch (RuntimeException e) {
      lastSkipped = false;
      log.error("{} failed; the next run retries", job, e);
      return null;
    }
    lastSkipped = false;
    if (skippedInRow > 0) {
      log.info("{} runs again after {} skipped run(s)", job, skippedInRow);
      skippedInRow = 0;
    }
    return result;
  }

  /** Whether the last run was skipped for an unavailable database. */
  public boolean lastSkipped() {
    return lastSkipped;
  }
}
