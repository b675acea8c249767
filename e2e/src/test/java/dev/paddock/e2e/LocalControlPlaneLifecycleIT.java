package dev.paddock.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paddock.e2e.cluster.ControlPlaneBinaries;
import dev.paddock.e2e.cluster.ControlPlaneException;
import dev.paddock.e2e.cluster.LocalControlPlane;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starting and stopping control planes of their own, apart from the shared one. */
class LocalControlPlaneLifecycleIT {

  private static ControlPlaneBinaries binaries() {
    return ControlPlaneBinaries.build(
        ControlPlaneBinaries.findRepoRoot(), Duration.ofMinutes(90), line -> {});
  }

  @Test
  void closeStopsEveryComponentAndFreesItsPortsAndWorkDir() throws IOException {
    LocalControlPlane controlPlane =
        LocalControlPlane.builder().binDir(binaries().dir()).nodes(1).start();
    Map<String, Long> pids = controlPlane.pids();
    Map<String, Integer> ports = controlPlane.ports();
    Path workDir = controlPlane.workDir();
    assertThat(pids.keySet())
        .containsExactlyInAnyOrder(
            "etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok");
    assertThat(Files.readString(controlPlane.kubeconfig()))
        .contains("server: https://127.0.0.1:" + ports.get("kube-apiserver"));
    List<String> listening = ListeningSockets.of(pids.values());
    assertThat(listening).as("listening sockets of the components").isNotEmpty();
    assertThat(listening)
        .as("every component listens on loopback only")
        .allMatch(address -> address.startsWith("127.") || address.startsWith("[::1]"));

    controlPlane.close();

    for (Map.Entry<String, Long> pid : pids.entrySet()) {
      Optional<ProcessHandle> process = ProcessHandle.of(pid.getValue());
      assertThat(process.map(ProcessHandle::isAlive).orElse(false))
          .as("%s (pid %d) still running after close()", pid.getKey(), pid.getValue())
          .isFalse();
    }
    for (Map.Entry<String, Integer> port : ports.entrySet()) {
      try (ServerSocket socket = new ServerSocket()) {
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port.getValue()));
      }
    }
    assertThat(workDir).doesNotExist();
  }

  @Test
  void aComponentThatExitsIsNamedWithItsExitCodeAndLogTail(@TempDir Path dir) throws IOException {
    Path binDir = Files.createDirectories(dir.resolve("bin"));
    ControlPlaneBinaries real = binaries();
    for (String name : ControlPlaneBinaries.NAMES) {
      if (!name.equals("kube-scheduler")) {
        Files.createSymbolicLink(binDir.resolve(name), real.path(name));
      }
    }
    Files.createSymbolicLink(binDir.resolve(ControlPlaneBinaries.KWOK_STAGES), real.kwokStages());
    Path scheduler = binDir.resolve("kube-scheduler");
    Files.writeString(
        scheduler, "#!/bin/sh\necho 'scheduler cannot start: no such thing'\nexit 3\n");
    Files.setPosixFilePermissions(scheduler, PosixFilePermissions.fromString("rwxr-xr-x"));

    assertThatThrownBy(
            () ->
                LocalControlPlane.builder()
                    .binDir(binDir)
                    .workDir(dir.resolve("work"))
                    .nodes(0)
                    .start())
        .isInstanceOf(ControlPlaneException.class)
        .hasMessageContaining("kube-scheduler exited with code 3")
        .hasMessageContaining("scheduler cannot start: no such thing");

    // Everything started before the failure (etcd, kube-apiserver, ...) has been stopped.
    List<String> leftOver =
        ProcessHandle.current()
            .children()
            .filter(ProcessHandle::isAlive)
            .map(p -> p.info().commandLine().orElse(""))
            // this control plane's processes name its work dir in their flags
            .filter(commandLine -> commandLine.contains(dir.toString()))
            .collect(Collectors.toList());
    assertThat(leftOver).isEmpty();
    assertThat(dir.resolve("work/logs/kube-scheduler.log")).exists();
  }
}
