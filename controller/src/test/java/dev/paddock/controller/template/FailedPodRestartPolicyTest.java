package dev.paddock.controller.template;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paddock.api.sandbox.Sandbox;
import dev.paddock.controller.template.FailedPodRestartPolicy.Action;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FailedPodRestartPolicyTest {
  private static final Instant FAILED = Instant.parse("2026-11-29T10:00:00Z");
  private final FailedPodRestartPolicy policy =
      new FailedPodRestartPolicy(
          Duration.ofSeconds(10), Duration.ofMinutes(5), Duration.ofMinutes(10));

  static Sandbox sandbox(Map<String, String> annotations) {
    Sandbox sandbox = new Sandbox();
    sandbox.setMetadata(new ObjectMetaBuilder().withName("s").withAnnotations(annotations).build());
    return sandbox;
  }

  static Pod pod(String phase, Instant finishedAt) {
    return new PodBuilder()
        .withNewStatus()
        .withPhase(phase)
        .withContainerStatuses(
            new ContainerStatusBuilder()
                .withName("agent")
                .withNewState()
                .withNewTerminated()
                .withExitCode(1)
                .withFinishedAt(finishedAt.toString())
                .endTerminated()
                .endState()
                .build())
        .endStatus()
        .build();
  }

  private static Map<String, String> optedIn(int restarts, Instant last) {
    Map<String, String> a = new HashMap<>();
    a.put(FailedPodRestartPolicy.ENABLED_ANNOTATION, "true");
    if (restarts > 0) {
      a.put(FailedPodRestartPolicy.RESTART_COUNT_ANNOTATION, Integer.toString(restarts));
      a.put(FailedPodRestartPolicy.LAST_RESTART_ANNOTATION, last.toString());
    }
    return a;
  }

  @Test
  void withoutTheOptInAFailedPodStaysFailedAsUpstream() {
    assertThat(
            policy
                .decide(sandbox(Map.of()), pod("Failed", FAILED), FAILED.plusSeconds(60))
                .action())
        .isEqualTo(Action.NONE);
  }

  @Test
  void aRunningPodNeedsNothing() {
    assertThat(policy.decide(sandbox(optedIn(0, null)), pod("Running", FAILED), FAILED).action())
        .isEqualTo(Action.NONE);
  }

  @Test
  void theFirstRestartWaitsTheBaseDelayAfterTheFailure() {
    var early =
        policy.decide(sandbox(optedIn(0, null)), pod("Failed", FAILED), FAILED.plusSeconds(4));
    assertThat(early.action()).isEqualTo(Action.WAIT);
    assertThat(early.delay()).isEqualTo(Duration.ofSeconds(6));
    var due =
        policy.decide(sandbox(optedIn(0, null)), pod("Failed", FAILED), FAILED.plusSeconds(10));
    assertThat(due.action()).isEqualTo(Action.RECREATE);
    assertThat(policy.annotationsAfterRestart(due, FAILED.plusSeconds(10)))
        .containsEntry(FailedPodRestartPolicy.RESTART_COUNT_ANNOTATION, "1");
  }

  @Test
  void eachRestartDoublesTheWaitUpToTheCap() {
    assertThat(policy.backoff(0)).isEqualTo(Duration.ofSeconds(10));
    assertThat(policy.backoff(3)).isEqualTo(Duration.ofSeconds(80));
    assertThat(policy.backoff(10)).isEqualTo(Duration.ofMinutes(5));
    assertThat(policy.backoff(100)).isEqualTo(Duration.ofMinutes(5));
    Instant lastRestart = FAILED.minusSeconds(30);
    var decision =
        policy.decide(
            sandbox(optedIn(3, lastRestart)), pod("Failed", FAILED), FAILED.plusSeconds(20));
    assertThat(decision.action()).isEqualTo(Action.WAIT);
    assertThat(decision.delay()).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void aPodThatRanLongEnoughSinceTheLastRestartStartsTheCountAgain() {
    Instant lastRestart = FAILED.minus(Duration.ofHours(1));
    var decision =
        policy.decide(
            sandbox(optedIn(6, lastRestart)), pod("Failed", FAILED), FAILED.plusSeconds(10));
    assertThat(decision.action()).isEqualTo(Action.RECREATE);
    assertThat(decision.restartsSoFar()).isZero();
  }
}
