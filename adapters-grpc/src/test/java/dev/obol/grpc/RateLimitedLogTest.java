package dev.obol.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class RateLimitedLogTest {

  @Test
  void a_flood_is_cut_to_the_limit_per_window_and_the_next_window_logs_again() throws Exception {
    RateLimitedLog log = new RateLimitedLog(LoggerFactory.getLogger(RateLimitedLogTest.class), 3, 200);
    int written = 0;
    for (int i = 0; i < 1_000; i++) {
      if (log.log("refused {}", i)) {
        written++;
      }
    }
    assertThat(written).isEqualTo(3);
    Thread.sleep(250);
    assertThat(log.log("refused again")).isTrue();
  }
}
