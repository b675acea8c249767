package dev.paddock.controller.pool;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Creates that the API server acknowledged but the informer has not shown yet, per owner. A
 * reconcile counts them as members, so a reconcile that runs on a lagging cache never creates the
 * same replica twice. An expectation is satisfied when the informer sees the created object; one
 * the informer never shows (created and deleted between two looks) expires after {@code timeout}.
 */
public final class CreationExpectations {
  private final Map<String, Map<String, Instant>> pending = new ConcurrentHashMap<>();
  private final Duration timeout;
  private final Clock clock;

  public CreationExpectations(Duration timeout, Clock clock) {
    this.timeout = timeout;
    this.clock = clock;
  }

  /** Records that {@code name} was created for {@code owner}. */
  public void expect(String owner, String name) {
    pending.computeIfAbsent(owner, k -> new ConcurrentHashMap<>()).put(name, clock.instant());
  }

  /**
   * Drops the expectations the informer has satisfied ({@code observed} is true for a name it
   * shows) or that have expired, and returns how many creates are still in flight.
   */
  public int inFlight(String owner, Predicate<String> observed) {
    Map<String, Instant> names = pending.get(owner);
    if (names == null) {
      return 0;
    }
    Instant expiry = clock.instant().minus(timeout);
    names.entrySet().removeIf(e -> observed.test(e.getKey()) || e.getValue().isBefore(expiry));
    return names.size();
  }

  /** Forgets an owner entirely (it was deleted). */
  public void forget(String owner) {
    pending.remove(owner);
  }
}
