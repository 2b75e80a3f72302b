package dev.obol.app.lifecycle;

import io.micronaut.context.exceptions.ConfigurationException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One Obol per data directory: an exclusive lock on {@code OBOL_DATA_DIR/obol.lock}, taken before the embedded
 * PostgreSQL starts and released after it stopped. The operating system releases it when the process ends however it
 * ends, so a kill -9 leaves no stale lock behind (the file stays; only the lock counts). The file holds the holder's
 * pid, so a second instance can say which process has the directory.
 *
 * <p>Locks taken in this JVM are also kept in {@link #HELD}: a POSIX lock belongs to the process, so a second
 * {@code tryLock} from the same JVM would not fail the usual way, and closing a second channel on the file would drop
 * the first one's lock.
 */
public final class DataDirectoryLock implements AutoCloseable {

  public static final String FILE_NAME = "obol.lock";

  private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();
  private static final FileAttribute<?> OWNER_ONLY_DIRECTORY =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
  private static final FileAttribute<?> OWNER_ONLY_FILE =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

  private final Path directory;
  private final FileChannel channel;
  private final FileLock lock;

  private DataDirectoryLock(Path directory, FileChannel channel, FileLock lock) {
    this.directory = directory;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the data directory (created, mode 0700, when missing) for this process.
   *
   * @throws ConfigurationException naming {@code OBOL_DATA_DIR} and the holder's pid when another process has it
   */
  public static DataDirectoryLock acquire(Path dataDirectory) {
    Path directory = dataDirectory.toAbsolutePath().normalize();
    if (!HELD.add(directory)) {
      throw inUse(directory, String.valueOf(ProcessHandle.current().pid()) + ", this process");
    }
    try {
      createPrivately(directory);
      Path file = directory.resolve(FILE_NAME);
      FileChannel channel =
          isPosix()
              ? FileChannel.open(
                  file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE), OWNER_ONLY_FILE)
              : FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock lock = channel.tryLock();
      if (lock == null) {
        String holder = readHolder(channel);
        channel.close();
        throw inUse(directory, holder);
      }
      channel.truncate(0);
      channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
      channel.force(true);
      return new DataDirectoryLock(directory, channel, lock);
    } catch (IOException e) {
      HELD.remove(directory);
      throw new UncheckedIOException("cannot lock " + directory.resolve(FILE_NAME), e);
    } catch (RuntimeException e) {
      HELD.remove(directory);
      throw e;
    }
  }

  private static ConfigurationException inUse(Path directory, String holder) {
    return new ConfigurationException(
        "OBOL_DATA_DIR "
            + directory
            + " is in use by another Obol (pid "
            + holder
            + "); stop that one first, or give this one another OBOL_DATA_DIR");
  }

  /** The pid the holder wrote; "unknown" in the moment between its lock and its write. */
  private static String readHolder(FileChannel channel) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(32);
    channel.read(buffer, 0);
    String pid = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).strip();
    return pid.matches("[0-9]{1,10}") ? pid : "unknown";
  }

  private static void createPrivately(Path directory) throws IOException {
    if (Files.isDirectory(directory)) {
      return;
    }
    if (directory.getParent() != null) {
      Files.createDirectories(directory.getParent());
    }
    if (isPosix()) {
      Files.createDirectory(directory, OWNER_ONLY_DIRECTORY);
    } else {
      Files.createDirectory(directory);
    }
  }

  private static boolean isPosix() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }

  /** Releases the directory; the file stays (deleting it would race a process opening it to lock it). */
  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot release " + directory.resolve(FILE_NAME), e);
    } finally {
      HELD.remove(directory);
    }
  }
}
