package dev.paddock.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paddock.e2e.support.ControlPlaneTest;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** kube-controller-manager's garbage collector deletes what an owner owned. */
@ControlPlaneTest
class GarbageCollectionIT {

  @Test
  void deletingAnOwnerDeletesTheObjectsItOwnsAndNothingElse(KubernetesClient client) {
    ConfigMap owner =
        client
            .configMaps()
            .resource(
                new ConfigMapBuilder()
                    .withNewMetadata()
                    .withName("owner")
                    .endMetadata()
                    .addToData("k", "v")
                    .build())
            .create();
    client
        .pods()
        .resource(
            pod("owned")
                .editMetadata()
                .addToOwnerReferences(
                    new OwnerReferenceBuilder()
                        .withApiVersion("v1")
                        .withKind("ConfigMap")
                        .withName(owner.getMetadata().getName())
                        .withUid(owner.getMetadata().getUid())
                        .build())
                .endMetadata()
                .build())
        .create();
    client.pods().resource(pod("bystander").build()).create();
    client
        .pods()
        .withName("owned")
        .waitUntilCondition(p -> ControlPlaneIT.isReady(p), 60, TimeUnit.SECONDS);

    client.configMaps().withName("owner").delete();

    Pod gone =
        client.pods().withName("owned").waitUntilCondition(p -> p == null, 60, TimeUnit.SECONDS);
    assertThat(gone).isNull();
    assertThat(client.configMaps().withName("owner").get()).isNull();
    Pod bystander = client.pods().withName("bystander").get();
    assertThat(bystander).isNotNull();
    assertThat(bystander.getMetadata().getDeletionTimestamp()).isNull();
  }

  private static PodBuilder pod(String name) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("main")
        .withImage("registry.invalid/app:1")
        .endContainer()
        .endSpec();
  }
}
