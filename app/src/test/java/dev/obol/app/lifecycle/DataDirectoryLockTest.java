package dev.obol.app.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micronaut.context.exceptions.ConfigurationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lock within one JVM; between processes (and after kill -9) LifecycleProcessTest runs real ones. */
class DataDirectoryLockTest {

  @TempDir Path temp;

  @Test
  void the_holder_writes_its_pid_into_a_private_lock_file_in_a_private_directory_it_creates() throws Exception {
    Path dataDir = temp.resolve("new").resolve("obol-data");
    try (DataDirectoryLock lock = DataDirectoryLock.acquire(dataDir)) {
      Path file = dataDir.resolve(DataDirectoryLock.FILE_NAME);
      assertThat(Files.readString(file).strip()).isEqualTo(String.valueOf(ProcessHandle.current().pid()));
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir))).isEqualTo("rwx------");
    }
  }

  @Test
  void a_directory_held_is_refused_naming_OBOL_DATA_DIR_and_the_holder_and_is_free_again_once_released() {
    Path dataDir = temp.resolve("obol-data");
    DataDirectoryLock first = DataDirectoryLock.acquire(dataDir);
    try {
      assertThatThrownBy(() -> DataDirectoryLock.acquire(temp.resolve("other").resolve("..").resolve("obol-data")))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("OBOL_DATA_DIR " + dataDir)
          .hasMessageContaining("pid " + ProcessHandle.current().pid());
      // The refusal did not take the holder's lock with it.
      assertThatThrownBy(() -> DataDirectoryLock.acquire(dataDir)).isInstanceOf(ConfigurationException.class);
    } finally {
      first.close();
    }
    DataDirectoryLock.acquire(dataDir).close();
  }
}
