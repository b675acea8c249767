package dev.paddock.controller.claim;

import static dev.paddock.controller.claim.PoolsAndClaims.NS;
import static dev.paddock.controller.claim.PoolsAndClaims.claim;
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
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Many claims at once against one pool: every claim served once, no sandbox served twice. */
class ClaimBurstTest {
  private static final Duration WAIT = Duration.ofMinutes(4);
  private static final int POOL = 50;
  private static final int CLAIMS = 200;

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

  private PaddockOperator operator(boolean templates, boolean pools, boolean claims) {
    PaddockOperator operator =
        PoolsAndClaims.operator(
            cluster.newClient(),
            PoolsAndClaims.settings(),
            templates,
            pools,
            claims,
            Duration.ofMinutes(10));
    operator.start();
    return operator;
  }

  private void fillPool() {
    client.resource(template("python", "python:3.12")).create();
    client.resource(pool("burst", "python", POOL)).create();
    await()
        .atMost(WAIT)
        .until(
            () -> {
              var status = getPool(client, "burst").getStatus();
              return status != null && Integer.valueOf(POOL).equals(status.getReadyReplicas());
            });
  }

  private void createClaimsAtOnce() throws InterruptedException {
    ExecutorService creators = Executors.newFixedThreadPool(16);
    IntStream.range(0, CLAIMS)
        .forEach(
            i -> creators.submit(() -> client.resource(claim("claim-" + i, "burst")).create()));
    creators.shutdown();
    assertThat(creators.awaitTermination(2, TimeUnit.MINUTES)).isTrue();
  }

  private List<SandboxClaim> claims() {
    return client.resources(SandboxClaim.class).inNamespace(NS).list().getItems();
  }

  private void awaitEveryClaimReady() {
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(500))
        .until(
            () ->
                claims().stream()
                        .filter(
                            c ->
                                SandboxClaimReconcilerTest.ready(c)
                                    .map(r -> "True".equals(r.getStatus()))
                                    .orElse(false))
                        .count()
                    == CLAIMS);
  }

  private static List<OwnerReference> controllers(Sandbox sandbox) {
    List<OwnerReference> owners = sandbox.getMetadata().getOwnerReferences();
    return owners == null
        ? List.of()
        : owners.stream().filter(o -> Boolean.TRUE.equals(o.getController())).toList();
  }

  /** Every claim bound to its own sandbox, which it alone controls; no sandbox left ownerless. */
  private void assertExactlyOnce() {
    List<SandboxClaim> claims = claims();
    Map<String, SandboxClaim> claimsByUid = new HashMap<>();
    claims.forEach(c -> claimsByUid.put(c.getMetadata().getUid(), c));
    Map<String, String> boundBy = new HashMap<>();
    for (SandboxClaim c : claims) {
      String sandbox = c.getStatus().getSandbox().getName();
      assertThat(boundBy.put(sandbox, c.getMetadata().getName()))
          .as("sandbox %s is bound by two claims", sandbox)
          .isNull();
      assertThat(c.getMetadata().getAnnotations().get(AgentsLabels.SANDBOX_NAME))
          .as("claim %s records the sandbox it is bound to", c.getMetadata().getName())
          .isIn(null, sandbox);
    }
    for (Sandbox sandbox : sandboxes(client)) {
      List<OwnerReference> controllers = controllers(sandbox);
      assertThat(controllers)
          .as("sandbox %s has exactly one controller", sandbox.getMetadata().getName())
          .hasSize(1);
      OwnerReference owner = controllers.get(0);
      if (owner.getKind().equals("SandboxClaim")) {
        SandboxClaim claim = claimsByUid.get(owner.getUid());
        assertThat(claim).as("owner of %s", sandbox.getMetadata().getName()).isNotNull();
        assertThat(claim.getStatus().getSandbox().getName())
            .as(
                "the claim that owns %s is bound to it (no orphan)",
                sandbox.getMetadata().getName())
            .isEqualTo(sandbox.getMetadata().getName());
      } else {
        assertThat(owner.getKind()).isEqualTo("SandboxWarmPool");
      }
    }
    assertThat(boundBy).hasSize(CLAIMS);
  }

  private long launched(String type) {
    return sandboxes(client).stream()
        .filter(s -> controllers(s).stream().anyMatch(o -> o.getKind().equals("SandboxClaim")))
        .filter(s -> type.equals(s.getMetadata().getLabels().get(AgentsLabels.LAUNCH_TYPE)))
        .count();
  }

  private long poolMembers() {
    return sandboxes(client).stream()
        .filter(s -> controllers(s).stream().anyMatch(o -> o.getKind().equals("SandboxWarmPool")))
        .filter(SandboxClaimReconcilerTest::isReady)
        .count();
  }

  private void awaitPoolRefilled() {
    await().atMost(WAIT).until(() -> poolMembers() == POOL);
    await()
        .atMost(WAIT)
        .until(
            () -> {
              var status = getPool(client, "burst").getStatus();
              return status != null
                  && Integer.valueOf(POOL).equals(status.getReadyReplicas())
                  && Integer.valueOf(POOL).equals(status.getReplicas());
            });
    assertThat(poolMembers()).isEqualTo(POOL);
  }

  /**
   * 200 claims against a full pool of 50. The pool controller is paused during the burst so that
   * the cold-start count is exact (with it running, a claim reconciled late may adopt a member the
   * pool has just refilled, which is right but makes the count depend on timing).
   */
  @Test
  void twoHundredClaimsAgainstAPoolOfFiftyAreServedFiftyWarmAndOneHundredFiftyCold()
      throws Exception {
    PaddockOperator filler = operator(true, true, false);
    fillPool();
    filler.stop();

    PaddockOperator claimer = operator(true, false, true);
    createClaimsAtOnce();
    awaitEveryClaimReady();
    assertExactlyOnce();
    assertThat(launched(AgentsLabels.LAUNCH_TYPE_WARM)).isEqualTo(POOL);
    assertThat(launched(AgentsLabels.LAUNCH_TYPE_COLD)).isEqualTo(CLAIMS - POOL);
    claimer.stop();

    PaddockOperator refiller = operator(true, true, true);
    awaitPoolRefilled();
    assertExactlyOnce();
    refiller.stop();
  }

  @Test
  void anOperatorStoppedInTheMiddleOfABurstAndReplacedBindsNoClaimTwiceAndOrphansNothing()
      throws Exception {
    PaddockOperator first = operator(true, true, true);
    fillPool();
    createClaimsAtOnce();
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(20))
        .until(
            () ->
                client.resources(Sandbox.class).inNamespace(NS).list().getItems().stream()
                        .filter(
                            s ->
                                controllers(s).stream()
                                    .anyMatch(o -> o.getKind().equals("SandboxClaim")))
                        .count()
                    >= 30);
    first.stop();
    long boundWhenStopped =
        claims().stream()
            .filter(c -> c.getStatus() != null && c.getStatus().getSandbox() != null)
            .count();
    assertThat(boundWhenStopped).as("the operator was stopped mid-burst").isLessThan(CLAIMS);

    PaddockOperator second = operator(true, true, true);
    awaitEveryClaimReady();
    awaitPoolRefilled();
    assertExactlyOnce();
    second.stop();
  }
}
