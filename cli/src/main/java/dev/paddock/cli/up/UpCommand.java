package dev.paddock.cli.up;

import dev.paddock.api.extensions.SandboxClaim;
import dev.paddock.api.extensions.SandboxWarmPool;
import dev.paddock.certs.SubjectAltNames;
import dev.paddock.controller.ControllerSettings;
import dev.paddock.controller.PaddockOperator;
import dev.paddock.e2e.cluster.ControlPlaneBinaries;
import dev.paddock.e2e.cluster.LocalControlPlane;
import dev.paddock.e2e.cluster.PaddockCrdInstaller;
import dev.paddock.webhook.ClusterWebhook;
import dev.paddock.webhook.WebhookServerSettings;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.core.instrument.Gauge;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code paddock up}: a whole local Paddock on a control plane of its own — etcd, kube-apiserver,
 * controller-manager, scheduler and KWOK nodes built from their Go modules — with the CRDs, the
 * controller, the admission webhook and the library policies installed, and an example template,
 * pool and claim. Runs until Ctrl-C or SIGTERM, then stops everything it started.
 */
@Command(
    name = "up",
    mixinStandardHelpOptions = true,
    description = {
      "Starts a local Kubernetes control plane with simulated (KWOK) nodes, installs Paddock on it"
          + " and keeps it running until Ctrl-C. The first run builds the control plane from its"
          + " Go modules (about 12-20 minutes on 2 cores); later runs start in seconds.",
      "Prints 'paddock is up' when ready. Use 'paddock kubectl ...' to talk to it."
    })
public final class UpCommand implements Callable<Integer> {
  static final String READY_LINE = "paddock is up";

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--kubeconfig",
      paramLabel = "FILE",
      description =
          "Where to write the local cluster's kubeconfig (default: ~/.paddock/kubeconfig).")
  Path kubeconfig;

  @Option(
      names = "--nodes",
      paramLabel = "N",
      defaultValue = "3",
      description = "Number of simulated nodes (default: ${DEFAULT-VALUE}).")
  int nodes;

  @Option(
      names = "--no-examples",
      description = "Do not apply the example template, warm pool and claim.")
  boolean noExamples;

  @Override
  public Integer call() throws Exception {
    if (nodes < 1) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--nodes must be at least 1, not " + nodes);
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path repoRoot = ControlPlaneBinaries.findRepoRoot();
    Path kubeconfigOut = kubeconfig != null ? kubeconfig : LocalPaths.defaultKubeconfig();

    List<AutoCloseable> started = new ArrayList<>();
    CountDownLatch stopped = new CountDownLatch(1);
    Thread shutdown = new Thread(() -> stopAll(started, err, stopped), "paddock-up-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdown);
    try {
      err.println("paddock: starting the local control plane with " + nodes + " node(s)...");
      LocalControlPlane controlPlane =
          LocalControlPlane.builder()
              .repoRoot(repoRoot)
              .nodes(nodes)
              .buildProgress(line -> err.println("  " + line))
              .start();
      started.add(controlPlane);
      writeKubeconfig(controlPlane.kubeconfig(), kubeconfigOut);
      err.printf(
          "paddock: Kubernetes %s up in %.1f s%n",
          controlPlane.kubernetesVersion(), controlPlane.startupTime().toMillis() / 1000.0);

      KubernetesClient client = controlPlane.newClient();
      started.add(0, client);
      int crds =
          PaddockCrdInstaller.install(client, PaddockCrdInstaller.directory(repoRoot)).size();
      err.println("paddock: installed " + crds + " CRDs");

      PaddockOperator operator =
          PaddockOperator.builder(client, ControllerSettings.defaults().withProbePort(0)).build();
      operator.start();
      started.add(0, operator);
      err.println(
          "paddock: controller running (probes and metrics on port " + operator.probePort() + ")");

      ClusterWebhook webhook =
          ClusterWebhook.builder(client)
              .settings(WebhookServerSettings.defaults().withAddress("127.0.0.1", 0))
              .selfSigned(SubjectAltNames.loopback())
              .registerLocally()
              .start();
      started.add(0, webhook::unregister);
      started.add(0, webhook);
      err.println(
          "paddock: admission webhook registered with the API server at "
              + webhook.server().localUri());

      int policies = applyAll(client, repoRoot.resolve("policies").resolve("library"));
      awaitPoliciesLoaded(webhook, policies);
      err.println("paddock: installed and loaded " + policies + " library policies");

      if (!noExamples) {
        int examples = applyAll(client, repoRoot.resolve("deploy").resolve("examples"));
        err.println("paddock: applied " + examples + " example objects in namespace default");
        printExampleStatus(client, out);
      }
      out.println("kubeconfig: " + kubeconfigOut);
      out.println(
          "try:        ./paddock kubectl get sandboxtemplates,sandboxwarmpools,sandboxclaims,sandboxes -A");
      out.println(READY_LINE);
      out.flush();
    } catch (Exception e) {
      err.println("paddock: up failed: " + e.getMessage());
      Runtime.getRuntime().removeShutdownHook(shutdown);
      stopAll(started, err, stopped);
      return 1;
    }
    stopped.await();
    return 0;
  }

  /** Closes in reverse order of start; runs once, from the shutdown hook or a failed start. */
  private static void stopAll(List<AutoCloseable> started, PrintWriter err, CountDownLatch done) {
    if (done.getCount() == 0) {
      return;
    }
    err.println("paddock: stopping...");
    err.flush();
    for (AutoCloseable component : started) {
      try {
        component.close();
      } catch (Exception e) {
        err.println("paddock: while stopping: " + e.getMessage());
      }
    }
    err.println("paddock: stopped");
    err.flush();
    done.countDown();
  }

  private static void writeKubeconfig(Path source, Path target) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path temp = Files.createTempFile(dir, ".kubeconfig", ".tmp");
    Files.copy(source, temp, StandardCopyOption.REPLACE_EXISTING);
    try {
      Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: the directory's own protection applies
    }
    Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Server-side applies every object in every YAML file of a directory; returns the count. */
  static int applyAll(KubernetesClient client, Path dir) throws IOException {
    int count = 0;
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        if (file.getFileName().toString().equals("kustomization.yaml")) {
          continue;
        }
        try (InputStream in = Files.newInputStream(file)) {
          for (HasMetadata object : client.load(in).items()) {
            applyWithRetry(client, object);
            count++;
          }
        }
      }
    }
    return count;
  }

  /**
   * Right after a ResourceQuota appears the API server refuses creates in its namespace ("status
   * unknown for quota") until the quota controller has counted usage: a few seconds, so retry.
   */
  private static void applyWithRetry(KubernetesClient client, HasMetadata object) {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    while (true) {
      try {
        client.resource(object).fieldManager("paddock-up").forceConflicts().serverSideApply();
        return;
      } catch (KubernetesClientException e) {
        boolean quotaPending =
            e.getCode() == 403
                && e.getMessage() != null
                && e.getMessage().contains("status unknown for quota");
        if (!quotaPending || Instant.now().isAfter(deadline)) {
          throw e;
        }
        try {
          Thread.sleep(250);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  /** The webhook judges by what its informers hold: wait until they hold the policies. */
  private static void awaitPoliciesLoaded(ClusterWebhook webhook, int expected)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    while (Instant.now().isBefore(deadline)) {
      Gauge loaded = webhook.server().meterRegistry().find("paddock.policies.loaded").gauge();
      if (loaded != null && loaded.value() >= expected) {
        return;
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException(
        "the webhook did not load the " + expected + " library policies within 30 s");
  }

  /** Waits (briefly) for the example claim, then prints what a user would look at. */
  private static void printExampleStatus(KubernetesClient client, PrintWriter out) {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    SandboxClaim claim = null;
    while (Instant.now().isBefore(deadline)) {
      claim =
          client.resources(SandboxClaim.class).inNamespace("default").withName("my-agent").get();
      if (claim != null
          && readyStatus(claim.getStatus() == null ? null : claim.getStatus().getConditions())
              .startsWith("True")) {
        break;
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    SandboxWarmPool pool =
        client
            .resources(SandboxWarmPool.class)
            .inNamespace("default")
            .withName("python-pool")
            .get();
    if (pool != null) {
      out.printf(
          "warm pool  default/python-pool  ready %s of %s%n",
          pool.getStatus() == null ? 0 : pool.getStatus().getReadyReplicas(),
          pool.getSpec().getReplicas());
    }
    if (claim != null) {
      List<Condition> conditions =
          claim.getStatus() == null ? null : claim.getStatus().getConditions();
      out.printf(
          "claim      default/my-agent     ready %s, sandbox %s%n",
          readyStatus(conditions),
          claim.getStatus() == null || claim.getStatus().getSandbox() == null
              ? "(none yet)"
              : claim.getStatus().getSandbox().getName());
    }
  }

  private static String readyStatus(List<Condition> conditions) {
    if (conditions == null) {
      return "Unknown";
    }
    return conditions.stream()
        .filter(c -> "Ready".equals(c.getType()))
        .map(c -> c.getStatus() + (c.getReason() == null ? "" : " (" + c.getReason() + ")"))
        .findFirst()
        .orElse("Unknown");
  }
}
