package dev.paddock.controller.pool;

import static dev.paddock.controller.claim.PoolsAndClaims.NS;
import static dev.paddock.controller.claim.PoolsAndClaims.getPool;
import static dev.paddock.controller.claim.PoolsAndClaims.pool;
import static dev.paddock.controller.claim.PoolsAndClaims.sandboxes;
import static dev.paddock.controller.claim.PoolsAndClaims.template;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.paddock.api.AgentsLabels;
import dev.paddock.api.NameHash;
import dev.paddock.api.extensions.SandboxTemplate;
import dev.paddock.api.extensions.SandboxWarmPool;
import dev.paddock.api.extensions.UpdateStrategyType;
import dev.paddock.api.sandbox.Sandbox;
import dev.paddock.controller.ControllerSettings;
import dev.paddock.controller.PaddockOperator;
import dev.paddock.controller.claim.FakeKubelet;
import dev.paddock.controller.claim.PoolsAndClaims;
import dev.paddock.controller.testing.MockCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The warm pool reconciler on the mock API server. */
class SandboxWarmPoolReconcilerTest {
  private static final Duration WAIT = Duration.ofSeconds(90);

  private MockCluster cluster;
  private KubernetesClient client;
  private FakeKubelet kubelet;
  private PaddockOperator operator;

  @BeforeEach
  void start() {
    cluster = MockCluster.start();
    client = cluster.client();
    kubelet = new FakeKubelet(cluster.newClient());
  }

  @AfterEach
  void stop() {
    if (operator != null) {
      operator.stop();
    }
    kubelet.close();
    cluster.close();
  }

  private void run(ControllerSettings settings, Duration notReadyGrace) {
    operator =
        PoolsAndClaims.operator(cluster.newClient(), settings, true, true, false, notReadyGrace);
    operator.start();
  }

  private void run() {
    run(PoolsAndClaims.settings(), Duration.ofMinutes(10));
  }

  private List<Sandbox> members(String pool) {
    return sandboxes(client).stream()
        .filter(
            s ->
                NameHash.of(pool)
                    .equals(s.getMetadata().getLabels().get(AgentsLabels.WARM_POOL_SANDBOX)))
        .toList();
  }

  private void awaitReady(String pool, int replicas) {
    await()
        .atMost(WAIT)
        .until(
            () -> {
              SandboxWarmPool p = getPool(client, pool);
              return members(pool).size() == replicas
                  && p.getStatus() != null
                  && Integer.valueOf(replicas).equals(p.getStatus().getReplicas())
                  && Integer.valueOf(replicas).equals(p.getStatus().getReadyReplicas())
                  && p.getMetadata().getGeneration().equals(p.getStatus().getObservedGeneration());
            });
  }

  private void scale(String pool, int replicas) {
    client
        .resources(SandboxWarmPool.class)
        .inNamespace(NS)
        .withName(pool)
        .edit(
            p -> {
              p.getSpec().setReplicas(replicas);
              return p;
            });
  }

  @Test
  void aPoolKeepsItsReplicasOfLabelledOwnedSandboxesBuiltFromTheTemplate() {
    run();
    client.resource(template("python", "python:3.12")).create();
    SandboxWarmPool created = client.resource(pool("warm", "python", 3)).create();
    awaitReady("warm", 3);

    SandboxWarmPool pool = getPool(client, "warm");
    assertThat(pool.getStatus().getSelector())
        .isEqualTo("agents.x-k8s.io/warm-pool-sandbox=" + NameHash.of("warm"));
    for (Sandbox member : members("warm")) {
      assertThat(member.getMetadata().getName()).startsWith("warm-");
      assertThat(member.getMetadata().getGenerateName()).isEqualTo("warm-");
      assertThat(member.getMetadata().getLabels())
          .containsEntry(AgentsLabels.SANDBOX_TEMPLATE_REF_HASH, NameHash.of("python"))
          .containsEntry(AgentsLabels.LAUNCH_TYPE, "warm")
          .containsKey(AgentsLabels.SANDBOX_TEMPLATE_HASH);
      assertThat(member.getMetadata().getAnnotations())
          .containsEntry(AgentsLabels.SANDBOX_TEMPLATE_REF, "python");
      assertThat(member.getMetadata().getOwnerReferences())
          .singleElement()
          .satisfies(
              o -> {
                assertThat(o.getKind()).isEqualTo("SandboxWarmPool");
                assertThat(o.getUid()).isEqualTo(created.getMetadata().getUid());
                assertThat(o.getController()).isTrue();
              });
      assertThat(member.getSpec().getPodTemplate().getSpec().getAutomountServiceAccountToken())
          .isFalse();
      assertThat(member.getSpec().getPodTemplate().getMetadata().getLabels())
          .containsEntry(AgentsLabels.SANDBOX_TEMPLATE_REF_HASH, NameHash.of("python"));
    }
  }

  @Test
  void aStormOfReconcilesCreatesExactlyTheDeficit() throws Exception {
    run();
    client.resource(template("python", "python:3.12")).create();
    kubelet.setEnabled(false);
    client.resource(pool("storm", "python", 40)).create();

    // every status update of a member is an event for the pool: hammer it while it is filling
    ExecutorService hammer = Executors.newFixedThreadPool(4);
    for (int t = 0; t < 4; t++) {
      hammer.submit(
          () -> {
            for (int i = 0; i < 60; i++) {
              client
                  .resources(SandboxWarmPool.class)
                  .inNamespace(NS)
                  .withName("storm")
                  .edit(
                      p -> {
                        p.getMetadata()
                            .setAnnotations(
                                java.util.Map.of("poke", Long.toString(System.nanoTime())));
                        return p;
                      });
              kubelet.setEnabled(i % 2 == 0);
            }
            return null;
          });
    }
    hammer.shutdown();
    assertThat(hammer.awaitTermination(2, TimeUnit.MINUTES)).isTrue();
    kubelet.setEnabled(true);
    awaitReady("storm", 40);

    // one more spec change, and wait until the pool observed it: still exactly 40
    scale("storm", 40);
    client
        .resources(SandboxWarmPool.class)
        .inNamespace(NS)
        .withName("storm")
        .edit(
            p -> {
              p.getSpec().setReplicas(40);
              p.getMetadata().setLabels(java.util.Map.of("poked", "yes"));
              return p;
            });
    awaitReady("storm", 40);
    long creates =
        cluster.drainRequestLines().stream()
            .filter(r -> r.startsWith("POST ") && r.endsWith("/namespaces/" + NS + "/sandboxes"))
            .count();
    assertThat(creates).as("sandboxes created for a pool of 40").isEqualTo(40);
    assertThat(sandboxes(client)).hasSize(40);
  }

  @Test
  void aPoolScaledToZeroEmptiesAndScaledBackRefills() {
    run();
    client.resource(template("python", "python:3.12")).create();
    client.resource(pool("elastic", "python", 3)).create();
    awaitReady("elastic", 3);

    scale("elastic", 0);
    awaitReady("elastic", 0);
    assertThat(members("elastic")).isEmpty();

    scale("elastic", 2);
    awaitReady("elastic", 2);
  }

  @Test
  void theScaleSubresourceResizesThePool() {
    run();
    client.resource(template("python", "python:3.12")).create();
    client.resource(pool("scaled", "python", 1)).create();
    awaitReady("scaled", 1);

    client.resources(SandboxWarmPool.class).inNamespace(NS).withName("scaled").scale(4);
    assertThat(getPool(client, "scaled").getSpec().getReplicas()).isEqualTo(4);
    awaitReady("scaled", 4);
  }

  @Test
  void aPoolAboveTheCapIsHeldAtItWithAConditionSayingSo() {
    run(PoolsAndClaims.settings().withMaxWarmPoolReplicas(3), Duration.ofMinutes(10));
    client.resource(template("python", "python:3.12")).create();
    client.resource(pool("greedy", "python", 1000)).create();
    awaitReady("greedy", 3);
    assertThat(getPool(client, "greedy").getStatus().getConditions())
        .anySatisfy(
            c -> {
              assertThat(c.getType()).isEqualTo("ReplicasCapped");
              assertThat(c.getStatus()).isEqualTo("True");
              assertThat(c.getMessage()).contains("1000").contains("3");
            });

    scale("greedy", 2);
    awaitReady("greedy", 2);
    assertThat(getPool(client, "greedy").getStatus().getConditions()).isNull();
  }

  private void changeTemplateImage(String template, String image) {
    client
        .resources(SandboxTemplate.class)
        .inNamespace(NS)
        .withName(template)
        .edit(
            t -> {
              t.getSpec().getPodTemplate().getSpec().getContainers().get(0).setImage(image);
              return t;
            });
  }

  private static String image(Sandbox sandbox) {
    return sandbox.getSpec().getPodTemplate().getSpec().getContainers().get(0).getImage();
  }

  @Test
  void recreateReplacesMembersBuiltFromAnOldTemplate() {
    run();
    client.resource(template("python", "python:3.12")).create();
    client.resource(pool("fresh", "python", 3, UpdateStrategyType.Recreate)).create();
    awaitReady("fresh", 3);
    Set<String> before = names(members("fresh"));

    changeTemplateImage("python", "python:3.13");
    await()
        .atMost(WAIT)
        .until(
            () ->
                members("fresh").size() == 3
                    && members("fresh").stream().allMatch(s -> image(s).equals("python:3.13")));
    assertThat(names(members("fresh"))).doesNotContainAnyElementsOf(before);
    awaitReady("fresh", 3);
  }

  @Test
  void onReplenishKeepsExistingMembersAndBuildsNewOnesFromTheNewTemplate() {
    run();
    client.resource(template("python", "python:3.12")).create();
    client.resource(pool("steady", "python", 2)).create();
    awaitReady("steady", 2);
    Set<String> before = names(members("steady"));

    changeTemplateImage("python", "python:3.13");
    scale("steady", 3);
    awaitReady("steady", 3);
    List<Sandbox> after = members("steady");
    assertThat(names(after)).containsAll(before);
    assertThat(after)
        .filteredOn(s -> before.contains(s.getMetadata().getName()))
        .allMatch(s -> image(s).equals("python:3.12"));
    assertThat(after)
        .filteredOn(s -> !before.contains(s.getMetadata().getName()))
        .singleElement()
        .satisfies(s -> assertThat(image(s)).isEqualTo("python:3.13"));
  }

  @Test
  void membersStuckNotReadyPastTheGracePeriodAreReplaced() {
    kubelet.setEnabled(false);
    run(PoolsAndClaims.settings(), Duration.ofSeconds(2));
    client.resource(template("python", "python:3.12")).create();
    client.resource(pool("stuck", "python", 2)).create();
    await().atMost(WAIT).until(() -> members("stuck").size() == 2);
    Set<String> first = names(members("stuck"));

    await()
        .atMost(WAIT)
        .until(
            () -> {
              Set<String> now = names(members("stuck"));
              return now.size() == 2 && now.stream().noneMatch(first::contains);
            });
    kubelet.setEnabled(true);
    awaitReady("stuck", 2);
  }

  private static Set<String> names(List<Sandbox> sandboxes) {
    return sandboxes.stream().map(s -> s.getMetadata().getName()).collect(Collectors.toSet());
  }
}
