package dev.paddock.controller;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * Everything the operator runtime and its reconcilers are configured with. Build one with {@link
 * #defaults()} and the {@code with…} methods; every record is immutable.
 *
 * @param clusterDomain the DNS suffix of Services, used in {@code status.serviceFQDN}
 * @param namespaces namespaces to watch; empty watches all namespaces
 * @param leaderElection whether only the holder of the lease reconciles
 * @param leaseNamespace the lease's namespace; null means the namespace the pod runs in
 * @param leaseName the lease's name
 * @param meterRegistry where JOSDK's and Paddock's metrics go; null makes a Prometheus registry
 * @param maxWarmPoolReplicas the cap on any SandboxWarmPool's replicas (a DoS guard)
 * @param probePort port of the plain-HTTP probe server ({@code /startup}, {@code /healthz}, {@code
 *     /metrics}); 0 picks a free port, negative disables it
 * @param terminationTimeout how long {@code stop()} waits for in-flight reconciles
 * @param reconcileThreads concurrent reconciliations across all controllers
 * @param serverSideApplyStatus patch primary status with server-side apply (a real API server);
 *     false uses a JSON patch, which fabric8's mock server also understands
 */
public record ControllerSettings(
    String clusterDomain,
    Set<String> namespaces,
    boolean leaderElection,
    String leaseNamespace,
    String leaseName,
    MeterRegistry meterRegistry,
    int maxWarmPoolReplicas,
    int probePort,
    Duration terminationTimeout,
    int reconcileThreads,
    boolean serverSideApplyStatus) {

  public static final String DEFAULT_CLUSTER_DOMAIN = "cluster.local";
  public static final String DEFAULT_LEASE_NAME = "paddock-controller";
  public static final int DEFAULT_PROBE_PORT = 8081;
  public static final int DEFAULT_MAX_WARM_POOL_REPLICAS = 100;

  public ControllerSettings {
    Objects.requireNonNull(clusterDomain, "clusterDomain");
    namespaces = namespaces == null ? Set.of() : Set.copyOf(namespaces);
    Objects.requireNonNull(leaseName, "leaseName");
    Objects.requireNonNull(terminationTimeout, "terminationTimeout");
    if (maxWarmPoolReplicas < 0) {
      throw new IllegalArgumentException("maxWarmPoolReplicas must be >= 0");
    }
    if (reconcileThreads < 1) {
      throw new IllegalArgumentException("reconcileThreads must be >= 1");
    }
  }

  /** Watch all namespaces, no leader election, probes on 8081, a fresh Prometheus registry. */
  public static ControllerSettings defaults() {
    return new ControllerSettings(
        DEFAULT_CLUSTER_DOMAIN,
        Set.of(),
        false,
        null,
        DEFAULT_LEASE_NAME,
        null,
        DEFAULT_MAX_WARM_POOL_REPLICAS,
        DEFAULT_PROBE_PORT,
        Duration.ofSeconds(20),
        Math.max(4, Runtime.getRuntime().availableProcessors() * 4),
        true);
  }

  /** True when every namespace is watched. */
  public boolean watchesAllNamespaces() {
    return namespaces.isEmpty();
  }

  public ControllerSettings withClusterDomain(String value) {
    return new ControllerSettings(
        value,
        namespaces,
        leaderElection,
        leaseNamespace,
        leaseName,
        meterRegistry,
        maxWarmPoolReplicas,
        probePort,
        terminationTimeout,
        reconcileThreads,
        serverSideApplyStatus);
  }

  public ControllerSettings withNamespaces(Set<String> value) {
    return new ControllerSettings(
        clusterDomain,
        value,
        leaderElection,
        leaseNamespace,
        leaseName,
        meterRegistry,
        maxWarmPoolReplicas,
        probePort,
        terminationTimeout,
        reconcileThreads,
        serverSideApplyStatus);
  }

  public ControllerSettings withLeaderElection(boolean enabled, String namespace, String name) {
    return new ControllerSettings(
        clusterDomain,
        namespaces,
        enabled,
        namespace,
        name,
        meterRegistry,
        maxWarmPoolReplicas,
        probePort,
        terminationTimeout,
        reconcileThreads,
        serverSideApplyStatus);
  }

  public ControllerSettings withMeterRegistry(MeterRegistry value) {
    return new ControllerSettings(
        clusterDomain,
        namespaces,
        leaderElection,
        leaseNamespace,
        leaseName,
        value,
        maxWarmPoolReplicas,
        probePort,
        terminationTimeout,
        reconcileThreads,
        serverSideApplyStatus);
  }

  public ControllerSettings withMaxWarmPoolReplicas(int value) {
    return new ControllerSettings(
        clusterDomain,
        namespaces,
        leaderElection,
        leaseNamespace,
        leaseName,
        meterRegistry,
        value,
        probePort,
        terminationTimeout,
        reconcileThreads,
        serverSideApplyStatus);
  }

  public ControllerSettings withProbePort(int value) {
    return new ControllerSettings(
        clusterDomain,
        namespaces,
        leaderElection,
        leaseNamespace,
        leaseName,
        meterRegistry,
        maxWarmPoolReplicas,
        value,
        terminationTimeout,
        reconcileThreads,
        serverSideApplyStatus);
  }

  public ControllerSettings withTerminationTimeout(Duration value) {
    return new ControllerSettings(
        clusterDomain,
        namespaces,
        leaderElection,
        leaseNamespace,
        leaseName,
        meterRegistry,
        maxWarmPoolReplicas,
        probePort,
        value,
        reconcileThreads,
        serverSideApplyStatus);
  }

  public ControllerSettings withReconcileThreads(int value) {
    return new ControllerSettings(
        clusterDomain,
        namespaces,
        leaderElection,
        leaseNamespace,
        leaseName,
        meterRegistry,
        maxWarmPoolReplicas,
        probePort,
        terminationTimeout,
        value,
        serverSideApplyStatus);
  }

  public ControllerSettings withServerSideApplyStatus(boolean value) {
    return new ControllerSettings(
        clusterDomain,
        namespaces,
        leaderElection,
        leaseNamespace,
        leaseName,
        meterRegistry,
        maxWarmPoolReplicas,
        probePort,
        terminationTimeout,
        reconcileThreads,
        value);
  }
}
