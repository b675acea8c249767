package dev.paddock.cli.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paddock.cli.Paddock;
import dev.paddock.controller.ControllerSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class RunCommandTest {

  @Test
  void helpDescribesEveryFlagAndExitsZero() {
    Result result = paddock("run", "--help");

    assertThat(result.code()).isZero();
    assertThat(result.out())
        .contains("Usage: paddock run")
        .contains("--kubeconfig=FILE")
        .contains("--cluster-domain=DOMAIN")
        .contains("--namespace=NS")
        .contains("--[no-]leader-election")
        .contains("--probe-port=PORT")
        .contains("--controller-only")
        .contains("--webhook-only");
    assertThat(result.err()).isEmpty();
  }

  @Test
  void aWrongFlagPrintsOneLineThenTheUsageAndExitsTwo() {
    Result result = paddock("run", "--bogus");

    assertThat(result.code()).isEqualTo(2);
    String[] lines = result.err().split("\\R");
    assertThat(lines[0]).isEqualTo("paddock: Unknown option: '--bogus'");
    assertThat(lines[1]).startsWith("Usage: paddock run");
    assertThat(result.err()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void controllerOnlyAndWebhookOnlyExcludeEachOther() {
    Result result = paddock("run", "--controller-only", "--webhook-only");

    assertThat(result.code()).isEqualTo(2);
    assertThat(result.err().split("\\R")[0]).contains("mutually exclusive");
  }

  @Test
  void anUnreadableKubeconfigIsAUserMistakeNotACrash(@org.junit.jupiter.api.io.TempDir Path dir) {
    Result result = paddock("run", "--kubeconfig", dir.resolve("missing").toString());

    assertThat(result.code()).isEqualTo(2);
    assertThat(result.err().split("\\R")[0])
        .isEqualTo("paddock: --kubeconfig: cannot read " + dir.resolve("missing"));
    assertThat(result.err()).doesNotContain("\tat ");
  }

  @Test
  void aPortOutOfRangeIsRefused() {
    Result result = paddock("run", "--probe-port", "70000");

    assertThat(result.code()).isEqualTo(2);
    assertThat(result.err().split("\\R")[0])
        .isEqualTo("paddock: --probe-port must be between 0 and 65535, got 70000");
  }

  @Test
  void flagsBecomeControllerSettings() {
    RunCommand command = new RunCommand();
    new CommandLine(command)
        .parseArgs(
            "--cluster-domain=corp.internal",
            "-n",
            "team-a,team-b",
            "--namespace=team-c",
            "--leader-election",
            "--lease-namespace=paddock-system",
            "--probe-port=9090",
            "--max-warm-pool-replicas=25",
            "--termination-timeout=45");

    ControllerSettings settings = command.settings();

    assertThat(settings.clusterDomain()).isEqualTo("corp.internal");
    assertThat(settings.namespaces()).isEqualTo(Set.of("team-a", "team-b", "team-c"));
    assertThat(settings.leaderElection()).isTrue();
    assertThat(settings.leaseNamespace()).isEqualTo("paddock-system");
    assertThat(settings.leaseName()).isEqualTo("paddock-controller");
    assertThat(settings.probePort()).isEqualTo(9090);
    assertThat(settings.maxWarmPoolReplicas()).isEqualTo(25);
    assertThat(settings.terminationTimeout()).isEqualTo(Duration.ofSeconds(45));
  }

  @Test
  void defaultsWatchAllNamespacesWithoutLeaderElection() {
    RunCommand command = new RunCommand();
    new CommandLine(command).parseArgs("--no-leader-election");

    ControllerSettings settings = command.settings();

    assertThat(settings.watchesAllNamespaces()).isTrue();
    assertThat(settings.leaderElection()).isFalse();
    assertThat(settings.clusterDomain()).isEqualTo("cluster.local");
    assertThat(settings.probePort()).isEqualTo(8080);
  }

  private record Result(int code, String out, String err) {}

  private static synchronized Result paddock(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    var outBytes = new ByteArrayOutputStream();
    var errBytes = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(outBytes, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
      int code = Paddock.execute(args);
      return new Result(
          code,
          outBytes.toString(StandardCharsets.UTF_8),
          errBytes.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }
}
