package dev.paddock.e2e;

import static dev.paddock.e2e.support.AgentSandboxes.claimYaml;
import static dev.paddock.e2e.support.AgentSandboxes.eventually;
import static dev.paddock.e2e.support.AgentSandboxes.fromYaml;
import static dev.paddock.e2e.support.AgentSandboxes.isControlledBy;
import static dev.paddock.e2e.support.AgentSandboxes.isReady;
import static dev.paddock.e2e.support.AgentSandboxes.members;
import static dev.paddock.e2e.support.AgentSandboxes.templateYaml;
import static dev.paddock.e2e.support.AgentSandboxes.warmPoolYaml;
import static org.assertj.core.api.Assertions.assertThat;

import dev.paddock.api.AgentsLabels;
import dev.paddock.api.NameHash;
import dev.paddock.api.extensions.SandboxClaim;
import dev.paddock.api.extensions.SandboxTemplate;
import dev.paddock.api.extensions.SandboxWarmPool;
import dev.paddock.api.sandbox.Sandbox;
import dev.paddock.e2e.support.AgentSandboxes;
import dev.paddock.e2e.support.PaddockControllerTest;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.autoscaling.v1.Scale;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Warm pools and claims on the real control plane: the pool keeps its warm sandboxes Ready, a claim
 * takes one over (ownership moves in optimistic-lock patches the API server checks), the pool
 * refills, and the {@code /scale} subresource the CRD declares resizes the pool.
 */
@PaddockControllerTest
class WarmPoolIT {

  private static final String POOL_SELECTOR =
      AgentsLabels.WARM_POOL_SANDBOX + "=" + NameHash.of("pool");

  @Test
  void aClaimTakesOverAWarmSandboxAndThePoolRefills(KubernetesClient client) {
    client.resource(fromYaml(templateYaml("python"), SandboxTemplate.class)).create();
    SandboxWarmPool pool =
        client
            .resource(fromYaml(warmPoolYaml("pool", "python", 2), SandboxWarmPool.class))
            .create();

    List<Sandbox> warm = awaitReadyMembers(client, pool, 2);
    for (Sandbox member : warm) {
      assertThat(member.getMetadata().getName()).startsWith("pool-");
      assertThat(member.getMetadata().getLabels())
          .containsEntry(AgentsLabels.WARM_POOL_SANDBOX, NameHash.of("pool"))
          .containsEntry(AgentsLabels.LAUNCH_TYPE, AgentsLabels.LAUNCH_TYPE_WARM);
      assertThat(client.pods().withName(member.getMetadata().getName()).get()).isNotNull();
    }
    Map<String, String> warmPodUids =
        warm.stream()
            .collect(
                Collectors.toMap(
                    s -> s.getMetadata().getName(),
                    s ->
                        client
                            .pods()
                            .withName(s.getMetadata().getName())
                            .get()
                            .getMetadata()
                            .getUid()));

    SandboxClaim claim =
        client.resource(fromYaml(claimYaml("claim", "pool"), SandboxClaim.class)).create();
    SandboxClaim bound =
        eventually()
            .until(
                () -> client.resources(SandboxClaim.class).withName("claim").get(),
                c -> isReady(c) && c.getStatus().getSandbox().getName() != null);

    String name = bound.getStatus().getSandbox().getName();
    assertThat(warmPodUids).as("a warm sandbox was bound, not a cold one").containsKey(name);
    assertThat(AgentSandboxes.readyCondition(bound).orElseThrow().getReason())
        .isEqualTo("DependenciesReady");
    assertThat(bound.getMetadata().getAnnotations()).containsEntry(AgentsLabels.SANDBOX_NAME, name);

    Sandbox taken = client.resources(Sandbox.class).withName(name).get();
    assertThat(isControlledBy(taken, claim)).as("the claim controls the sandbox now").isTrue();
    assertThat(taken.getMetadata().getOwnerReferences())
        .extracting(OwnerReference::getKind)
        .as("the pool let go of it")
        .containsExactly("SandboxClaim");
    assertThat(taken.getMetadata().getLabels())
        .containsEntry(AgentsLabels.CLAIM_UID, claim.getMetadata().getUid())
        .containsEntry(AgentsLabels.LAUNCH_TYPE, AgentsLabels.LAUNCH_TYPE_WARM)
        .doesNotContainKey(AgentsLabels.WARM_POOL_SANDBOX);
    assertThat(bound.getStatus().getSandbox().getPodIPs())
        .isNotEmpty()
        .isEqualTo(taken.getStatus().getPodIPs());
    assertThat(client.pods().withName(name).get().getMetadata().getUid())
        .as("the warm pod keeps running: no restart on claim")
        .isEqualTo(warmPodUids.get(name));

    List<Sandbox> refilled = awaitReadyMembers(client, pool, 2);
    assertThat(refilled).extracting(s -> s.getMetadata().getName()).doesNotContain(name);
  }

  @Test
  void theScaleSubresourceResizesThePool(KubernetesClient client) throws Exception {
    client.resource(fromYaml(templateYaml("python"), SandboxTemplate.class)).create();
    SandboxWarmPool pool =
        client
            .resource(fromYaml(warmPoolYaml("pool", "python", 1), SandboxWarmPool.class))
            .create();
    awaitReadyMembers(client, pool, 1);

    // what an autoscaler does: read and write replicas through /scale, not the pool's spec
    client.resources(SandboxWarmPool.class).withName("pool").scale(3);

    awaitReadyMembers(client, pool, 3);
    assertThat(client.resources(SandboxWarmPool.class).withName("pool").get().getSpec())
        .extracting(s -> s.getReplicas())
        .isEqualTo(3);
    Scale scale =
        eventually()
            .until(
                () -> client.resources(SandboxWarmPool.class).withName("pool").scale(),
                s -> Integer.valueOf(3).equals(s.getStatus().getReplicas()));
    assertThat(scale.getSpec().getReplicas()).isEqualTo(3);
    assertThat(scale.getStatus().getSelector()).isEqualTo(POOL_SELECTOR);

    // what `kubectl scale` does: a merge PATCH of the /scale subresource
    HttpResponse<String> response = patchScale(client, "pool", 1);
    assertThat(response.code()).as(response.body()).isEqualTo(200);

    awaitReadyMembers(client, pool, 1);
    SandboxWarmPool scaledDown =
        eventually()
            .until(
                () -> client.resources(SandboxWarmPool.class).withName("pool").get(),
                p ->
                    p.getStatus() != null
                        && Integer.valueOf(1).equals(p.getStatus().getReplicas()));
    assertThat(scaledDown.getSpec().getReplicas()).isEqualTo(1);
    assertThat(scaledDown.getStatus().getReadyReplicas()).isEqualTo(1);
    assertThat(scaledDown.getStatus().getSelector()).isEqualTo(POOL_SELECTOR);
    assertThat(scaledDown.getStatus().getObservedGeneration())
        .isEqualTo(scaledDown.getMetadata().getGeneration());
  }

  @Test
  void concurrentClaimsEachGetTheirOwnSandbox(KubernetesClient client) {
    client.resource(fromYaml(templateYaml("python"), SandboxTemplate.class)).create();
    SandboxWarmPool pool =
        client
            .resource(fromYaml(warmPoolYaml("pool", "python", 2), SandboxWarmPool.class))
            .create();
    awaitReadyMembers(client, pool, 2);

    List<String> claimNames = List.of("claim-a", "claim-b", "claim-c", "claim-d");
    claimNames.parallelStream()
        .forEach(n -> client.resource(fromYaml(claimYaml(n, "pool"), SandboxClaim.class)).create());

    Map<String, String> sandboxByClaim =
        eventually()
            .until(
                () ->
                    client.resources(SandboxClaim.class).list().getItems().stream()
                        .filter(c -> isReady(c) && c.getStatus().getSandbox().getName() != null)
                        .collect(
                            Collectors.toMap(
                                c -> c.getMetadata().getName(),
                                c -> c.getStatus().getSandbox().getName())),
                bound -> bound.size() == claimNames.size());
    assertThat(Set.copyOf(sandboxByClaim.values()))
        .as("no sandbox is shared: %s", sandboxByClaim)
        .hasSize(claimNames.size());
    for (Map.Entry<String, String> binding : sandboxByClaim.entrySet()) {
      SandboxClaim claim = client.resources(SandboxClaim.class).withName(binding.getKey()).get();
      Sandbox sandbox = client.resources(Sandbox.class).withName(binding.getValue()).get();
      assertThat(sandbox.getMetadata().getOwnerReferences())
          .as("%s has exactly one owner, its claim", binding.getValue())
          .hasSize(1);
      assertThat(isControlledBy(sandbox, claim)).isTrue();
    }
    awaitReadyMembers(client, pool, 2);
  }

  @Test
  void aClaimOnAPoolOfZeroStartsASandboxColdFromTheTemplate(KubernetesClient client) {
    client.resource(fromYaml(templateYaml("python"), SandboxTemplate.class)).create();
    client.resource(fromYaml(warmPoolYaml("cold", "python", 0), SandboxWarmPool.class)).create();
    SandboxClaim claim =
        client.resource(fromYaml(claimYaml("claim", "cold"), SandboxClaim.class)).create();

    SandboxClaim bound =
        eventually()
            .until(
                () -> client.resources(SandboxClaim.class).withName("claim").get(),
                c -> isReady(c) && c.getStatus().getSandbox().getName() != null);

    assertThat(bound.getStatus().getSandbox().getName())
        .as("a cold sandbox is named after its claim")
        .isEqualTo("claim");
    Sandbox sandbox = client.resources(Sandbox.class).withName("claim").get();
    assertThat(isControlledBy(sandbox, claim)).isTrue();
    assertThat(sandbox.getMetadata().getLabels())
        .containsEntry(AgentsLabels.LAUNCH_TYPE, AgentsLabels.LAUNCH_TYPE_COLD)
        .containsEntry(AgentsLabels.CLAIM_UID, claim.getMetadata().getUid());
    Pod pod = client.pods().withName("claim").get();
    assertThat(pod.getMetadata().getLabels()).containsEntry("app", "agent");
    assertThat(bound.getStatus().getSandbox().getPodIPs())
        .containsExactly(pod.getStatus().getPodIP());
  }

  /** Waits until the pool has exactly {@code count} members, all Ready, and says so in status. */
  static List<Sandbox> awaitReadyMembers(KubernetesClient client, SandboxWarmPool pool, int count) {
    return eventually()
        .until(
            () -> {
              SandboxWarmPool live =
                  client
                      .resources(SandboxWarmPool.class)
                      .withName(pool.getMetadata().getName())
                      .get();
              List<Sandbox> members = members(client, live);
              boolean statusAgrees =
                  live.getStatus() != null
                      && Integer.valueOf(count).equals(live.getStatus().getReplicas())
                      && Integer.valueOf(count).equals(live.getStatus().getReadyReplicas());
              return statusAgrees ? members : List.<Sandbox>of();
            },
            members ->
                members.size() == count && members.stream().allMatch(AgentSandboxes::isReady));
  }

  private static HttpResponse<String> patchScale(KubernetesClient client, String pool, int n)
      throws Exception {
    String url =
        client.getMasterUrl()
            + "apis/extensions.agents.x-k8s.io/v1beta1/namespaces/"
            + client.getNamespace()
            + "/sandboxwarmpools/"
            + pool
            + "/scale";
    HttpRequest request =
        client
            .getHttpClient()
            .newHttpRequestBuilder()
            .uri(url)
            .method("PATCH", "application/merge-patch+json", "{\"spec\":{\"replicas\":" + n + "}}")
            .build();
    return client.getHttpClient().sendAsync(request, String.class).get(60, TimeUnit.SECONDS);
  }
}
