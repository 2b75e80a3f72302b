package dev.obol.grpc;

import org.slf4j.Logger;

/**
 * At most {@code linesMax} warnings per window; the rest are counted and reported in one line when the next window
 * starts, so a flood of bad credentials cannot fill the disk.
 */
final class RateLimitedLog {

  private final Logger log;
  private final int linesMax;
  private final long windowMillis;
  private long windowStart;
  private int lines;
  private long suppressed;

  RateLimitedLog(Logger log, int linesMax, long windowMillis) {
    this.log = log;
    this.linesMax = linesMax;
    this.windowMillis = windowMillis;
  }

  /** @return whether the line was written */
  synchronized boolean log(String format, Object... arguments) {
    long now = System.currentTimeMillis();
    if (now - windowStart >= windowMillis) {
      if (suppressed > 0) {
        log.warn("{} more refusals in the last {} s were not logged", suppressed, windowMillis / 1000);
      }
      windowStart = now;
      lines = 0;
      suppressed = 0;
    }
    if (lines >= linesMax) {
      suppressed++;
      return false;
    }
    lines++;
    log.warn(format, arguments);
    return true;
  }
}
