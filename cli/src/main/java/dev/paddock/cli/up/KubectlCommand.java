package dev.paddock.cli.up;

import dev.paddock.e2e.cluster.ControlPlaneBinaries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code paddock kubectl ARGS...}: the built kubectl against the local control plane. */
@Command(
    name = "kubectl",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the kubectl that 'paddock up' built against the local control plane, as 'minikube"
          + " kubectl' does. Everything after 'kubectl' goes to kubectl; 'paddock kubectl --"
          + " --help' shows kubectl's own help.",
      "The cluster is the one whose kubeconfig 'paddock up' wrote (default ~/.paddock/kubeconfig;"
          + " set PADDOCK_KUBECONFIG to use another)."
    })
public final class KubectlCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(arity = "0..*", paramLabel = "ARGS", description = "kubectl's arguments")
  List<String> args = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    String configured = System.getenv("PADDOCK_KUBECONFIG");
    Path kubeconfig =
        configured != null && !configured.isBlank()
            ? Path.of(configured)
            : LocalPaths.defaultKubeconfig();
    if (!Files.isRegularFile(kubeconfig)) {
      spec.commandLine()
          .getErr()
          .println(
              "paddock: no local cluster: "
                  + kubeconfig
                  + " does not exist (start one with 'paddock up')");
      return 1;
    }
    ControlPlaneBinaries binaries =
        ControlPlaneBinaries.build(
            ControlPlaneBinaries.findRepoRoot(),
            Duration.ofMinutes(90),
            line -> spec.commandLine().getErr().println(line));
    List<String> command = new ArrayList<>();
    command.add(binaries.path("kubectl").toString());
    command.add("--kubeconfig=" + kubeconfig);
    command.addAll(args);
    Process kubectl = new ProcessBuilder(command).inheritIO().start();
    return kubectl.waitFor();
  }

  /** kubectl's flags are kubectl's: after the first argument nothing is parsed here. */
  public static void configure(CommandLine kubectl) {
    kubectl.setStopAtPositional(true);
    kubectl.setUnmatchedOptionsArePositionalParams(true);
  }
}
