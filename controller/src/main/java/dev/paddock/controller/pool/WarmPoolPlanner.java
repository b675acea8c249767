package dev.paddock.controller.pool;

import dev.paddock.api.AgentsLabels;
import dev.paddock.api.extensions.UpdateStrategyType;
import dev.paddock.api.sandbox.Sandbox;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decides what a warm pool reconcile does, as a pure function of the pool's wanted size, its
 * members as the cache shows them and the creates still in flight.
 */
public final class WarmPoolPlanner {
  private WarmPoolPlanner() {}

  /** What to do: how many to create, which members to delete, and when to look again. */
  public record Plan(int toCreate, List<Sandbox> toDelete, Optional<Duration> lookAgainIn) {}

  /**
   * @param desired the wanted number of members (already held at the controller's cap)
   * @param members the pool's members as the cache shows them, none terminating
   * @param inFlight creates acknowledged by the API server but not yet in the cache
   * @param templateHash the hash of the current template blueprint
   * @param strategy the pool's update strategy
   * @param notReadyGrace how long a member may stay not-Ready before it is replaced
   */
  public static Plan plan(
      int desired,
      List<Sandbox> members,
      int inFlight,
      String templateHash,
      UpdateStrategyType strategy,
      Duration notReadyGrace,
      Instant now) {
    Set<Sandbox> delete = new LinkedHashSet<>();
    if (strategy == UpdateStrategyType.Recreate && templateHash != null) {
      for (Sandbox member : members) {
        if (!templateHash.equals(labels(member).get(AgentsLabels.SANDBOX_TEMPLATE_HASH))) {
          delete.add(member);
        }
      }
    }
    Duration lookAgain = null;
    for (Sandbox member : members) {
      if (delete.contains(member) || isReady(member)) {
        continue;
      }
      Instant deadline = createdAt(member).orElse(now).plus(notReadyGrace);
      if (!now.isBefore(deadline)) {
        delete.add(member);
      } else {
        Duration wait = Duration.between(now, deadline);
        lookAgain = lookAgain == null || wait.compareTo(lookAgain) < 0 ? wait : lookAgain;
      }
    }

    List<Sandbox> kept = new ArrayList<>(members);
    kept.removeAll(delete);
    int excess = kept.size() + inFlight - desired;
    if (excess > 0) {
      // not-ready members first (newest first: they are furthest from Ready), then the newest
      List<Sandbox> order = new ArrayList<>(kept);
      order.sort(
          Comparator.comparing((Sandbox s) -> isReady(s))
              .thenComparing(
                  (Sandbox s) -> createdAt(s).orElse(Instant.MAX), Comparator.reverseOrder())
              .thenComparing(s -> s.getMetadata().getName(), Comparator.reverseOrder()));
      List<Sandbox> scaleDown = order.subList(0, Math.min(excess, order.size()));
      delete.addAll(scaleDown);
      kept.removeAll(scaleDown);
    }
    int toCreate = Math.max(0, desired - kept.size() - inFlight);
    return new Plan(toCreate, List.copyOf(delete), Optional.ofNullable(lookAgain));
  }

  public static boolean isReady(Sandbox sandbox) {
    return readyCondition(sandbox).map(c -> "True".equals(c.getStatus())).orElse(false);
  }

  public static Optional<Condition> readyCondition(Sandbox sandbox) {
    if (sandbox.getStatus() == null || sandbox.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return sandbox.getStatus().getConditions().stream()
        .filter(c -> "Ready".equals(c.getType()))
        .findFirst();
  }

  static Optional<Instant> createdAt(Sandbox sandbox) {
    String created = sandbox.getMetadata().getCreationTimestamp();
    if (created == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.parse(created));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private static Map<String, String> labels(Sandbox sandbox) {
    Map<String, String> labels = sandbox.getMetadata().getLabels();
    return labels == null ? Map.of() : labels;
  }
}
