package dev.paddock.controller.claim;

import static dev.paddock.controller.claim.PoolsAndClaims.NS;
import static dev.paddock.controller.claim.PoolsAndClaims.claim;
import static dev.paddock.controller.claim.PoolsAndClaims.getClaim;
import static dev.paddock.controller.claim.PoolsAndClaims.getPool;
import static dev.paddock.controller.claim.PoolsAndClaims.pool;
import static dev.paddock.controller.claim.PoolsAndClaims.sandboxes;
import static dev.paddock.controller.claim.PoolsAndClaims.template;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.paddock.api.AgentsLabels;
import dev.paddock.api.common.EmbeddedObjectMetadata;
import dev.paddock.api.common.PodMetadata;
import dev.paddock.api.common.VolumeClaimTemplate;
import dev.paddock.api.extensions.ClaimEnvVar;
import dev.paddock.api.extensions.ClaimLifecycle;
import dev.paddock.api.extensions.ClaimShutdownPolicy;
import dev.paddock.api.extensions.EnvVarsInjectionPolicy;
import dev.paddock.api.extensions.SandboxClaim;
import dev.paddock.api.extensions.SandboxTemplate;
import dev.paddock.api.sandbox.Sandbox;
import dev.paddock.controller.ControllerSettings;
import dev.paddock.controller.PaddockOperator;
import dev.paddock.controller.pool.WarmPoolPlanner;
import dev.paddock.controller.testing.MockCluster;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimSpecBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.DistributionSummary;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The claim reconciler on the mock API server, with the pool and template reconcilers running. */
class SandboxClaimReconcilerTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  private MockCluster cluster;
  private KubernetesClient client;
  private FakeKubelet kubelet;
  private PaddockOperator operator;
  private ControllerSettings settings;

  @BeforeEach
  void start() {
    cluster = MockCluster.start();
    client = cluster.client();
    kubelet = new FakeKubelet(cluster.newClient());
    settings = PoolsAndClaims.settings();
    operator = PoolsAndClaims.operator(cluster.newClient(), settings);
    operator.start();
  }

  @AfterEach
  void stop() {
    operator.stop();
    kubelet.close();
    cluster.close();
  }

  private void create(Object resource) {
    client.resource((io.fabric8.kubernetes.api.model.HasMetadata) resource).create();
  }

  private void awaitPoolReady(String pool, int replicas) {
    await()
        .atMost(WAIT)
        .until(
            () -> {
              var p = getPool(client, pool);
              return p.getStatus() != null
                  && Integer.valueOf(replicas).equals(p.getStatus().getReadyReplicas())
                  && Integer.valueOf(replicas).equals(p.getStatus().getReplicas());
            });
  }

  static Optional<Condition> ready(SandboxClaim claim) {
    if (claim == null || claim.getStatus() == null || claim.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return claim.getStatus().getConditions().stream()
        .filter(c -> "Ready".equals(c.getType()))
        .findFirst();
  }

  private SandboxClaim awaitReady(String name) {
    await()
        .atMost(WAIT)
        .conditionEvaluationListener(
            c -> {
              if (c.getRemainingTimeInMS() < 2000) {
                System.err.println(
                    "CLAIM " + client.getKubernetesSerialization().asJson(getClaim(client, name)));
              }
            })
        .until(
            () ->
                ready(getClaim(client, name)).map(c -> "True".equals(c.getStatus())).orElse(false));
    return getClaim(client, name);
  }

  private Condition awaitReason(String name, String reason) {
    await()
        .atMost(WAIT)
        .until(
            () ->
                ready(getClaim(client, name)).map(c -> reason.equals(c.getReason())).orElse(false));
    return ready(getClaim(client, name)).orElseThrow();
  }

  private Sandbox sandbox(String name) {
    return client.resources(Sandbox.class).inNamespace(NS).withName(name).get();
  }

  @Test
  void aWarmClaimAdoptsAReadyPoolMemberInThreeWritesAndThePoolRefills() {
    create(template("python", "python:3.12"));
    create(pool("warm", "python", 2));
    awaitPoolReady("warm", 2);
    List<String> membersBefore =
        sandboxes(client).stream().map(s -> s.getMetadata().getName()).toList();
    await().pollDelay(Duration.ofMillis(300)).atMost(WAIT).until(() -> true);
    cluster.drainRequests();

    create(claim("c1", "warm"));
    SandboxClaim claim = awaitReady("c1");

    String bound = claim.getStatus().getSandbox().getName();
    assertThat(membersBefore).contains(bound);
    assertThat(claim.getMetadata().getAnnotations())
        .containsEntry(AgentsLabels.SANDBOX_NAME, bound)
        .containsKey(AgentsLabels.CLAIM_FIRST_READY_AT);
    assertThat(claim.getStatus().getSandbox().getPodIPs()).isNotEmpty();
    assertThat(ready(claim).orElseThrow().getReason()).isEqualTo("DependenciesReady");

    Sandbox adopted = sandbox(bound);
    assertThat(adopted.getMetadata().getLabels())
        .doesNotContainKeys(AgentsLabels.WARM_POOL_SANDBOX, AgentsLabels.SANDBOX_TEMPLATE_HASH)
        .containsEntry(AgentsLabels.LAUNCH_TYPE, "warm")
        .containsEntry(AgentsLabels.CLAIM_UID, claim.getMetadata().getUid());
    assertThat(adopted.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.getKind()).isEqualTo("SandboxClaim");
              assertThat(o.getUid()).isEqualTo(claim.getMetadata().getUid());
              assertThat(o.getController()).isTrue();
            });
    assertThat(adopted.getSpec().getPodTemplate().getMetadata().getLabels())
        .containsEntry(AgentsLabels.CLAIM_UID, claim.getMetadata().getUid());

    // the claim's writes: the binding, the adoption, the status
    List<String> claimWrites =
        cluster.drainWrites().stream()
            .filter(
                r ->
                    r.contains("/sandboxclaims/c1")
                        || (r.contains("/sandboxes/" + bound)
                            && !r.startsWith("PATCH") == false
                            && !r.endsWith("/status")))
            .toList();
    assertThat(claimWrites)
        .as("API writes the controller made for warm claim c1")
        .hasSize(3)
        .anyMatch(r -> r.startsWith("PATCH") && r.contains("/sandboxclaims/c1/status"))
        .anyMatch(r -> r.startsWith("PATCH") && r.contains("/sandboxes/" + bound));

    DistributionSummary writes =
        settings.meterRegistry() == null
            ? null
            : operator
                .meterRegistry()
                .find(ClaimMetrics.API_WRITES)
                .tag("launch_type", "warm")
                .summary();
    assertThat(writes).isNotNull();
    assertThat(writes.max()).isEqualTo(3.0);

    // the pool refills
    await()
        .atMost(WAIT)
        .until(
            () ->
                sandboxes(client).stream()
                        .filter(
                            s ->
                                s.getMetadata()
                                    .getLabels()
                                    .containsKey(AgentsLabels.WARM_POOL_SANDBOX))
                        .count()
                    == 2);
  }

  @Test
  void aPoolWithZeroReplicasServesEveryClaimCold() {
    create(template("python", "python:3.12"));
    create(pool("cold", "python", 0));
    create(claim("c2", "cold"));
    SandboxClaim claim = awaitReady("c2");
    assertThat(claim.getStatus().getSandbox().getName()).isEqualTo("c2");
    Sandbox sandbox = sandbox("c2");
    assertThat(sandbox.getMetadata().getLabels())
        .containsEntry(AgentsLabels.LAUNCH_TYPE, "cold")
        .containsEntry(AgentsLabels.CLAIM_UID, claim.getMetadata().getUid())
        .containsKey(AgentsLabels.SANDBOX_TEMPLATE_REF_HASH);
    assertThat(sandbox.getMetadata().getAnnotations())
        .containsEntry(AgentsLabels.SANDBOX_TEMPLATE_REF, "python");
    assertThat(sandbox.getSpec().getPodTemplate().getSpec().getAutomountServiceAccountToken())
        .isFalse();
    assertThat(claim.getMetadata().getAnnotations()).containsKey(AgentsLabels.CLAIM_FIRST_READY_AT);
  }

  @Test
  void envVarsForceAColdStartAndFollowTheTemplatesInjectionPolicy() {
    SandboxTemplate allowed = template("allowed", "python:3.12");
    allowed.getSpec().setEnvVarsInjectionPolicy(EnvVarsInjectionPolicy.Allowed);
    create(allowed);
    create(template("strict", "python:3.12"));
    create(pool("p-allowed", "allowed", 1));
    create(pool("p-strict", "strict", 1));
    awaitPoolReady("p-allowed", 1);

    SandboxClaim withEnv = claim("env-ok", "p-allowed");
    withEnv.getSpec().setEnv(List.of(env("TASK", "fix-bug")));
    create(withEnv);
    awaitReady("env-ok");
    assertThat(
            sandbox("env-ok").getSpec().getPodTemplate().getSpec().getContainers().get(0).getEnv())
        .anyMatch(e -> e.getName().equals("TASK") && e.getValue().equals("fix-bug"))
        .anyMatch(e -> e.getName().equals("FROM_TEMPLATE"));

    SandboxClaim overriding = claim("env-override", "p-allowed");
    overriding.getSpec().setEnv(List.of(env("FROM_TEMPLATE", "2")));
    create(overriding);
    assertThat(awaitReason("env-override", ClaimReasons.ENV_VARS_INJECTION_REJECTED).getMessage())
        .contains("FROM_TEMPLATE");

    SandboxClaim refused = claim("env-refused", "p-strict");
    refused.getSpec().setEnv(List.of(env("TASK", "x")));
    create(refused);
    awaitReason("env-refused", ClaimReasons.ENV_VARS_INJECTION_REJECTED);
    assertThat(sandbox("env-refused")).isNull();
    assertThat(sandbox("env-override")).isNull();
  }

  @Test
  void volumeClaimTemplatesAreRefusedUnlessTheTemplateAllowsThem() {
    create(template("python", "python:3.12"));
    create(pool("warm", "python", 0));
    SandboxClaim withVolume = claim("vol", "warm");
    withVolume.getSpec().setVolumeClaimTemplates(List.of(volume("workspace")));
    create(withVolume);
    awaitReason("vol", ClaimReasons.VOLUME_CLAIM_TEMPLATES_ERROR);
    assertThat(sandbox("vol")).isNull();
  }

  @Test
  void additionalPodMetadataOutsideTheAllowedDomainsIsInvalidMetadata() {
    create(template("python", "python:3.12"));
    create(pool("warm", "python", 1));
    SandboxClaim bad = claim("bad-meta", "warm");
    bad.getSpec().setAdditionalPodMetadata(new PodMetadata(Map.of("team", "a"), null));
    create(bad);
    awaitReason("bad-meta", ClaimReasons.INVALID_METADATA);

    SandboxClaim reserved = claim("reserved-meta", "warm");
    reserved
        .getSpec()
        .setAdditionalPodMetadata(new PodMetadata(null, Map.of("agents.x-k8s.io/pod-name", "x")));
    create(reserved);
    awaitReason("reserved-meta", ClaimReasons.INVALID_METADATA);

    SandboxClaim good = claim("good-meta", "warm");
    good.getSpec()
        .setAdditionalPodMetadata(
            new PodMetadata(Map.of("sandbox.users.io/team", "a"), Map.of("example.com/note", "n")));
    create(good);
    SandboxClaim ready = awaitReady("good-meta");
    PodMetadata podMetadata =
        sandbox(ready.getStatus().getSandbox().getName()).getSpec().getPodTemplate().getMetadata();
    assertThat(podMetadata.getLabels()).containsEntry("sandbox.users.io/team", "a");
    assertThat(podMetadata.getAnnotations()).containsEntry("example.com/note", "n");
  }

  @Test
  void aClaimWaitsForItsPoolAndItsTemplateAndIsServedWhenTheyAppear() {
    create(claim("early", "later-pool"));
    awaitReason("early", ClaimReasons.WARM_POOL_NOT_FOUND);

    create(pool("later-pool", "later-template", 1));
    awaitReason("early", ClaimReasons.TEMPLATE_NOT_FOUND);

    create(template("later-template", "python:3.12"));
    awaitReady("early");
  }

  @Test
  void anExpiredClaimWithDeleteIsDeletedAndWithRetainKeepsTheClaimButNotItsSandbox() {
    create(template("python", "python:3.12"));
    create(pool("cold", "python", 0));

    SandboxClaim retained = claim("retained", "cold");
    ClaimLifecycle soon = new ClaimLifecycle();
    soon.setShutdownTime(Instant.now().plusSeconds(3).toString());
    soon.setShutdownPolicy(ClaimShutdownPolicy.Retain);
    retained.getSpec().setLifecycle(soon);
    create(retained);
    awaitReady("retained");
    awaitReason("retained", ClaimReasons.CLAIM_EXPIRED);
    await().atMost(WAIT).until(() -> sandbox("retained") == null);
    assertThat(getClaim(client, "retained")).isNotNull();

    SandboxClaim deleted = claim("deleted", "cold");
    ClaimLifecycle past = new ClaimLifecycle();
    past.setShutdownTime(Instant.now().minusSeconds(1).toString());
    past.setShutdownPolicy(ClaimShutdownPolicy.DeleteForeground);
    deleted.getSpec().setLifecycle(past);
    create(deleted);
    await().atMost(WAIT).until(() -> getClaim(client, "deleted") == null);
  }

  static ClaimEnvVar env(String name, String value) {
    ClaimEnvVar env = new ClaimEnvVar();
    env.setName(name);
    env.setValue(value);
    return env;
  }

  static VolumeClaimTemplate volume(String name) {
    return new VolumeClaimTemplate(
        new EmbeddedObjectMetadata(name),
        new PersistentVolumeClaimSpecBuilder()
            .withAccessModes("ReadWriteOnce")
            .withNewResources()
            .addToRequests("storage", new io.fabric8.kubernetes.api.model.Quantity("1Gi"))
            .endResources()
            .build());
  }

  static boolean isReady(Sandbox sandbox) {
    return WarmPoolPlanner.isReady(sandbox);
  }
}
