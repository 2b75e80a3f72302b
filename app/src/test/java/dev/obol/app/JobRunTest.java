package dev.obol.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.obol.domain.error.UnavailableException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class JobRunTest {

  private final Logger log = (Logger) LoggerFactory.getLogger("JobRunTest");
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
  private final JobRun runs = new JobRun(log, "test job");

  @BeforeEach
  void capture() {
    lines.start();
    log.addAppender(lines);
    log.setLevel(Level.DEBUG);
  }

  @Test
  void anOutageIsOneLineForAllItsSkippedRunsAndTheReturnIsAnother() {
    for (int i = 0; i < 5; i++) {
      Integer result = runs.run(() -> {
        throw new UnavailableException("DATABASE_UNAVAILABLE", "the database is unavailable");
      });
      assertThat(result).isNull();
      assertThat(runs.lastSkipped()).isTrue();
    }
    assertThat(lines.list).hasSize(1);
    ILoggingEvent skipped = lines.list.get(0);
    assertThat(skipped.getLevel()).isEqualTo(Level.WARN);
    assertThat(skipped.getFormattedMessage()).contains("test job skipped", "DATABASE_UNAVAILABLE");
    assertThat(skipped.getThrowableProxy()).as("no stack trace for an outage").isNull();

    assertThat(runs.run(() -> 7)).isEqualTo(7);
    assertThat(runs.lastSkipped()).isFalse();
    assertThat(lines.list).hasSize(2);
    assertThat(lines.list.get(1).getFormattedMessage()).contains("runs again after 5 skipped run(s)");

    runs.run(() -> 8);
    assertThat(lines.list).as("a normal run writes nothing").hasSize(2);
  }

  @Test
  void anyOtherFailureIsLoggedWithItsStackEveryTime() {
    for (int i = 0; i < 2; i++) {
      runs.run(() -> {
        throw new IllegalStateException("a bug");
      });
    }
    assertThat(lines.list).hasSize(2);
    assertThat(lines.list).allSatisfy(line -> {
      assertThat(line.getLevel()).isEqualTo(Level.ERROR);
      assertThat(line.getThrowableProxy()).isNotNull();
    });
    assertThat(runs.lastSkipped()).isFalse();
  }
}
