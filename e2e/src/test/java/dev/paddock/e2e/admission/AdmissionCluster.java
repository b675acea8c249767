package dev.paddock.e2e.admission;

import static org.awaitility.Awaitility.await;

import dev.paddock.e2e.cluster.ControlPlaneBinaries;
import dev.paddock.e2e.cluster.PaddockCrdInstaller;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.core.ConditionFactory;

/** What the admission tests need from the cluster: Paddock's CRDs, and patience. */
final class AdmissionCluster {
  private AdmissionCluster() {}

  /** The repository root (failsafe passes it as {@code paddock.root}). */
  static Path repoRoot() {
    return ControlPlaneBinaries.findRepoRoot();
  }

  /**
   * Polls without a fixed sleep for up to two minutes: the shared 2-core machine can be slow, and
   * these tests prove behaviour, never speed.
   */
  static ConditionFactory eventually() {
    return await()
        .atMost(Duration.ofMinutes(2))
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(200));
  }

  /** Applies every CRD of {@code deploy/crds} (server-side, idempotent) and waits until served. */
  static void installCrds(KubernetesClient client) {
    PaddockCrdInstaller.install(client, PaddockCrdInstaller.directory(repoRoot()));
  }
}
