package dev.paddock.e2e.cluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The directory that holds the control-plane binaries, built from their Go modules by {@code
 * e2e/controlplane/build.sh} into {@code ${PADDOCK_CACHE:-~/.cache/paddock}/controlplane/<k8s
 * version>/bin}.
 */
public final class ControlPlaneBinaries {

  /** Every binary the control plane needs, as build.sh names them. */
  public static final List<String> NAMES =
      List.of(
          "etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kubectl", "kwok");

  /** kwok's default node and pod lifecycle stages, written by build.sh beside the binary. */
  public static final String KWOK_STAGES = "kwok-stages.yaml";

  /** Environment variable naming a ready bin directory, which skips build.sh altogether. */
  public static final String BIN_DIR_ENV = "PADDOCK_CONTROLPLANE_BIN";

  static final String BUILD_SCRIPT = "e2e/controlplane/build.sh";

  private final Path dir;

  private ControlPlaneBinaries(Path dir) {
    this.dir = dir;
  }

  /**
   * Uses a directory that already holds every binary.
   *
   * @throws ControlPlaneException naming the binaries that are missing
   */
  public static ControlPlaneBinaries in(Path dir) {
    List<String> missing =
        NAMES.stream()
            .filter(n -> !Files.isExecutable(dir.resolve(n)))
            .collect(Collectors.toCollection(ArrayList::new));
    if (!Files.isRegularFile(dir.resolve(KWOK_STAGES))) {
      missing.add(KWOK_STAGES);
    }
    if (!missing.isEmpty()) {
      throw new ControlPlaneException(
          "control-plane binaries missing in " + dir + ": " + String.join(", ", missing));
    }
    return new ControlPlaneBinaries(dir.toAbsolutePath());
  }

  /**
   * Runs {@code e2e/controlplane/build.sh} of the given repository, which builds whatever is
   * missing (the first time on a machine this takes many minutes; afterwards under a second), and
   * returns the directory it printed.
   *
   * @param progress receives build.sh's progress lines (its stderr)
   * @throws ControlPlaneException with build.sh's output (the go build errors) when it fails
   */
  public static ControlPlaneBinaries build(
      Path repoRoot, Duration timeout, Consumer<String> progress) {
    Path script = repoRoot.resolve(BUILD_SCRIPT);
    if (!Files.isRegularFile(script)) {
      throw new ControlPlaneException("no " + BUILD_SCRIPT + " under " + repoRoot);
    }
    Process process;
    try {
      process =
          new ProcessBuilder("bash", script.toString())
              .directory(repoRoot.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
    } catch (IOException e) {
      throw new ControlPlaneException("cannot run " + script + ": " + e.getMessage(), e);
    }
    // build.sh reports on stderr; keep the end of it for the error message.
    Deque<String> stderrTail = new ArrayDeque<>();
    Thread stderrReader =
        new Thread(
            () -> {
              try (BufferedReader reader =
                  new BufferedReader(
                      new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                  progress.accept(line);
                  synchronized (stderrTail) {
                    stderrTail.addLast(line);
                    if (stderrTail.size() > 200) {
                      stderrTail.removeFirst();
                    }
                  }
                }
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            },
            "paddock-build.sh-stderr");
    stderrReader.setDaemon(true);
    stderrReader.start();
    String lastLine = null;
    try (BufferedReader stdout =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = stdout.readLine()) != null) {
        if (!line.isBlank()) {
          lastLine = line.trim();
        }
      }
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new ControlPlaneException(script + " did not finish within " + timeout);
      }
      stderrReader.join(5_000);
    } catch (IOException e) {
      throw new ControlPlaneException("cannot read the output of " + script, e);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new ControlPlaneException("interrupted while running " + script, e);
    }
    if (process.exitValue() != 0 || lastLine == null) {
      String tail;
      synchronized (stderrTail) {
        tail = String.join("\n", stderrTail);
      }
      throw new ControlPlaneException(
          script + " failed with exit code " + process.exitValue() + ":\n" + tail);
    }
    return in(Path.of(lastLine));
  }

  /**
   * The repository root: the {@code paddock.root} system property, else the {@code PADDOCK_ROOT}
   * environment variable, else the nearest directory at or above the working directory that holds
   * {@code e2e/controlplane/build.sh}.
   */
  public static Path findRepoRoot() {
    String configured = System.getProperty("paddock.root", System.getenv("PADDOCK_ROOT"));
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured).toAbsolutePath().normalize();
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve(BUILD_SCRIPT))) {
        return dir;
      }
    }
    throw new ControlPlaneException(
        "cannot find the Paddock repository (no "
            + BUILD_SCRIPT
            + " at or above "
            + Path.of("").toAbsolutePath()
            + "); set -Dpaddock.root or PADDOCK_ROOT");
  }

  public Path dir() {
    return dir;
  }

  /** The path of one binary from {@link #NAMES}. */
  public Path path(String name) {
    if (!NAMES.contains(name)) {
      throw new IllegalArgumentException("not a control-plane binary: " + name);
    }
    return dir.resolve(name);
  }

  public Path kwokStages() {
    return dir.resolve(KWOK_STAGES);
  }

  /**
   * The Kubernetes release the binaries were built from: build.sh names the cache directory after
   * it.
   */
  public String kubernetesVersion() {
    Path parent = dir.getParent();
    return parent == null ? "unknown" : parent.getFileName().toString();
  }
}
