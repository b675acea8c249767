package dev.paddock.cli.run;

import dev.paddock.controller.ControllerSettings;
import dev.paddock.controller.PaddockOperator;
import dev.paddock.webhook.ClusterWebhook;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code paddock run}: the controller (leader-elected when asked) and the admission webhook,
 * against the cluster of the current kubeconfig or the in-cluster service account, until SIGTERM or
 * Ctrl-C; then both stop gracefully.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Runs the Paddock controller and admission webhook until SIGTERM or Ctrl-C.",
      "Uses --kubeconfig, else $KUBECONFIG / ~/.kube/config, else the in-cluster service account."
    })
public final class RunCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

  @Spec CommandSpec spec;

  @Option(names = "--kubeconfig", paramLabel = "FILE", description = "kubeconfig file to use")
  Path kubeconfig;

  @Option(
      names = "--cluster-domain",
      paramLabel = "DOMAIN",
      defaultValue = ControllerSettings.DEFAULT_CLUSTER_DOMAIN,
      description = "DNS suffix of Services in status.serviceFQDN (default: ${DEFAULT-VALUE})")
  String clusterDomain;

  @Option(
      names = {"-n", "--namespace"},
      paramLabel = "NS",
      split = ",",
      description = "namespace to watch; repeat or comma-separate for several (default: all)")
  List<String> namespaces = List.of();

  @Option(
      names = "--leader-election",
      negatable = true,
      defaultValue = "false",
      description = "reconcile only while holding the lease (default: ${DEFAULT-VALUE})")
  boolean leaderElection;

  @Option(
      names = "--lease-namespace",
      paramLabel = "NS",
      description = "namespace of the lease (default: the pod's own namespace)")
  String leaseNamespace;

  @Option(
      names = "--lease-name",
      paramLabel = "NAME",
      defaultValue = ControllerSettings.DEFAULT_LEASE_NAME,
      description = "name of the lease (default: ${DEFAULT-VALUE})")
  String leaseName;

  @Option(
      names = "--probe-port",
      paramLabel = "PORT",
      defaultValue = "8080",
      description =
          "plain-HTTP port of /startup, /healthz and /metrics (default: ${DEFAULT-VALUE})")
  int probePort;

  @Option(
      names = "--max-warm-pool-replicas",
      paramLabel = "N",
      defaultValue = "" + ControllerSettings.DEFAULT_MAX_WARM_POOL_REPLICAS,
      description = "upper bound on any SandboxWarmPool's replicas (default: ${DEFAULT-VALUE})")
  int maxWarmPoolReplicas;

  @Option(
      names = "--termination-timeout",
      paramLabel = "SECONDS",
      defaultValue = "20",
      description = "how long shutdown waits for reconciles in flight (default: ${DEFAULT-VALUE})")
  int terminationSeconds;

  @Option(
      names = "--webhook-port",
      paramLabel = "PORT",
      defaultValue = "8443",
      description = "HTTPS port of the admission webhook (default: ${DEFAULT-VALUE})")
  int webhookPort;

  @Option(
      names = "--webhook-cert-dir",
      paramLabel = "DIR",
      description =
          "tls.crt/tls.key/ca.crt issued by cert-manager (default: a self-managed Secret)")
  Path webhookCertDir;

  @Option(
      names = "--webhook-service",
      paramLabel = "NAME",
      defaultValue = "paddock-webhook",
      description = "the webhook's Service, named in its certificate (default: ${DEFAULT-VALUE})")
  String webhookService;

  @Option(
      names = "--webhook-namespace",
      paramLabel = "NS",
      defaultValue = "paddock-system",
      description = "the webhook Service's namespace (default: ${DEFAULT-VALUE})")
  String webhookNamespace;

  @ArgGroup(exclusive = true)
  Halves halves;

  /** At most one of the two; neither means both halves run. */
  static final class Halves {
    @Option(names = "--controller-only", description = "run the controller, not the webhook")
    boolean controllerOnly;

    @Option(names = "--webhook-only", description = "run the webhook, not the controller")
    boolean webhookOnly;
  }

  private final CountDownLatch stopRequested = new CountDownLatch(1);
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile PaddockOperator operator;
  private volatile ClusterWebhook webhook;

  @Override
  public Integer call() throws Exception {
    validate();
    boolean runController = halves == null || !halves.webhookOnly;
    boolean runWebhook = halves == null || !halves.controllerOnly;

    KubernetesClient client = new KubernetesClientBuilder().withConfig(config()).build();
    // one registry: the controller's and the webhook's metrics on both /metrics endpoints
    PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Deque<AutoCloseable> running = new ArrayDeque<>();
    running.push(client);
    Thread hook = new Thread(this::requestStop, "paddock-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      if (runWebhook) {
        webhook =
            WebhookHalf.start(
                client,
                new WebhookHalf.Options(
                    webhookPort, webhookCertDir, webhookService, webhookNamespace),
                metrics);
        running.push(webhook);
      }
      if (runController) {
        operator = PaddockOperator.builder(client, settings().withMeterRegistry(metrics)).build();
        running.push(operator::stop);
        try {
          operator.start();
        } catch (RuntimeException e) {
          throw new IllegalStateException("cannot start the controller: " + rootMessage(e), e);
        }
      }
      log.info("paddock is running; stop it with SIGTERM or Ctrl-C");
      stopRequested.await();
      log.info("paddock is stopping");
      return 0;
    } finally {
      closeAll(running);
      stopped.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running: it waits for `stopped`
      }
    }
  }

  /** Asks a running command to stop (what SIGTERM does) and waits until it has. */
  public void requestStop() {
    stopRequested.countDown();
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The operator once the controller half has been built (for tests and diagnostics). */
  PaddockOperator operator() {
    return operator;
  }

  /** The webhook once the webhook half has started (for tests and diagnostics). */
  ClusterWebhook webhook() {
    return webhook;
  }

  ControllerSettings settings() {
    return ControllerSettings.defaults()
        .withClusterDomain(clusterDomain)
        .withNamespaces(new LinkedHashSet<>(namespaces))
        .withLeaderElection(leaderElection, leaseNamespace, leaseName)
        .withProbePort(probePort)
        .withMaxWarmPoolReplicas(maxWarmPoolReplicas)
        .withTerminationTimeout(Duration.ofSeconds(terminationSeconds));
  }

  private Config config() {
    return kubeconfig != null
        ? Config.fromKubeconfig(kubeconfig.toFile())
        : Config.autoConfigure(null);
  }

  private void validate() {
    if (kubeconfig != null && !Files.isReadable(kubeconfig)) {
      throw new ParameterException(spec.commandLine(), "--kubeconfig: cannot read " + kubeconfig);
    }
    if (webhookCertDir != null && !Files.isDirectory(webhookCertDir)) {
      throw new ParameterException(
          spec.commandLine(), "--webhook-cert-dir: not a directory: " + webhookCertDir);
    }
    checkPort("--probe-port", probePort);
    checkPort("--webhook-port", webhookPort);
    if (maxWarmPoolReplicas < 0) {
      throw new ParameterException(spec.commandLine(), "--max-warm-pool-replicas must be >= 0");
    }
    if (terminationSeconds < 0) {
      throw new ParameterException(spec.commandLine(), "--termination-timeout must be >= 0");
    }
    for (String ns : namespaces) {
      if (!ns.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?") || ns.length() > 63) {
        throw new ParameterException(
            spec.commandLine(), "--namespace: not a namespace name: '" + ns + "'");
      }
    }
  }

  private void checkPort(String option, int port) {
    if (port < 0 || port > 65535) {
      throw new ParameterException(
          spec.commandLine(), option + " must be between 0 and 65535, got " + port);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  private static void closeAll(Deque<AutoCloseable> running) {
    while (!running.isEmpty()) {
      try {
        running.pop().close();
      } catch (Exception e) {
        log.warn("error while stopping: {}", e.toString());
      }
    }
  }
}
