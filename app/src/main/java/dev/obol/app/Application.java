package dev.obol.app;

import io.micronaut.context.env.Environment;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.runtime.Micronaut;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts Obol: the gRPC server, the HTTP server (webhooks) and the scheduled jobs. */
public final class Application extends Micronaut {

  private static final Logger LOG = LoggerFactory.getLogger(Application.class);

  private Application() {}

  public static void main(String[] args) {
    new Application().args(args).mainClass(Application.class).banner(false).start();
  }

  /**
   * A setting the operator got wrong (e.g. an unreadable {@code OBOL_GRPC_TLS_CERT}) is one log line naming it, not a
   * stack trace; anything else is left to Micronaut. Shutdown hooks stop what had started (the embedded database).
   */
  @Override
  protected void handleStartupException(Environment environment, Throwable exception) {
    for (Throwable cause = exception; cause != null; cause = cause.getCause()) {
      if (cause instanceof ConfigurationException configuration) {
        LOG.error("Obol cannot start: {}", configuration.getMessage());
        System.exit(1);
      }
    }
    super.handleStartupException(environment, exception);
  }
}
