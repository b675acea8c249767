package dev.paddock.controller.claim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paddock.api.sandbox.Sandbox;
import dev.paddock.controller.testing.MockCluster;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The claim binder's exclusivity rests on the API server refusing a write made with a stale
 * resourceVersion. These tests pin down that fabric8's mock server (CRUD mode) does so, so that the
 * mock-tier exclusivity tests prove something.
 */
class MockServerContractTest {
  private final MockCluster cluster = MockCluster.start();

  @AfterEach
  void close() {
    cluster.close();
  }

  private Sandbox sandbox(String name) {
    Sandbox sandbox = new Sandbox();
    sandbox.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("ns").build());
    return sandbox;
  }

  @Test
  void aMergePatchCarryingAStaleResourceVersionIsRefusedWith409() {
    var sandboxes = cluster.client().resources(Sandbox.class).inNamespace("ns");
    Sandbox created = sandboxes.resource(sandbox("s1")).create();
    String staleVersion = created.getMetadata().getResourceVersion();
    sandboxes
        .withName("s1")
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            "{\"metadata\":{\"resourceVersion\":\""
                + staleVersion
                + "\",\"labels\":{\"a\":\"1\"}}}");

    assertThatThrownBy(
            () ->
                sandboxes
                    .withName("s1")
                    .patch(
                        PatchContext.of(PatchType.JSON_MERGE),
                        "{\"metadata\":{\"resourceVersion\":\""
                            + staleVersion
                            + "\",\"labels\":{\"b\":\"2\"}}}"))
        .isInstanceOf(KubernetesClientException.class)
        .extracting(e -> ((KubernetesClientException) e).getCode())
        .isEqualTo(409);
    assertThat(sandboxes.withName("s1").get().getMetadata().getLabels()).containsOnlyKeys("a");
  }

  @Test
  void anUpdateCarryingAStaleResourceVersionIsRefusedWith409() {
    var sandboxes = cluster.client().resources(Sandbox.class).inNamespace("ns");
    Sandbox created = sandboxes.resource(sandbox("s2")).create();
    Sandbox first = sandboxes.withName("s2").get();
    first.getMetadata().setLabels(java.util.Map.of("a", "1"));
    sandboxes.resource(first).update();

    created.getMetadata().setLabels(java.util.Map.of("b", "2"));
    assertThatThrownBy(() -> sandboxes.resource(created).update())
        .isInstanceOf(KubernetesClientException.class)
        .extracting(e -> ((KubernetesClientException) e).getCode())
        .isEqualTo(409);
  }

  @Test
  void generateNameGivesEachCreateAFreshName() {
    var sandboxes = cluster.client().resources(Sandbox.class).inNamespace("ns");
    Sandbox template = new Sandbox();
    template.setMetadata(new ObjectMetaBuilder().withGenerateName("pool-").build());
    Sandbox a = sandboxes.resource(template).create();
    Sandbox b = sandboxes.resource(template).create();
    assertThat(a.getMetadata().getName())
        .startsWith("pool-")
        .isNotEqualTo(b.getMetadata().getName());
  }
}
