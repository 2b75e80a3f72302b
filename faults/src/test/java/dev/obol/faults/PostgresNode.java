package dev.obol.faults;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One PostgreSQL server run from Debian's binaries ({@code /usr/lib/postgresql/<version>/bin}) in a directory of its
 * own, on 127.0.0.1 and a free port. As root every binary runs as the {@code postgres} user ({@code runuser}), which
 * owns the directory.
 */
final class PostgresNode {

  /** Where Debian's packages put the binaries; the newest version wins. Empty when none is installed. */
  static Optional<Path> debianBinaries() {
    String override = System.getenv("OBOL_FAULTS_PG_BIN");
    if (override != null && !override.isBlank()) {
      return Optional.of(Path.of(override)).filter(dir -> Files.isExecutable(dir.resolve("initdb")));
    }
    Path root = Path.of("/usr/lib/postgresql");
    if (!Files.isDirectory(root)) {
      return Optional.empty();
    }
    try (Stream<Path> versions = Files.list(root)) {
      return versions
          .map(version -> version.resolve("bin"))
          .filter(bin -> Files.isExecutable(bin.resolve("initdb")) && Files.isExecutable(bin.resolve("pg_ctl"))
              && Files.isExecutable(bin.resolve("pg_basebackup")))
          .max(Comparator.comparingInt(PostgresNode::majorVersion));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /**
   * The binaries, or the calling test skipped (aborted) when they are missing, or failed when OBOL_FAULTS_REQUIRED=1
   * (CI: .ci/run installs them, so their absence there is a failure, not a silent skip).
   */
  static Path debianBinariesOrSkip(String test) {
    Optional<Path> bin = debianBinaries();
    if (bin.isEmpty()) {
      String message = "Debian's PostgreSQL binaries (/usr/lib/postgresql/<version>/bin: initdb, pg_ctl, "
          + "pg_basebackup) are not installed: apt-get install -y postgresql (.ci/run does)";
      if ("1".equals(System.getenv("OBOL_FAULTS_REQUIRED"))) {
        org.junit.jupiter.api.Assertions.fail(message + "; OBOL_FAULTS_REQUIRED=1 makes that a failure");
      }
      System.out.println("[" + test + "] SKIPPED: " + message);
      org.junit.jupiter.api.Assumptions.abort(message + "; the " + test + " test is skipped");
    }
    return bin.get();
  }

  private static int majorVersion(Path bin) {
    try {
      return Integer.parseInt(bin.getParent().getFileName().toString());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  static boolean runningAsRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  private final Path bin;
  final String name;
  final Path directory;
  final Path data;
  final Path log;
  final int port;

  PostgresNode(Path bin, Path parent, String name) throws IOException {
    this.bin = bin;
    this.name = name;
    this.directory = parent.resolve(name);
    Files.createDirectories(directory);
    this.data = directory.resolve("data");
    this.log = directory.resolve("server.log");
    this.port = freePort();
    chownToPostgres(directory);
  }

  /** A fresh cluster: trust logins on 127.0.0.1 (and replication), superuser {@code postgres}. */
  void initdb(String... settings) throws IOException {
    run(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-A", "trust", "-U", "postgres",
        "--no-sync", "-E", "UTF8", "--locale=C"));
    appendSettings("postgresql.conf", settings);
  }

  /** A standby of {@code primary}: its base backup with {@code standby.signal}, streaming through a slot. */
  void baseBackupOf(PostgresNode primary, String replicationUser, String applicationName, String... settings)
      throws IOException {
    run(List.of(bin.resolve("pg_basebackup").toString(), "-h", "127.0.0.1", "-p", Integer.toString(primary.port),
        "-U", replicationUser, "-D", data.toString(), "-R", "-X", "stream", "-C", "-S", applicationName,
        "--no-sync"));
    List<String> all = new ArrayList<>();
    // -R wrote a primary_conninfo without an application_name; a later line of the same file wins.
    all.add("primary_conninfo = 'host=127.0.0.1 port=" + primary.port + " user=" + replicationUser
        + " application_name=" + applicationName + "'");
    all.addAll(List.of(settings));
    appendSettings("postgresql.auto.conf", all.toArray(String[]::new));
  }

  void start() throws IOException {
    run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", log.toString(), "-w", "-t", "60",
        "-o", "-p " + port + " -k " + directory + " -c listen_addresses=127.0.0.1", "start"));
  }

  /** {@code pg_ctl promote}, which waits until the server accepts writes. */
  void promote() throws IOException {
    run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-w", "-t", "60", "promote"));
  }

  /**
   * The loss of the node: SIGKILL to the postmaster and every process under it, no shutdown. Returns once the
   * signals are sent; {@link #awaitDeath} waits for the processes to be gone.
   */
  List<ProcessHandle> kill() throws IOException {
    long postmaster = postmasterPid();
    ProcessHandle handle = ProcessHandle.of(postmaster).orElseThrow(() -> new IllegalStateException(
        name + ": no process " + postmaster + " (from postmaster.pid)"));
    List<ProcessHandle> all = new ArrayList<>();
    all.add(handle);
    handle.descendants().forEach(all::add);
    // kill(pid, SIGKILL) for each, the postmaster first (it cannot restart a child it is not there to see die).
    all.forEach(ProcessHandle::destroyForcibly);
    return all;
  }

  void awaitDeath(List<ProcessHandle> processes) {
    for (ProcessHandle process : processes) {
      process.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(t -> process).join();
      if (process.isAlive()) {
        throw new IllegalStateException(name + ": process " + process.pid() + " survived SIGKILL");
      }
    }
  }

  /** Stops the server if it runs (immediate: nothing of it is needed any more); never fails. */
  void stopQuietly() {
    try {
      if (Files.exists(data.resolve("postmaster.pid"))) {
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "-w", "-t", "20",
            "stop"));
      }
    } catch (IOException | RuntimeException e) {
      // a killed node's pid file names a dead process: pg_ctl says so and there is nothing to stop
    }
  }

  long postmasterPid() throws IOException {
    return Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim());
  }

  String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
  }

  Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl(), "postgres", "");
  }

  String logTail(int lines) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private void appendSettings(String file, String... settings) throws IOException {
    // Written as root, read by the server as postgres: the file keeps its owner (we append to it).
    Files.writeString(data.resolve(file), "\n# obol-faults\n" + String.join("\n", settings) + "\n",
        StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
  }

  static void chownToPostgres(Path path) throws IOException {
    if (runningAsRoot()) {
      run(List.of("chown", "-R", "postgres:", path.toString()), false);
    }
  }

  private static void run(List<String> command) throws IOException {
    run(command, true);
  }

  /** Runs a command (as postgres when we are root and {@code asPostgres}); fails with its output if it fails. */
  private static void run(List<String> command, boolean asPostgres) throws IOException {
    List<String> full = new ArrayList<>();
    if (asPostgres && runningAsRoot()) {
      full.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    full.addAll(command);
    Process process = new ProcessBuilder(full).redirectErrorStream(true).start();
    // pg_ctl start leaves the server running with our pipe closed (-l sends its output to the log).
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException("timed out: " + full + "\n" + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + full, e);
    }
    if (process.exitValue() != 0) {
      throw new IOException("exit " + process.exitValue() + ": " + String.join(" ", full) + "\n" + output);
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }
}
