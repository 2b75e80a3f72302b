package dev.obol.app;

import dev.obol.domain.model.RequestId;
import dev.obol.domain.usecase.ApiKeyUseCases.CreatedKey;
import dev.obol.domain.usecase.CreateApiKeyCommand;
import dev.obol.domain.port.ApiKeyStore;
import dev.obol.domain.security.Caller;
import dev.obol.domain.security.Scope;
import dev.obol.domain.service.ApiKeyService;
import io.micronaut.context.annotation.Property;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first key. With {@code OBOL_BOOTSTRAP_ADMIN_KEY} there is one already. On the embedded default without it, the
 * first start makes an {@code admin} key and writes its secret to {@code OBOL_DATA_DIR/admin-key} (mode 0600), so the
 * README's first steps work on a fresh machine; the log says where it is, never what it is. With an external database
 * and no key at all, the log says how to make the first one.
 */
@Singleton
public class AdminKeyBootstrap {

  static final String FILE_NAME = "admin-key";
  /** Fixed, so a restart after a crash between the insert and the file write finds the key instead of making two. */
  static final RequestId REQUEST_ID = RequestId.of("obol-embedded-admin-key-v1");
  private static final Logger LOG = LoggerFactory.getLogger(AdminKeyBootstrap.class);

  private final DatabaseLocation location;
  private final ApiKeyService keys;
  private final ApiKeyStore store;
  private final Clock clock;
  private final Path dataDir;

  public AdminKeyBootstrap(
      DatabaseLocation location,
      ApiKeyService keys,
      ApiKeyStore store,
      Clock clock,
      @Property(name = "obol.data-dir", defaultValue = "./obol-data") String dataDir) {
    this.location = location;
    this.keys = keys;
    this.store = store;
    this.clock = clock;
    this.dataDir = Path.of(dataDir).toAbsolutePath().normalize();
  }

  @EventListener
  void onStartup(StartupEvent event) {
    if (keys.hasBootstrapKey()) {
      LOG.info("OBOL_BOOTSTRAP_ADMIN_KEY is set: it is accepted as an admin key (key id '{}')", Caller.BOOTSTRAP_KEY_ID);
      return;
    }
    if (location.isEmbedded()) {
      ensureEmbeddedAdminKey();
    } else if (!store.anyUsable(clock.instant())) {
      LOG.warn(
          "No API key exists yet and OBOL_BOOTSTRAP_ADMIN_KEY is not set, so no call can be made. Start Obol once with"
              + " OBOL_BOOTSTRAP_ADMIN_KEY=obol_<a long random secret, e.g. `openssl rand -hex 32`>, create keys with"
              + " AdminService.CreateApiKey, then remove the variable.");
    }
  }

  private void ensureEmbeddedAdminKey() {
    Path file = dataDir.resolve(FILE_NAME);
    if (Files.exists(file)) {
      LOG.info("Admin API key: in {} (export OBOL_API_KEY=$(cat {}))", file, file);
      return;
    }
    CreatedKey created =
        keys.create(
            new CreateApiKeyCommand("embedded-admin", Set.of(Scope.ADMIN), null, null, REQUEST_ID), Caller.SYSTEM);
    if (created.secret() == null) {
      LOG.warn(
          "The embedded default's admin key {} was made before but {} is gone, and its secret is not kept. Revoke it"
              + " and make another with an admin key, or set OBOL_BOOTSTRAP_ADMIN_KEY.",
          created.key().keyId(),
          file);
      return;
    }
    write(file, created.secret());
    LOG.info("Made admin API key {}; its secret is in {} (export OBOL_API_KEY=$(cat {}))", created.key().keyId(), file, file);
  }

  /** Written 0600 from the start (a temporary file, then an atomic move), never readable by others even briefly. */
  private static void write(Path file, String secret) {
    try {
      Files.createDirectories(file.getParent());
      Path temporary =
          Files.createTempFile(
              file.getParent(), ".admin-key", ".tmp", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(temporary, secret + "\n", StandardCharsets.US_ASCII);
      Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the admin key to " + file, e);
    }
  }
}
