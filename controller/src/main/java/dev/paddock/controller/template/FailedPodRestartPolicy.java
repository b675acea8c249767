package dev.paddock.controller.template;

import dev.paddock.api.sandbox.Sandbox;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Beyond upstream: recreate a sandbox's failed pod with exponential backoff, keeping its PVCs.
 * Opt-in per template with the annotation {@code paddock.dev/restart-failed-pods: "true"} on the
 * SandboxTemplate; sandboxes built from it carry the same annotation, so the Sandbox reconciler
 * decides from the Sandbox and its Pod alone.
 *
 * <p>The restart count and the time of the last restart live in annotations on the Sandbox, so the
 * backoff survives a controller restart. After the n-th restart the next one waits {@code base *
 * 2^n}, capped at {@code max}; a pod that has run for {@code resetAfter} since the last restart
 * resets the count.
 *
 * <p>This class only decides. The Sandbox reconciler acts: on {@link Action#RECREATE} it deletes
 * the Pod (never the PVCs) and writes {@link #annotationsAfterRestart} onto the Sandbox in the same
 * patch; on {@link Action#WAIT} it reschedules after {@link Decision#delay()}.
 */
public final class FailedPodRestartPolicy {
  public static final String ENABLED_ANNOTATION = "paddock.dev/restart-failed-pods";
  public static final String RESTART_COUNT_ANNOTATION = "paddock.dev/failed-pod-restarts";
  public static final String LAST_RESTART_ANNOTATION = "paddock.dev/last-failed-pod-restart-at";

  public static final Duration DEFAULT_BASE = Duration.ofSeconds(10);
  public static final Duration DEFAULT_MAX = Duration.ofMinutes(5);
  public static final Duration DEFAULT_RESET_AFTER = Duration.ofMinutes(10);

  /** What the Sandbox reconciler should do about the pod. */
  public enum Action {
    /** Not opted in, or the pod has not failed: behave as upstream (a failed pod stays failed). */
    NONE,
    /** Delete the failed pod now so it is recreated; keep the PVCs. */
    RECREATE,
    /** The pod failed but its backoff has not elapsed: reschedule after the delay. */
    WAIT
  }

  /** The decision, with the delay before the next look when waiting. */
  public record Decision(Action action, Duration delay, int restartsSoFar) {
    static Decision none() {
      return new Decision(Action.NONE, Duration.ZERO, 0);
    }
  }

  private final Duration base;
  private final Duration max;
  private final Duration resetAfter;

  public FailedPodRestartPolicy() {
    this(DEFAULT_BASE, DEFAULT_MAX, DEFAULT_RESET_AFTER);
  }

  public FailedPodRestartPolicy(Duration base, Duration max, Duration resetAfter) {
    this.base = Objects.requireNonNull(base);
    this.max = Objects.requireNonNull(max);
    this.resetAfter = Objects.requireNonNull(resetAfter);
  }

  /** True when the sandbox opted in (its template carried the annotation set to "true"). */
  public static boolean enabledFor(Sandbox sandbox) {
    Map<String, String> annotations = sandbox.getMetadata().getAnnotations();
    return annotations != null && "true".equalsIgnoreCase(annotations.get(ENABLED_ANNOTATION));
  }

  /** The wait before restart number {@code restartsSoFar + 1}: base * 2^n, capped at max. */
  public Duration backoff(int restartsSoFar) {
    if (restartsSoFar >= 30) {
      return max;
    }
    Duration delay = base.multipliedBy(1L << restartsSoFar);
    return delay.compareTo(max) > 0 ? max : delay;
  }

  /** Decides what to do about the sandbox's pod at {@code now}. */
  public Decision decide(Sandbox sandbox, Pod pod, Instant now) {
    if (!enabledFor(sandbox) || pod == null || pod.getStatus() == null) {
      return Decision.none();
    }
    if (!"Failed".equals(pod.getStatus().getPhase())) {
      return Decision.none();
    }
    int restarts = restartCount(sandbox, now, pod);
    Instant failedAt = failedAt(pod).orElse(now);
    Instant lastRestart = lastRestart(sandbox).orElse(null);
    Instant reference =
        lastRestart != null && lastRestart.isAfter(failedAt) ? lastRestart : failedAt;
    Instant due = reference.plus(backoff(restarts));
    if (!now.isBefore(due)) {
      return new Decision(Action.RECREATE, Duration.ZERO, restarts);
    }
    return new Decision(Action.WAIT, Duration.between(now, due), restarts);
  }

  /** The annotations to write onto the Sandbox together with deleting the failed pod. */
  public Map<String, String> annotationsAfterRestart(Decision decision, Instant now) {
    return Map.of(
        RESTART_COUNT_ANNOTATION,
        Integer.toString(decision.restartsSoFar() + 1),
        LAST_RESTART_ANNOTATION,
        now.toString());
  }

  /**
   * Restarts so far; zero when the last restart is older than {@code resetAfter} before failing.
   */
  int restartCount(Sandbox sandbox, Instant now, Pod pod) {
    Map<String, String> annotations = sandbox.getMetadata().getAnnotations();
    if (annotations == null || annotations.get(RESTART_COUNT_ANNOTATION) == null) {
      return 0;
    }
    int count;
    try {
      count = Math.max(0, Integer.parseInt(annotations.get(RESTART_COUNT_ANNOTATION)));
    } catch (NumberFormatException e) {
      return 0;
    }
    Optional<Instant> last = lastRestart(sandbox);
    Instant failedAt = failedAt(pod).orElse(now);
    if (last.isPresent() && Duration.between(last.get(), failedAt).compareTo(resetAfter) >= 0) {
      return 0;
    }
    return count;
  }

  private static Optional<Instant> lastRestart(Sandbox sandbox) {
    Map<String, String> annotations = sandbox.getMetadata().getAnnotations();
    return annotations == null ? Optional.empty() : parse(annotations.get(LAST_RESTART_ANNOTATION));
  }

  /** When the pod's last container terminated, if the pod says so. */
  static Optional<Instant> failedAt(Pod pod) {
    Stream<ContainerStatus> statuses =
        pod.getStatus().getContainerStatuses() == null
            ? Stream.empty()
            : pod.getStatus().getContainerStatuses().stream();
    return statuses
        .filter(s -> s.getState() != null && s.getState().getTerminated() != null)
        .map(s -> parse(s.getState().getTerminated().getFinishedAt()))
        .flatMap(Optional::stream)
        .max(Instant::compareTo);
  }

  private static Optional<Instant> parse(String time) {
    if (time == null || time.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.parse(time));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
