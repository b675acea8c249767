package dev.paddock.e2e.admission;

import static org.awaitility.Awaitility.await;

import dev.paddock.e2e.cluster.ControlPlaneBinaries;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
    Path directory = repoRoot().resolve("deploy/crds");
    List<Path> files;
    try (Stream<Path> list = Files.list(directory)) {
      files = list.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (Path file : files) {
      List<HasMetadata> items;
      try (InputStream in = Files.newInputStream(file)) {
        items = client.load(in).items();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      for (HasMetadata item : items) {
        if (item instanceof CustomResourceDefinition crd) {
          var crds = client.apiextensions().v1().customResourceDefinitions();
          crds.resource(crd).forceConflicts().serverSideApply();
          crds.withName(crd.getMetadata().getName())
              .waitUntilCondition(AdmissionCluster::established, 60, TimeUnit.SECONDS);
        }
      }
    }
  }

  private static boolean established(CustomResourceDefinition crd) {
    return crd != null
        && crd.getStatus() != null
        && crd.getStatus().getConditions() != null
        && crd.getStatus().getConditions().stream()
            .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
