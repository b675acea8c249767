package dev.paddock.e2e.support;

import static org.assertj.core.api.Assertions.fail;

import dev.paddock.e2e.cluster.ControlPlaneBinaries;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The upstream Python SDK ({@code e2e/src/test/python/requirements.txt}) in a virtualenv under
 * {@code e2e/target/sdk-venv}, made with {@code python3 -m venv} and pip on first use and reused
 * while the requirements file is unchanged (its SHA-256 is stamped in the virtualenv).
 */
public final class PythonSdk {

  private static final Logger LOG = LoggerFactory.getLogger(PythonSdk.class);
  private static final Duration VENV_TIMEOUT = Duration.ofMinutes(2);
  private static final Duration PIP_TIMEOUT = Duration.ofMinutes(10);
  private static final String STAMP = ".paddock-requirements.sha256";

  private PythonSdk() {}

  /** {@code e2e/src/test/python}: the SDK scripts and their requirements. */
  public static Path scriptDir() {
    return ControlPlaneBinaries.findRepoRoot().resolve("e2e/src/test/python");
  }

  /** Where subprocess output is kept: {@code e2e/target/sdk-logs}. */
  public static Path logDir() {
    Path dir = ControlPlaneExtension.e2eTarget().resolve("sdk-logs");
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return dir;
  }

  /** The virtualenv's python with the SDK installed; creates or refreshes the virtualenv. */
  public static synchronized Path python() {
    Path venv = ControlPlaneExtension.e2eTarget().resolve("sdk-venv");
    Path requirements = scriptDir().resolve("requirements.txt");
    Path python = venv.resolve("bin").resolve("python");
    Path stamp = venv.resolve(STAMP);
    try {
      String wanted = sha256(Files.readAllBytes(requirements));
      if (Files.isExecutable(python)
          && Files.isRegularFile(stamp)
          && wanted.equals(Files.readString(stamp).strip())) {
        return python;
      }
      deleteRecursively(venv);
      Files.createDirectories(venv.getParent());
      LOG.info("creating the SDK virtualenv {} from {}", venv, requirements);
      run(
          List.of("python3", "-m", "venv", venv.toString()),
          VENV_TIMEOUT,
          "python3 with the venv module is required to test the upstream Python SDK"
              + " (on Debian/Ubuntu: apt-get install python3 python3-venv)");
      run(
          List.of(
              python.toString(),
              "-m",
              "pip",
              "install",
              "--disable-pip-version-check",
              "--no-input",
              "-q",
              "-r",
              requirements.toString()),
          PIP_TIMEOUT,
          "pip could not install the SDK's requirements (it needs the Python package index)");
      Files.writeString(stamp, wanted + "\n");
      return python;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the SDK virtualenv " + venv, e);
    }
  }

  private static void run(List<String> command, Duration timeout, String hint) throws IOException {
    Path log = logDir().resolve("setup.log");
    Process process;
    try {
      process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
    } catch (IOException e) {
      fail(hint + ": cannot run " + command.get(0) + ": " + e.getMessage());
      return;
    }
    try {
      if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        fail(hint + ": " + String.join(" ", command) + " took over " + timeout + "\n" + tail(log));
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    if (process.exitValue() != 0) {
      fail(
          hint
              + ": "
              + String.join(" ", command)
              + " exited with "
              + process.exitValue()
              + "\n"
              + tail(log));
    }
  }

  /** The last lines of a log, for an assertion message. */
  public static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    } catch (IOException e) {
      return "(no output: " + e.getMessage() + ")";
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    List<Path> paths = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(paths::add);
    }
    for (Path p : paths) {
      Files.delete(p);
    }
  }
}
