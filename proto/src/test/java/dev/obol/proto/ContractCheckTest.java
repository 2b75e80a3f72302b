package dev.obol.proto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract as other teams see it: {@code buf lint} (buf's STANDARD rules, buf.yaml) and {@code buf breaking}
 * against the released contract ({@code proto/released}, buf's FILE rules), with buf from npm pinned in
 * {@code proto/tools/package.json} and installed here by {@code npm ci} when missing. Without npm the checks are
 * skipped, unless {@code OBOL_CLIENTS_REQUIRED=1} (CI) makes that a failure.
 */
class ContractCheckTest {

  private static final Path CONTRACT = Path.of("src/main/proto").toAbsolutePath();
  private static final Path RELEASED = Path.of("released").toAbsolutePath();
  private static final Path TOOLS = Path.of("tools").toAbsolutePath();
  private static Path buf;

  @BeforeAll
  static void installBuf() throws Exception {
    buf = TOOLS.resolve("node_modules/.bin/buf");
    if (!Files.isExecutable(buf)) {
      Result install = run(TOOLS, List.of("npm", "ci", "--no-audit", "--no-fund", "--silent"));
      if (install.exit != 0 || !Files.isExecutable(buf)) {
        String message = "buf could not be installed with npm ci in " + TOOLS + ": " + install.output;
        if ("1".equals(System.getenv("OBOL_CLIENTS_REQUIRED"))) {
          fail(message + " (OBOL_CLIENTS_REQUIRED=1 makes that a failure)");
        }
        Assumptions.abort(message);
      }
    }
  }

  @Test
  void theContractPassesBufLint() throws Exception {
    Result lint = run(CONTRACT, List.of(buf.toString(), "lint"));
    assertThat(lint.output).as("buf lint").isEmpty();
    assertThat(lint.exit).isZero();
  }

  @Test
  void theContractDoesNotBreakTheReleasedOne() throws Exception {
    Result breaking = run(CONTRACT, List.of(buf.toString(), "breaking", "--against", RELEASED.toString()));
    assertThat(breaking.output).as("buf breaking against proto/released").isEmpty();
    assertThat(breaking.exit).isZero();
  }

  /** The check can fail: a copy of today's contract with one field renumbered is refused, naming the field. */
  @Test
  void aRenumberedFieldIsABreakingChange(@TempDir Path changed) throws Exception {
    copy(CONTRACT, changed);
    Path wallet = changed.resolve("obol/v1/wallet_service.proto");
    String proto = Files.readString(wallet);
    String renumbered = proto.replaceFirst(
        "(message CheckAndDebitRequest \\{[^}]*?string account_id = )1;", "$1" + "99;");
    assertThat(renumbered).as("the fixture changed something").isNotEqualTo(proto);
    Files.writeString(wallet, renumbered);

    Result breaking = run(changed, List.of(buf.toString(), "breaking", "--against", RELEASED.toString()));
    assertThat(breaking.exit).isNotZero();
    assertThat(breaking.output).contains("CheckAndDebitRequest").contains("account_id");
  }

  /** An addition (a new optional field) is not. */
  @Test
  void aNewFieldIsNotABreakingChange(@TempDir Path changed) throws Exception {
    copy(CONTRACT, changed);
    Path wallet = changed.resolve("obol/v1/wallet_service.proto");
    String proto = Files.readString(wallet);
    String added = proto.replaceFirst("(message CheckAndDebitRequest \\{)", "$1\n  string added_for_test = 900;");
    assertThat(added).isNotEqualTo(proto);
    Files.writeString(wallet, added);

    Result breaking = run(changed, List.of(buf.toString(), "breaking", "--against", RELEASED.toString()));
    assertThat(breaking.output).isEmpty();
    assertThat(breaking.exit).isZero();
  }

  private record Result(int exit, String output) {}

  private static Result run(Path directory, List<String> command) throws IOException, InterruptedException {
    Process process;
    try {
      process = new ProcessBuilder(new ArrayList<>(command)).directory(directory.toFile()).redirectErrorStream(true)
          .start();
    } catch (IOException e) {
      return new Result(-1, e.getMessage());
    }
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(180, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      return new Result(-1, "timed out: " + command);
    }
    return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8).strip());
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path file : files.toList()) {
        Path target = to.resolve(from.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(target);
        } else {
          Files.copy(file, target);
        }
      }
    }
  }
}
