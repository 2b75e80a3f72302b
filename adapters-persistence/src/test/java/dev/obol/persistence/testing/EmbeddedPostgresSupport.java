package dev.obol.persistence.testing;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** For tests of the embedded default itself (not the shared TestDatabase): skip where it cannot run. */
public final class EmbeddedPostgresSupport {

  private EmbeddedPostgresSupport() {}

  /**
   * As root, zonky runs postgres in a user namespace; where those are blocked CI uses Debian's server instead
   * (.ci/run), and a test of the embedded server is skipped with the reason, not failed.
   */
  public static void assumeEmbeddedPostgresCanRun() throws Exception {
    if ("root".equals(System.getProperty("user.name"))) {
      Process unshare = new ProcessBuilder("unshare", "-U", "true").redirectErrorStream(true).start();
      boolean ok = unshare.waitFor(10, TimeUnit.SECONDS) && unshare.exitValue() == 0;
      Assumptions.assumeTrue(ok, "user namespaces are blocked: the embedded PostgreSQL cannot run here as root");
    }
  }
}
