package dev.paddock.controller.claim;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The claim path's metrics: claim-to-Ready latency (warm or cold), API writes and reconciles per
 * claim up to its first Ready, and adoption conflicts. Writes and reconciles are counted per claim
 * in memory and recorded once, when the claim first turns Ready.
 */
public final class ClaimMetrics {
  public static final String READY_LATENCY = "paddock.claim.ready.latency";
  public static final String API_WRITES = "paddock.claim.api.writes";
  public static final String RECONCILES = "paddock.claim.reconciles";
  public static final String ADOPTION_CONFLICTS = "paddock.claim.adoption.conflicts";

  private final MeterRegistry registry;
  private final Counter conflicts;
  private final Map<String, AtomicInteger> writes = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> reconciles = new ConcurrentHashMap<>();

  public ClaimMetrics(MeterRegistry registry) {
    this.registry = registry == null ? new SimpleMeterRegistry() : registry;
    this.conflicts =
        Counter.builder(ADOPTION_CONFLICTS)
            .description("warm adoptions lost to another claim (HTTP 409), then retried")
            .register(this.registry);
  }

  public MeterRegistry registry() {
    return registry;
  }

  void reconciled(String claimUid) {
    reconciles.computeIfAbsent(claimUid, k -> new AtomicInteger()).incrementAndGet();
  }

  void wrote(String claimUid) {
    writes.computeIfAbsent(claimUid, k -> new AtomicInteger()).incrementAndGet();
  }

  void conflict() {
    conflicts.increment();
  }

  /** Records the claim's first Ready: latency and the writes/reconciles it took. */
  void firstReady(String claimUid, String launchType, Duration latency) {
    Timer.builder(READY_LATENCY)
        .description("claim creation (first seen by this controller) to Ready")
        .tag("launch_type", launchType)
        .publishPercentileHistogram()
        .register(registry)
        .record(latency);
    AtomicInteger w = writes.remove(claimUid);
    AtomicInteger r = reconciles.remove(claimUid);
    DistributionSummary.builder(API_WRITES)
        .description("API writes the controller made for a claim until it was Ready")
        .tag("launch_type", launchType)
        .register(registry)
        .record(w == null ? 0 : w.get());
    DistributionSummary.builder(RECONCILES)
        .description("reconciles of a claim until it was Ready")
        .tag("launch_type", launchType)
        .register(registry)
        .record(r == null ? 0 : r.get());
  }

  void forget(String claimUid) {
    writes.remove(claimUid);
    reconciles.remove(claimUid);
  }
}
