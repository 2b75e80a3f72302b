package dev.obol.app;

import dev.obol.app.lifecycle.ShutdownSequence;
import dev.obol.app.lifecycle.StartupSummary;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.env.Environment;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.runtime.EmbeddedApplication;
import io.micronaut.runtime.Micronaut;
import java.net.BindException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts Obol: the gRPC server, the HTTP server (webhooks) and the scheduled jobs; stops them in order. */
public final class Application extends Micronaut {

  private static final Logger LOG = LoggerFactory.getLogger(Application.class);
  private static final Pattern TRAILING_PORT = Pattern.compile(":([0-9]{1,5})$");

  /** Counted down when the shutdown hook is done; the main thread waits on it, as Micronaut's does. */
  private final CountDownLatch stopped = new CountDownLatch(1);

  private Application() {}

  public static void main(String[] args) {
    Optional<String> logFormat = LogFormat.problem(System.getenv(LogFormat.VARIABLE));
    if (logFormat.isPresent()) {
      // Not through the logger: with a wrong format there is no appender to write it.
      System.err.println("Obol cannot start: " + logFormat.get());
      System.exit(1);
    }
    // The embedded database starts while the context is built (DatabaseLocation takes it): a second or so sooner ready.
    EarlyEmbeddedStart.begin(System.getenv());
    Application application = new Application();
    application.args(args).mainClass(Application.class).banner(false).start();
    application.awaitStop();
  }

  /**
   * Micronaut's {@code Micronaut#start}, with Obol's own start log and shutdown hook. Its hook stops the HTTP server,
   * and with it the gRPC server, before the context, in an order Obol cannot change ({@link ShutdownSequence} says
   * why that is not good enough); a JVM stopped by SIGTERM would then exit 143; and its "Startup completed … Server
   * Running: http://localhost:8080" invites a browser to a 404. Here the one hook closes the context, whose
   * {@link ShutdownSequence} stops everything in order, and exits 0 if that went cleanly.
   */
  @Override
  public ApplicationContext start() {
    long startedNanos = System.nanoTime();
    ApplicationContext context = super.build();
    Thread hook = null;
    try {
      context.start();
      // From here closing the context stops everything, the embedded database last: register the one hook that does,
      // and drop the database's own JVM-exit fallback (kept until now for a start that fails half way).
      ShutdownSequence shutdown = context.getBean(ShutdownSequence.class);
      hook = new Thread(() -> stopOnExit(context, shutdown), "obol-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      context.getBean(DatabaseLocation.class).leaveStopToContext();
      context.getBean(EmbeddedApplication.class).start();
      StartupSummary summary = context.getBean(StartupSummary.class);
      LOG.info(summary.configuration());
      LOG.info(summary.ready(Duration.ofNanos(System.nanoTime() - startedNanos)));
    } catch (Throwable e) {
      if (hook != null) {
        // The start failed: the exit that follows is not a clean stop (and must not exit 0).
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException alreadyExiting) {
          // A SIGTERM during the start: the hook is stopping everything already.
        }
      }
      if (context.isRunning()) {
        context.close();
      }
      handleStartupException(context.getEnvironment(), e);
    }
    return context;
  }

  /**
   * On SIGTERM (or SIGINT, or System.exit): closes the context, which runs the {@link ShutdownSequence}, then halts
   * with 0 if every step went cleanly. Halting is what makes a SIGTERM'd JVM exit 0 instead of 143; it skips other
   * shutdown hooks, and by then none is left that matters (zonky's is off, the database's fallback was dropped).
   */
  private void stopOnExit(ApplicationContext context, ShutdownSequence shutdown) {
    int status;
    try {
      if (context.isRunning()) {
        context.close();
      }
      status = shutdown.stoppedCleanly() ? 0 : 1;
    } catch (RuntimeException e) {
      LOG.error("Stopping Obol failed: {}", e.toString());
      status = 1;
    } finally {
      stopped.countDown();
    }
    Runtime.getRuntime().halt(status);
  }

  private void awaitStop() {
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * A setting the operator got wrong (e.g. an unreadable {@code OBOL_GRPC_TLS_CERT}, an {@code OBOL_DATA_DIR} that
   * another Obol has, a port in use) is one log line naming it, not a stack trace; anything else is left to Micronaut. What had
   * started is stopped: the context if it runs, else the embedded database's own JVM-exit hook.
   */
  @Override
  protected void handleStartupException(Environment environment, Throwable exception) {
    for (Throwable cause = exception; cause != null; cause = cause.getCause()) {
      if (cause instanceof ConfigurationException configuration) {
        LOG.error("Obol cannot start: {}", configuration.getMessage());
        System.exit(1);
      }
      if (cause instanceof BindException) {
        // micronaut-grpc wraps its bind failure as "Unable to start GRPC server: …"; the HTTP server has its own type.
        // Both name the address ("…:50051"); the context, and with it the configuration, is closed by now.
        boolean grpc = false;
        String port = "";
        for (Throwable wrapper = exception; wrapper != cause; wrapper = wrapper.getCause()) {
          String message = String.valueOf(wrapper.getMessage());
          grpc |= message.contains("GRPC server");
          Matcher address = TRAILING_PORT.matcher(message);
          if (port.isEmpty() && address.find()) {
            port = " " + address.group(1);
          }
        }
        LOG.error(
            "Obol cannot start: {}{} is in use by another process (another Obol?)",
            grpc ? "OBOL_GRPC_PORT" : "OBOL_HTTP_PORT",
            port);
        System.exit(1);
      }
    }
    super.handleStartupException(environment, exception);
  }
}
