package dev.paddock.controller.claim;

import dev.paddock.api.extensions.ClaimLifecycle;
import dev.paddock.api.extensions.SandboxClaim;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;

/**
 * When a claim expires: the earlier of {@code lifecycle.shutdownTime} and the time its sandbox
 * finished plus {@code ttlSecondsAfterFinished}.
 */
public final class ClaimExpiry {
  private ClaimExpiry() {}

  public static Optional<Instant> of(SandboxClaim claim) {
    ClaimLifecycle lifecycle = claim.getSpec().getLifecycle();
    if (lifecycle == null) {
      return Optional.empty();
    }
    Optional<Instant> shutdown = parse(lifecycle.getShutdownTime());
    Optional<Instant> afterFinished = Optional.empty();
    if (lifecycle.getTtlSecondsAfterFinished() != null) {
      afterFinished =
          finishedAt(claim).map(t -> t.plusSeconds(lifecycle.getTtlSecondsAfterFinished()));
    }
    if (shutdown.isPresent() && afterFinished.isPresent()) {
      return Optional.of(
          shutdown.get().isBefore(afterFinished.get()) ? shutdown.get() : afterFinished.get());
    }
    return shutdown.isPresent() ? shutdown : afterFinished;
  }

  static Optional<Instant> finishedAt(SandboxClaim claim) {
    List<Condition> conditions =
        claim.getStatus() == null ? null : claim.getStatus().getConditions();
    if (conditions == null) {
      return Optional.empty();
    }
    return conditions.stream()
        .filter(c -> "Finished".equals(c.getType()) && "True".equals(c.getStatus()))
        .findFirst()
        .flatMap(c -> parse(c.getLastTransitionTime()));
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
