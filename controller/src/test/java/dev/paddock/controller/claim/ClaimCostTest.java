package dev.paddock.controller.claim;

import static dev.paddock.controller.claim.PoolsAndClaims.claim;
import static dev.paddock.controller.claim.PoolsAndClaims.getClaim;
import static dev.paddock.controller.claim.PoolsAndClaims.getPool;
import static dev.paddock.controller.claim.PoolsAndClaims.pool;
import static dev.paddock.controller.claim.PoolsAndClaims.template;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.paddock.controller.PaddockOperator;
import dev.paddock.controller.testing.MockCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Counts what a claim costs: API writes (from the mock server's request log, cross-checked with the
 * controller's own per-claim counter) and reconciles, warm and cold. The numbers go to
 * BENCHMARKS.md ({@code ## Claims}); the test asserts only the warm-claim write budget.
 */
class ClaimCostTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final int CLAIMS = 10;

  private MockCluster cluster;
  private KubernetesClient client;
  private FakeKubelet kubelet;
  private PaddockOperator operator;

  @BeforeEach
  void start() {
    cluster = MockCluster.start();
    client = cluster.client();
    kubelet = new FakeKubelet(cluster.newClient());
    operator = PoolsAndClaims.operator(cluster.newClient(), PoolsAndClaims.settings());
    operator.start();
    client.resource(template("python", "python:3.12")).create();
  }

  @AfterEach
  void stop() {
    operator.stop();
    kubelet.close();
    cluster.close();
  }

  private void awaitPool(String name, int ready) {
    await()
        .atMost(WAIT)
        .until(
            () -> {
              var s = getPool(client, name).getStatus();
              return s != null && Integer.valueOf(ready).equals(s.getReadyReplicas());
            });
  }

  /** Claims one at a time; returns the claim writes seen by the API server per claim. */
  private List<Long> claimOneByOne(String pool, String prefix) {
    return java.util.stream.IntStream.range(0, CLAIMS)
        .mapToObj(
            i -> {
              if (pool.equals("warm")) {
                awaitPool(pool, CLAIMS);
              }
              cluster.drainRequests();
              String name = prefix + i;
              client.resource(claim(name, pool)).create();
              await()
                  .atMost(WAIT)
                  .until(
                      () ->
                          SandboxClaimReconcilerTest.ready(getClaim(client, name))
                              .map(c -> "True".equals(c.getStatus()))
                              .orElse(false));
              // the claim's own writes: its metadata, its status, and its sandbox (not the
              // pool's refill nor the fake kubelet's status writes)
              String sandbox = getClaim(client, name).getStatus().getSandbox().getName();
              return cluster.drainWrites().stream()
                  .filter(
                      r ->
                          r.contains("/sandboxclaims/" + name)
                              || (r.contains("/sandboxes/" + sandbox) && !r.endsWith("/status"))
                              || (r.startsWith("POST ")
                                  && r.endsWith("/sandboxes")
                                  && !pool.equals("warm")))
                  .count();
            })
        .toList();
  }

  private static DistributionSummary summary(MeterRegistry registry, String name, String type) {
    return registry.find(name).tag("launch_type", type).summary();
  }

  @Test
  void aWarmClaimTakesAtMostThreeWritesAndTheCostsAreReported() {
    client.resource(pool("warm", "python", CLAIMS)).create();
    List<Long> warmWrites = claimOneByOne("warm", "w-");

    client.resource(pool("cold", "python", 0)).create();
    List<Long> coldWrites = claimOneByOne("cold", "c-");

    MeterRegistry registry = operator.meterRegistry();
    var warmCounted = summary(registry, ClaimMetrics.API_WRITES, "warm");
    var warmReconciles = summary(registry, ClaimMetrics.RECONCILES, "warm");
    var coldCounted = summary(registry, ClaimMetrics.API_WRITES, "cold");
    var coldReconciles = summary(registry, ClaimMetrics.RECONCILES, "cold");
    System.out.printf(
        "CLAIM COSTS (%d claims each)%n"
            + "  warm: API writes seen by the server %s; counted by the controller mean %.2f max %.0f;"
            + " reconciles mean %.2f max %.0f%n"
            + "  cold: API writes seen by the server %s; counted by the controller mean %.2f max %.0f;"
            + " reconciles mean %.2f max %.0f%n",
        CLAIMS,
        warmWrites,
        warmCounted.mean(),
        warmCounted.max(),
        warmReconciles.mean(),
        warmReconciles.max(),
        coldWrites,
        coldCounted.mean(),
        coldCounted.max(),
        coldReconciles.mean(),
        coldReconciles.max());

    assertThat(warmWrites).allMatch(w -> w <= 3);
    assertThat(warmCounted.count()).isEqualTo(CLAIMS);
    assertThat(warmCounted.max()).isLessThanOrEqualTo(3.0);
    assertThat(coldCounted.count()).isEqualTo(CLAIMS);
  }
}
