package dev.paddock.e2e.cluster;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/** One control-plane binary running as a child process, its output going to a log file. */
final class ComponentProcess {

  private static final int LOG_TAIL_LINES = 30;
  private static final int ERROR_LINES = 10;
  private static final Pattern ERROR_LINE =
      Pattern.compile("^[EF]\\d{4} |\"level\":\"(error|fatal|panic)\"|^panic: ");
  private static final long STOP_GRACE_MILLIS = 10_000;

  private final String name;
  private final Path logFile;
  private final Process process;

  private ComponentProcess(String name, Path logFile, Process process) {
    this.name = name;
    this.logFile = logFile;
    this.process = process;
  }

  static ComponentProcess start(
      String name, Path binary, List<String> args, Path workDir, Path logDir) {
    List<String> command = new ArrayList<>();
    command.add(binary.toString());
    command.addAll(args);
    Path logFile = logDir.resolve(name + ".log");
    try {
      Files.writeString(logFile, "# " + String.join(" ", command) + "\n", StandardCharsets.UTF_8);
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(workDir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
              .redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
      // A developer's own KUBECONFIG or proxy settings must not leak into the components.
      builder.environment().remove("KUBECONFIG");
      builder.environment().keySet().removeIf(k -> k.toLowerCase().endsWith("_proxy"));
      builder.environment().put("HOME", workDir.toString());
      return new ComponentProcess(name, logFile, builder.start());
    } catch (IOException e) {
      throw new ControlPlaneException(
          "cannot start " + name + " (" + binary + "): " + e.getMessage(), e);
    }
  }

  private static java.io.File nullDevice() {
    return new java.io.File(
        System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
  }

  String name() {
    return name;
  }

  Path logFile() {
    return logFile;
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Throws when the process has exited, naming it, its exit code and the tail of its log. */
  void checkAlive() {
    if (!process.isAlive()) {
      throw new ControlPlaneException(
          name
              + " exited with code "
              + process.exitValue()
              + "; last lines of "
              + logFile
              + ":\n"
              + logTail());
    }
  }

  /** A failure report for a component that is running but did not become ready. */
  ControlPlaneException notReady(String what) {
    if (!process.isAlive()) {
      return new ControlPlaneException(
          name
              + " exited with code "
              + process.exitValue()
              + " before "
              + what
              + "; last lines of "
              + logFile
              + ":\n"
              + logTail());
    }
    return new ControlPlaneException(
        name
            + " (pid "
            + process.pid()
            + ", still running) did not "
            + what
            + "; last lines of "
            + logFile
            + ":\n"
            + logTail());
  }

  /** SIGTERM, then SIGKILL when it has not exited within the grace period. */
  void stop() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(STOP_GRACE_MILLIS, TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(STOP_GRACE_MILLIS, TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The log's error lines (klog's E/F lines, zap's error/fatal levels), which concurrent output can
   * push far from the end, followed by its last lines.
   */
  String logTail() {
    List<String> lines;
    try {
      lines = readEnd(256 * 1024);
    } catch (IOException e) {
      return "  (cannot read " + logFile + ": " + e.getMessage() + ")\n";
    }
    StringBuilder out = new StringBuilder();
    List<String> errors = new ArrayList<>();
    for (String line : lines) {
      if (ERROR_LINE.matcher(line).find()) {
        errors.add(line);
      }
    }
    if (!errors.isEmpty()) {
      out.append("  error lines:\n");
      errors
          .subList(Math.max(0, errors.size() - ERROR_LINES), errors.size())
          .forEach(l -> out.append("  ! ").append(l).append('\n'));
      out.append("  last lines:\n");
    }
    lines
        .subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size())
        .forEach(l -> out.append("  | ").append(l).append('\n'));
    return out.toString();
  }

  private List<String> readEnd(int maxBytes) throws IOException {
    try (RandomAccessFile file = new RandomAccessFile(logFile.toFile(), "r")) {
      long length = file.length();
      long from = Math.max(0, length - maxBytes);
      byte[] bytes = new byte[(int) (length - from)];
      file.seek(from);
      file.readFully(bytes);
      List<String> lines =
          new ArrayList<>(List.of(new String(bytes, StandardCharsets.UTF_8).split("\n")));
      if (from > 0 && !lines.isEmpty()) {
        lines.remove(0); // a partial line
      }
      return lines;
    }
  }
}
