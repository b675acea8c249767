package dev.paddock.controller.claim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paddock.api.common.PodMetadata;
import dev.paddock.api.common.VolumeClaimTemplate;
import dev.paddock.api.extensions.ClaimLifecycle;
import dev.paddock.api.extensions.EnvVarsInjectionPolicy;
import dev.paddock.api.extensions.SandboxClaim;
import dev.paddock.api.extensions.SandboxClaimStatus;
import dev.paddock.api.extensions.SandboxTemplate;
import dev.paddock.api.extensions.VolumeClaimTemplatesPolicy;
import dev.paddock.api.sandbox.SandboxSpec;
import dev.paddock.controller.template.SandboxBlueprints;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.EnvFromSourceBuilder;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The claim's pure rules: metadata, env and volume injection, expiry. */
class ClaimPoliciesTest {
  private final PodMetadataPolicy metadata = new PodMetadataPolicy(List.of());

  private static ClaimRejection rejection(ThrowingCall call) {
    try {
      call.run();
    } catch (ClaimRejection r) {
      return r;
    }
    throw new AssertionError("expected a ClaimRejection");
  }

  interface ThrowingCall {
    void run() throws ClaimRejection;
  }

  @Test
  void labelsNeedAnAllowedDomainAndAnnotationsStayOutOfReservedDomains() throws ClaimRejection {
    metadata.validate(
        new PodMetadata(
            Map.of("sandbox.users.io/team", "a", "x.sandbox.users.io/b", "c"),
            Map.of(
                "example.com/note",
                "n",
                "cluster-autoscaler.kubernetes.io/safe-to-evict",
                "false")));
    for (var bad :
        List.of(
            new PodMetadata(Map.of("team", "a"), null),
            new PodMetadata(Map.of("app", "sandbox-router"), null),
            new PodMetadata(Map.of("example.com/team", "a"), null),
            new PodMetadata(Map.of("sandbox.users.io/team", "not a value"), null),
            new PodMetadata(null, Map.of("agents.x-k8s.io/pod-name", "x")),
            new PodMetadata(null, Map.of("kubernetes.io/foo", "x")),
            new PodMetadata(null, Map.of("node.k8s.io/foo", "x")))) {
      assertThat(rejection(() -> metadata.validate(bad)).reason())
          .as("%s", bad.getLabels() != null ? bad.getLabels() : bad.getAnnotations())
          .isEqualTo(ClaimReasons.INVALID_METADATA);
    }
  }

  @Test
  void aClaimMayAddPodMetadataButNotChangeTheTemplatesValues() throws ClaimRejection {
    PodMetadata template = new PodMetadata(Map.of("sandbox.users.io/tier", "gold"), null);
    PodMetadata merged =
        PodMetadataPolicy.merge(
            template, new PodMetadata(Map.of("sandbox.users.io/team", "a"), null));
    assertThat(merged.getLabels())
        .containsEntry("sandbox.users.io/tier", "gold")
        .containsEntry("sandbox.users.io/team", "a");
    assertThat(
            rejection(
                    () ->
                        PodMetadataPolicy.merge(
                            template,
                            new PodMetadata(Map.of("sandbox.users.io/tier", "free"), null)))
                .reason())
        .isEqualTo(ClaimReasons.INVALID_METADATA);
  }

  private static SandboxSpec spec() {
    SandboxTemplate template = PoolsAndClaims.template("t", "img");
    return SandboxBlueprints.sandboxSpec(template);
  }

  @Test
  void envInjectionFollowsThePolicy() throws ClaimRejection {
    var newVar = List.of(SandboxClaimReconcilerTest.env("TASK", "x"));
    var override = List.of(SandboxClaimReconcilerTest.env("FROM_TEMPLATE", "2"));

    assertThat(
            rejection(
                    () ->
                        ClaimSandboxes.injectEnv(spec(), newVar, EnvVarsInjectionPolicy.Disallowed))
                .reason())
        .isEqualTo(ClaimReasons.ENV_VARS_INJECTION_REJECTED);
    assertThat(rejection(() -> ClaimSandboxes.injectEnv(spec(), newVar, null)).reason())
        .isEqualTo(ClaimReasons.ENV_VARS_INJECTION_REJECTED);

    SandboxSpec allowed = spec();
    ClaimSandboxes.injectEnv(allowed, newVar, EnvVarsInjectionPolicy.Allowed);
    assertThat(allowed.getPodTemplate().getSpec().getContainers().get(0).getEnv())
        .extracting(e -> e.getName() + "=" + e.getValue())
        .containsExactly("FROM_TEMPLATE=1", "TASK=x");
    assertThat(
            rejection(
                    () ->
                        ClaimSandboxes.injectEnv(spec(), override, EnvVarsInjectionPolicy.Allowed))
                .reason())
        .isEqualTo(ClaimReasons.ENV_VARS_INJECTION_REJECTED);

    SandboxSpec withEnvFrom = spec();
    withEnvFrom
        .getPodTemplate()
        .getSpec()
        .getContainers()
        .get(0)
        .setEnvFrom(List.of(new EnvFromSourceBuilder().withNewConfigMapRef("cm", false).build()));
    assertThat(
            rejection(
                    () ->
                        ClaimSandboxes.injectEnv(
                            withEnvFrom, newVar, EnvVarsInjectionPolicy.Allowed))
                .reason())
        .isEqualTo(ClaimReasons.ENV_VARS_INJECTION_REJECTED);

    SandboxSpec overrides = spec();
    ClaimSandboxes.injectEnv(overrides, override, EnvVarsInjectionPolicy.Overrides);
    assertThat(overrides.getPodTemplate().getSpec().getContainers().get(0).getEnv())
        .extracting(e -> e.getName() + "=" + e.getValue())
        .containsExactly("FROM_TEMPLATE=2");

    var elsewhere = SandboxClaimReconcilerTest.env("TASK", "x");
    elsewhere.setContainerName("missing");
    assertThat(
            rejection(
                    () ->
                        ClaimSandboxes.injectEnv(
                            spec(), List.of(elsewhere), EnvVarsInjectionPolicy.Overrides))
                .reason())
        .isEqualTo(ClaimReasons.ENV_VARS_INJECTION_REJECTED);
  }

  @Test
  void volumeClaimTemplatesFollowThePolicy() throws ClaimRejection {
    List<VolumeClaimTemplate> template = List.of(SandboxClaimReconcilerTest.volume("workspace"));
    List<VolumeClaimTemplate> sameName = List.of(SandboxClaimReconcilerTest.volume("workspace"));
    List<VolumeClaimTemplate> newName = List.of(SandboxClaimReconcilerTest.volume("cache"));

    assertThat(ClaimSandboxes.mergeVolumeClaimTemplates(template, null, null)).isEqualTo(template);
    assertThat(
            rejection(
                    () ->
                        ClaimSandboxes.mergeVolumeClaimTemplates(
                            template, newName, VolumeClaimTemplatesPolicy.Disallowed))
                .reason())
        .isEqualTo(ClaimReasons.VOLUME_CLAIM_TEMPLATES_ERROR);
    assertThat(
            ClaimSandboxes.mergeVolumeClaimTemplates(
                template, newName, VolumeClaimTemplatesPolicy.Allowed))
        .extracting(v -> v.getMetadata().getName())
        .containsExactly("workspace", "cache");
    assertThat(
            rejection(
                    () ->
                        ClaimSandboxes.mergeVolumeClaimTemplates(
                            template, sameName, VolumeClaimTemplatesPolicy.Allowed))
                .reason())
        .isEqualTo(ClaimReasons.VOLUME_CLAIM_TEMPLATES_ERROR);
    assertThat(
            ClaimSandboxes.mergeVolumeClaimTemplates(
                template, sameName, VolumeClaimTemplatesPolicy.Overrides))
        .containsExactly(sameName.get(0));
    assertThat(
            rejection(
                    () ->
                        ClaimSandboxes.mergeVolumeClaimTemplates(
                            template,
                            List.of(
                                SandboxClaimReconcilerTest.volume("a"),
                                SandboxClaimReconcilerTest.volume("a")),
                            VolumeClaimTemplatesPolicy.Overrides))
                .reason())
        .isEqualTo(ClaimReasons.VOLUME_CLAIM_TEMPLATES_ERROR);
  }

  @Test
  void aClaimExpiresAtTheEarlierOfItsShutdownTimeAndFinishedPlusTtl() {
    SandboxClaim claim = PoolsAndClaims.claim("c", "p");
    assertThat(ClaimExpiry.of(claim)).isEmpty();

    Instant shutdown = Instant.parse("2026-12-01T00:00:00Z");
    Instant finished = Instant.parse("2026-11-30T00:00:00Z");
    ClaimLifecycle lifecycle = new ClaimLifecycle();
    lifecycle.setShutdownTime(shutdown.toString());
    lifecycle.setTtlSecondsAfterFinished(60);
    claim.getSpec().setLifecycle(lifecycle);
    assertThat(ClaimExpiry.of(claim)).contains(shutdown);

    SandboxClaimStatus status = new SandboxClaimStatus();
    status.setConditions(
        List.of(
            new ConditionBuilder()
                .withType("Finished")
                .withStatus("True")
                .withLastTransitionTime(finished.toString())
                .build()));
    claim.setStatus(status);
    assertThat(ClaimExpiry.of(claim)).contains(finished.plusSeconds(60));

    lifecycle.setShutdownTime(finished.toString());
    assertThat(ClaimExpiry.of(claim)).contains(finished);
  }
}
