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
import dev.paddock.api.extensions.SandboxClaim;
import dev.paddock.api.sandbox.Sandbox;
import dev.paddock.controller.PaddockOperator;
import dev.paddock.controller.testing.MockCluster;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Claims across controller failures: a half-done binding, and two controllers racing. */
class ClaimRecoveryTest {
  private static final Duration WAIT = Duration.ofMinutes(3);
  private MockCluster cluster;
  private KubernetesClient client;
  private FakeKubelet kubelet;

  @BeforeEach
  void start() {
    cluster = MockCluster.start();
    client = cluster.client();
    kubelet = new FakeKubelet(cluster.newClient());
  }

  @AfterEach
  void stop() {
    kubelet.close();
    cluster.close();
  }

  private PaddockOperator operator(boolean pools, boolean claims) {
    PaddockOperator operator =
        PoolsAndClaims.operator(
            cluster.newClient(),
            PoolsAndClaims.settings(),
            true,
            pools,
            claims,
            Duration.ofMinutes(10));
    operator.start();
    return operator;
  }

  private void fill(String name, int replicas) {
    client.resource(template("python", "python:3.12")).create();
    client.resource(pool(name, "python", replicas)).create();
    await()
        .atMost(WAIT)
        .until(
            () -> {
              var s = getPool(client, name).getStatus();
              return s != null && Integer.valueOf(replicas).equals(s.getReadyReplicas());
            });
  }

  private static boolean ready(SandboxClaim c) {
    return SandboxClaimReconcilerTest.ready(c).map(r -> "True".equals(r.getStatus())).orElse(false);
  }

  @Test
  void aBindingRecordedByAControllerThatStoppedBeforeAdoptingIsFinishedByTheNext() {
    PaddockOperator filler = operator(true, false);
    fill("warm", 2);
    filler.stop();
    String recorded = sandboxes(client).get(0).getMetadata().getName();

    // as if a controller wrote the binding (write 1) and stopped before moving the sandbox
    SandboxClaim halfBound = claim("half", "warm");
    halfBound.getMetadata().setAnnotations(Map.of(AgentsLabels.SANDBOX_NAME, recorded));
    client.resource(halfBound).create();

    PaddockOperator next = operator(false, true);
    await().atMost(WAIT).until(() -> ready(getClaim(client, "half")));
    SandboxClaim claim = getClaim(client, "half");
    assertThat(claim.getStatus().getSandbox().getName()).isEqualTo(recorded);
    Sandbox sandbox = client.resources(Sandbox.class).inNamespace(NS).withName(recorded).get();
    assertThat(sandbox.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(o -> assertThat(o.getUid()).isEqualTo(claim.getMetadata().getUid()));
    next.stop();
  }

  /**
   * Two controllers (as in a leader-election split brain) serving the same claims at once: the
   * resourceVersion guards keep every sandbox with one claim and every claim with one sandbox.
   */
  @Test
  void twoControllersRacingForTheSameClaimsBindEachClaimOnceAndEachSandboxOnce() throws Exception {
    PaddockOperator filler = operator(true, false);
    fill("shared", 20);
    filler.stop();

    PaddockOperator a = operator(false, true);
    PaddockOperator b = operator(false, true);
    ExecutorService creators = Executors.newFixedThreadPool(8);
    for (int i = 0; i < 30; i++) {
      int n = i;
      creators.submit(() -> client.resource(claim("race-" + n, "shared")).create());
    }
    creators.shutdown();
    assertThat(creators.awaitTermination(1, TimeUnit.MINUTES)).isTrue();
    await()
        .atMost(WAIT)
        .until(
            () ->
                client.resources(SandboxClaim.class).inNamespace(NS).list().getItems().stream()
                        .filter(ClaimRecoveryTest::ready)
                        .count()
                    == 30);
    a.stop();
    b.stop();

    List<SandboxClaim> claims =
        client.resources(SandboxClaim.class).inNamespace(NS).list().getItems();
    Map<String, String> boundBy = new HashMap<>();
    for (SandboxClaim c : claims) {
      assertThat(boundBy.put(c.getStatus().getSandbox().getName(), c.getMetadata().getName()))
          .isNull();
    }
    Map<String, List<Sandbox>> ownedByClaim =
        sandboxes(client).stream()
            .filter(s -> owner(s).getKind().equals("SandboxClaim"))
            .collect(Collectors.groupingBy(s -> owner(s).getUid()));
    for (SandboxClaim c : claims) {
      assertThat(ownedByClaim.get(c.getMetadata().getUid()))
          .as("sandboxes owned by %s", c.getMetadata().getName())
          .singleElement()
          .satisfies(
              s ->
                  assertThat(s.getMetadata().getName())
                      .isEqualTo(c.getStatus().getSandbox().getName()));
    }
  }

  private static OwnerReference owner(Sandbox sandbox) {
    List<OwnerReference> controllers =
        sandbox.getMetadata().getOwnerReferences().stream()
            .filter(o -> Boolean.TRUE.equals(o.getController()))
            .toList();
    assertThat(controllers).hasSize(1);
    return controllers.get(0);
  }
}
