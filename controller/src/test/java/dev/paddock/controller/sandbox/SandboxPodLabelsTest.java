package dev.paddock.controller.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paddock.api.AgentsLabels;
import dev.paddock.api.NameHash;
import dev.paddock.api.sandbox.Sandbox;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SandboxPodLabelsTest {
  @Test
  void poolAndClaimLabelsReachThePodSoTheTemplateNetworkPolicySelectsIt() {
    Sandbox sandbox = new Sandbox();
    sandbox.getMetadata().setName("pool-abc12");
    Map<String, String> labels =
        SandboxNames.podLabelsFor(
            sandbox,
            Map.of(
                "app",
                "agent",
                AgentsLabels.SANDBOX_TEMPLATE_REF_HASH,
                "1a2b3c",
                AgentsLabels.CLAIM_UID,
                "uid-1",
                AgentsLabels.CREATED_BY,
                "controller",
                AgentsLabels.SANDBOX_NAME_HASH,
                "forged",
                AgentsLabels.WARM_POOL_SANDBOX,
                "pool-hash"));

    assertThat(labels)
        .containsEntry("app", "agent")
        .containsEntry(AgentsLabels.SANDBOX_TEMPLATE_REF_HASH, "1a2b3c")
        .containsEntry(AgentsLabels.CLAIM_UID, "uid-1")
        .containsEntry(AgentsLabels.CREATED_BY, "controller")
        // the controller's own hash wins over a forged one, and pool membership stays off the pod
        .containsEntry(AgentsLabels.SANDBOX_NAME_HASH, NameHash.of("pool-abc12"))
        .doesNotContainKey(AgentsLabels.WARM_POOL_SANDBOX);
  }

  @Test
  void volumeClaimsGetNoReservedLabelsFromATemplate() {
    Sandbox sandbox = new Sandbox();
    sandbox.getMetadata().setName("coder");
    assertThat(
            SandboxNames.labelsFor(
                sandbox, Map.of("tier", "fast", AgentsLabels.CLAIM_UID, "forged")))
        .containsOnlyKeys("tier", AgentsLabels.SANDBOX_NAME_HASH);
  }
}
