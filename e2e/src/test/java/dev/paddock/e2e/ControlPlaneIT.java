package dev.paddock.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paddock.e2e.cluster.LocalControlPlane;
import dev.paddock.e2e.support.ControlPlaneTest;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.VersionInfo;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

@ControlPlaneTest
class ControlPlaneIT {

  @Test
  void apiServerReportsTheKubernetesReleaseItWasBuiltFrom(
      KubernetesClient client, LocalControlPlane controlPlane) {
    VersionInfo version = client.getKubernetesVersion();

    // Without build.sh's version ldflags the server says v0.0.0-master+$Format:%H$.
    assertThat(version.getGitVersion()).isEqualTo(controlPlane.kubernetesVersion());
    assertThat(controlPlane.kubernetesVersion()).matches("v1\\.\\d+\\.\\d+");
    assertThat(version.getMajor()).isEqualTo("1");
    assertThat("v1." + version.getMinor() + ".").isSubstringOf(version.getGitVersion() + ".");
  }

  @Test
  void podIsScheduledOntoAKwokNodeAndBecomesRunningAndReadyWithAPodIp(
      KubernetesClient client, LocalControlPlane controlPlane) {
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName("hello")
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("main")
            .withImage("registry.invalid/hello:1")
            .endContainer()
            .endSpec()
            .build();
    client.pods().resource(pod).create();

    Pod ready =
        client
            .pods()
            .withName("hello")
            .waitUntilCondition(
                p -> p != null && "Running".equals(p.getStatus().getPhase()) && isReady(p),
                60,
                TimeUnit.SECONDS);

    assertThat(controlPlane.nodeNames()).contains(ready.getSpec().getNodeName());
    assertThat(ready.getStatus().getPodIP()).isNotBlank();
    assertThat(ready.getStatus().getPodIP()).startsWith("10.244.");
    assertThat(ready.getStatus().getConditions())
        .filteredOn(c -> "PodScheduled".equals(c.getType()))
        .extracting(PodCondition::getStatus)
        .containsExactly("True");
  }

  @Test
  void everyKwokNodeIsReadyAndSchedulable(KubernetesClient client, LocalControlPlane controlPlane) {
    assertThat(controlPlane.nodeNames()).hasSize(3);
    for (String name : controlPlane.nodeNames()) {
      var node = client.nodes().withName(name).get();
      assertThat(node.getSpec().getUnschedulable()).isNotEqualTo(Boolean.TRUE);
      assertThat(node.getStatus().getConditions())
          .filteredOn(c -> "Ready".equals(c.getType()))
          .extracting(c -> c.getStatus())
          .containsExactly("True");
    }
  }

  static boolean isReady(Pod pod) {
    return pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
