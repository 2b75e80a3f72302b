package dev.obol.app;

import io.micronaut.runtime.Micronaut;

/** Starts Obol: the gRPC server, the HTTP server (webhooks) and the scheduled jobs. */
public final class Application {

  private Application() {}

  public static void main(String[] args) {
    Micronaut.build(args).mainClass(Application.class).banner(false).start();
  }
}
