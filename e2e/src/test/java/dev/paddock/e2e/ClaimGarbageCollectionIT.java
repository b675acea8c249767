package dev.paddock.e2e;

import static dev.paddock.e2e.support.AgentSandboxes.claimYaml;
import static dev.paddock.e2e.support.AgentSandboxes.eventually;
import static dev.paddock.e2e.support.AgentSandboxes.fromYaml;
import static dev.paddock.e2e.support.AgentSandboxes.isControlledBy;
import static dev.paddock.e2e.support.AgentSandboxes.isReady;
import static dev.paddock.e2e.support.AgentSandboxes.templateYaml;
import static dev.paddock.e2e.support.AgentSandboxes.warmPoolYaml;
import static org.assertj.core.api.Assertions.assertThat;

import dev.paddock.api.extensions.SandboxClaim;
import dev.paddock.api.extensions.SandboxTemplate;
import dev.paddock.api.extensions.SandboxWarmPool;
import dev.paddock.api.sandbox.Sandbox;
import dev.paddock.e2e.support.PaddockControllerTest;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * Deleting a claim takes its sandbox and pod with it through the owner references Paddock sets
 * (claim → sandbox → pod): the garbage collector of the real kube-controller-manager does the
 * deleting, not the test and not a finalizer.
 */
@PaddockControllerTest
class ClaimGarbageCollectionIT {

  @Test
  void deletingAClaimDeletesItsSandboxAndPod(KubernetesClient client) {
    Bound bound = claimAWarmSandbox(client);

    client.resources(SandboxClaim.class).withName("claim").delete(); // background, as the SDK does

    eventually().until(() -> gone(client, bound));
    assertThat(client.resources(SandboxClaim.class).withName("claim").get()).isNull();
  }

  @Test
  void foregroundDeletionOfAClaimWaitsForItsSandboxAndPod(KubernetesClient client) {
    Bound bound = claimAWarmSandbox(client);

    client
        .resources(SandboxClaim.class)
        .withName("claim")
        .withPropagationPolicy(DeletionPropagation.FOREGROUND)
        .delete();

    // blockOwnerDeletion holds the claim until the collector has removed what it owns
    eventually().until(() -> client.resources(SandboxClaim.class).withName("claim").get() == null);
    assertThat(gone(client, bound)).as("the sandbox and pod went before the claim").isTrue();
  }

  private record Bound(Sandbox sandbox, Pod pod) {}

  private static Bound claimAWarmSandbox(KubernetesClient client) {
    client.resource(fromYaml(templateYaml("python"), SandboxTemplate.class)).create();
    SandboxWarmPool pool =
        client
            .resource(fromYaml(warmPoolYaml("pool", "python", 1), SandboxWarmPool.class))
            .create();
    WarmPoolIT.awaitReadyMembers(client, pool, 1);
    SandboxClaim claim =
        client.resource(fromYaml(claimYaml("claim", "pool"), SandboxClaim.class)).create();
    SandboxClaim ready =
        eventually()
            .until(
                () -> client.resources(SandboxClaim.class).withName("claim").get(),
                c -> isReady(c) && c.getStatus().getSandbox().getName() != null);
    String name = ready.getStatus().getSandbox().getName();
    Sandbox sandbox = client.resources(Sandbox.class).withName(name).get();
    Pod pod = client.pods().withName(name).get();
    assertThat(isControlledBy(sandbox, claim)).as("claim owns sandbox").isTrue();
    assertThat(isControlledBy(pod, sandbox)).as("sandbox owns pod").isTrue();
    return new Bound(sandbox, pod);
  }

  /** Neither the sandbox nor its pod exists any more (a namesake with another uid would not do). */
  private static boolean gone(KubernetesClient client, Bound bound) {
    Sandbox sandbox =
        client.resources(Sandbox.class).withName(bound.sandbox().getMetadata().getName()).get();
    Pod pod = client.pods().withName(bound.pod().getMetadata().getName()).get();
    return (sandbox == null
            || !Objects.equals(
                sandbox.getMetadata().getUid(), bound.sandbox().getMetadata().getUid()))
        && (pod == null
            || !Objects.equals(pod.getMetadata().getUid(), bound.pod().getMetadata().getUid()));
  }
}
