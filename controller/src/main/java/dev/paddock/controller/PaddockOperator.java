package dev.paddock.controller;

import dev.paddock.controller.claim.SandboxClaimReconciler;
import dev.paddock.controller.pool.SandboxWarmPoolReconciler;
import dev.paddock.controller.sandbox.SandboxReconciler;
import dev.paddock.controller.template.SandboxTemplateReconciler;
import dev.paddock.controller.tenant.TenantProfileReconciler;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.RuntimeInfo;
import io.javaoperatorsdk.operator.api.config.ConfigurationServiceOverrider;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Paddock's controller process: a JOSDK {@link Operator} with every Paddock reconciler registered,
 * plus the probe/metrics HTTP server. Used by {@code paddock run}, the end-to-end tests and the
 * reconciler tests.
 *
 * <pre>{@code
 * PaddockOperator operator = PaddockOperator.builder(client, settings).build();
 * operator.start();   // returns once informers are synced (or leader election is entered)
 * ...
 * operator.stop();    // waits for in-flight reconciles up to settings.terminationTimeout()
 * }</pre>
 */
public final class PaddockOperator implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PaddockOperator.class);

  /** Makes one reconciler from the settings; reconcilers get their client from JOSDK's Context. */
  @FunctionalInterface
  public interface ReconcilerFactory {
    Reconciler<? extends HasMetadata> create(ControllerSettings settings);
  }

  /** The reconcilers every Paddock controller runs. Add a new controller here, one line. */
  static List<ReconcilerFactory> builtInReconcilers() {
    return List.of(
        SandboxReconciler::new,
        TenantProfileReconciler::new,
        SandboxTemplateReconciler::new,
        SandboxWarmPoolReconciler::new,
        SandboxClaimReconciler::new);
  }

  private final KubernetesClient client;
  private final ControllerSettings settings;
  private final MeterRegistry meterRegistry;
  private final Operator operator;
  private final ProbeServer probes;
  private volatile boolean running;

  private PaddockOperator(
      KubernetesClient client, ControllerSettings settings, List<ReconcilerFactory> factories) {
    this.client = client;
    MeterRegistry registry = settings.meterRegistry();
    if (registry == null) {
      registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    }
    this.meterRegistry = registry;
    this.settings = settings.withMeterRegistry(registry);
    this.operator = new Operator(this::configure);
    for (ReconcilerFactory factory : factories) {
      Reconciler<? extends HasMetadata> reconciler = factory.create(this.settings);
      register(reconciler);
    }
    this.probes =
        settings.probePort() < 0
            ? null
            : new ProbeServer(settings.probePort(), operator::getRuntimeInfo, registry);
  }

  private <P extends HasMetadata> void register(Reconciler<P> reconciler) {
    operator.register(
        reconciler,
        o -> {
          if (settings.watchesAllNamespaces()) {
            o.watchingAllNamespaces();
          } else {
            o.settingNamespaces(settings.namespaces());
          }
        });
  }

  /** All operator-wide settings in one place. */
  private void configure(ConfigurationServiceOverrider o) {
    o.withKubernetesClient(client)
        .withCloseClientOnStop(false)
        .withMetrics(MicrometerMetrics.withoutPerResourceMetrics(meterRegistry))
        .withConcurrentReconciliationThreads(settings.reconcileThreads())
        .withReconciliationTerminationTimeout(settings.terminationTimeout())
        .withStopOnInformerErrorDuringStartup(true)
        .withCacheSyncTimeout(Duration.ofMinutes(2))
        .withInformerStoppedHandler(PaddockOperator::onInformerStopped)
        .withUseSSAToPatchPrimaryResource(settings.serverSideApplyStatus());
    if (settings.leaderElection()) {
      var leaderElection =
          LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(settings.leaseName());
      if (settings.leaseNamespace() != null) {
        leaderElection.withLeaseNamespace(settings.leaseNamespace());
      }
      o.withLeaderElectionConfiguration(leaderElection.build());
    }
  }

  /** Called for every informer that stops: with a cause when it failed, without on shutdown. */
  @SuppressWarnings("rawtypes")
  private static void onInformerStopped(SharedIndexInformer informer, Throwable cause) {
    if (cause != null) {
      log.error(
          "an informer failed and stopped; /healthz reports unhealthy so the pod is restarted",
          cause);
    } else {
      log.debug("informer stopped");
    }
  }

  public static Builder builder(KubernetesClient client, ControllerSettings settings) {
    return new Builder(client, settings);
  }

  /** Starts the probe server, then the controllers; returns when the informers have synced. */
  public synchronized void start() {
    if (running) {
      return;
    }
    if (probes != null) {
      try {
        probes.start();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot serve probes on port " + settings.probePort(), e);
      }
    }
    operator.start();
    running = true;
    log.info(
        "Paddock controller started: {} controller(s), namespaces {}, leader election {}",
        operator.getRegisteredControllersNumber(),
        settings.watchesAllNamespaces() ? "[all]" : settings.namespaces(),
        settings.leaderElection() ? "on" : "off");
  }

  /** Stops the controllers, letting in-flight reconciles finish within the termination timeout. */
  public synchronized void stop() {
    operator.stop();
    if (probes != null) {
      probes.stop();
    }
    running = false;
    log.info("Paddock controller stopped");
  }

  @Override
  public void close() {
    stop();
  }

  public boolean isRunning() {
    return running;
  }

  public RuntimeInfo runtimeInfo() {
    return operator.getRuntimeInfo();
  }

  public MeterRegistry meterRegistry() {
    return meterRegistry;
  }

  /** The settings in effect (with the meter registry filled in). */
  public ControllerSettings settings() {
    return settings;
  }

  /** The port the probe server listens on (useful when settings asked for port 0), or -1. */
  public int probePort() {
    return probes == null ? -1 : probes.port();
  }

  /** Builds a {@link PaddockOperator}: built-in reconcilers plus any added here before start. */
  public static final class Builder {
    private final KubernetesClient client;
    private final ControllerSettings settings;
    private final List<ReconcilerFactory> factories = new ArrayList<>(builtInReconcilers());

    private Builder(KubernetesClient client, ControllerSettings settings) {
      this.client = Objects.requireNonNull(client, "client");
      this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** Adds one more reconciler. */
    public Builder withReconciler(ReconcilerFactory factory) {
      factories.add(Objects.requireNonNull(factory));
      return this;
    }

    /** Runs only the given reconcilers instead of the built-in ones (tests of one controller). */
    public Builder onlyReconcilers(List<ReconcilerFactory> only) {
      factories.clear();
      factories.addAll(only);
      return this;
    }

    public PaddockOperator build() {
      return new PaddockOperator(client, settings, List.copyOf(factories));
    }
  }
}
