package dev.paddock.controller.sandbox;

import static dev.paddock.controller.sandbox.SandboxFixtures.sandbox;
import static org.assertj.core.api.Assertions.assertThat;

import dev.paddock.api.sandbox.OperatingMode;
import dev.paddock.api.sandbox.Sandbox;
import dev.paddock.api.sandbox.SandboxStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SandboxStatusBuilderTest {
  private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");
  private static final Instant T1 = Instant.parse("2026-01-01T10:05:00Z");

  @Test
  void readyNeedsARunningReadyPodWithAnIp() {
    Sandbox sandbox = generation(sandbox("s"), 2);

    assertThat(ready(sandbox, null, null).getReason()).isEqualTo("DependenciesNotReady");
    assertThat(ready(sandbox, pod("Pending", false, null), null).getMessage())
        .isEqualTo("Pod exists with phase: Pending");
    assertThat(ready(sandbox, pod("Running", false, "10.1.1.1"), null).getMessage())
        .isEqualTo("Pod is Running but not Ready");
    assertThat(ready(sandbox, pod("Running", true, null), null).getMessage())
        .isEqualTo("Pod is Ready but has no podIPs yet");
    Condition ready = ready(sandbox, pod("Running", true, "10.1.1.1"), null);
    assertThat(ready.getStatus()).isEqualTo("True");
    assertThat(ready.getReason()).isEqualTo("DependenciesReady");
    assertThat(ready.getObservedGeneration()).isEqualTo(2L);
  }

  @Test
  void aRequestedServiceMustExistForReady() {
    Sandbox sandbox = sandbox("s");
    sandbox.getSpec().setService(true);

    assertThat(ready(sandbox, pod("Running", true, "10.1.1.1"), null).getReason())
        .isEqualTo("DependenciesNotReady");
    assertThat(ready(sandbox, pod("Running", true, "10.1.1.1"), service("s")).getReason())
        .isEqualTo("DependenciesReady");
  }

  @Test
  void serviceFqdnUsesTheConfiguredClusterDomain() {
    SandboxStatus status =
        SandboxStatusBuilder.desired(
            sandbox("s"),
            new SandboxStatusBuilder.Observed(null, service("s"), 0, null, T0),
            "corp.internal");

    assertThat(status.getService()).isEqualTo("s");
    assertThat(status.getServiceFQDN()).isEqualTo("s.agents.svc.corp.internal");
  }

  @Test
  void lastTransitionTimeMovesOnlyWhenAConditionsStatusFlips() {
    Sandbox sandbox = sandbox("s");
    sandbox.setStatus(status(sandbox, pod("Pending", false, null), T0));

    SandboxStatus stillPending = status(sandbox, pod("ContainerCreating", false, null), T1);
    assertThat(find(stillPending, "Ready").getLastTransitionTime())
        .isEqualTo("2026-01-01T10:00:00Z");
    assertThat(find(stillPending, "Ready").getMessage()).contains("ContainerCreating");

    SandboxStatus nowReady = status(sandbox, pod("Running", true, "10.1.1.1"), T1);
    assertThat(find(nowReady, "Ready").getLastTransitionTime()).isEqualTo("2026-01-01T10:05:00Z");
    assertThat(find(nowReady, "Suspended").getLastTransitionTime())
        .isEqualTo("2026-01-01T10:00:00Z");
  }

  @Test
  void anUnchangedWorldGivesAnEqualStatus() {
    Sandbox sandbox = sandbox("s");
    Pod pod = pod("Running", true, "10.1.1.1");
    sandbox.setStatus(status(sandbox, pod, T0));

    assertThat(status(sandbox, pod, T1)).isEqualTo(sandbox.getStatus());
  }

  @Test
  void suspensionIsReportedUntilThePodIsGone() {
    Sandbox sandbox = sandbox("s");
    sandbox.getSpec().setOperatingMode(OperatingMode.Suspended);

    SandboxStatus suspending = status(sandbox, pod("Running", true, "10.1.1.1"), T0);
    assertThat(find(suspending, "Ready").getReason()).isEqualTo("SandboxSuspended");
    assertThat(find(suspending, "Suspended").getStatus()).isEqualTo("False");
    assertThat(find(suspending, "Suspended").getReason()).isEqualTo("PodNotTerminated");

    SandboxStatus suspended = status(sandbox, null, T0);
    assertThat(find(suspended, "Suspended").getStatus()).isEqualTo("True");
    assertThat(find(suspended, "Suspended").getReason()).isEqualTo("PodTerminated");
    assertThat(find(suspended, "PodScheduled")).isNull();
    assertThat(suspended.getPodIPs()).isNull();
  }

  @Test
  void podScheduledMirrorsThePodsCondition() {
    Pod unschedulable =
        new PodBuilder(pod("Pending", false, null))
            .editStatus()
            .withConditions(
                new PodConditionBuilder()
                    .withType("PodScheduled")
                    .withStatus("False")
                    .withReason("Unschedulable")
                    .withMessage("0/3 nodes are available")
                    .build())
            .endStatus()
            .build();

    Condition scheduled = find(status(sandbox("s"), unschedulable, T0), "PodScheduled");

    assertThat(scheduled.getStatus()).isEqualTo("False");
    assertThat(scheduled.getReason()).isEqualTo("Unschedulable");
    assertThat(scheduled.getMessage()).isEqualTo("0/3 nodes are available");
  }

  @Test
  void aSucceededPodFinishesTheSandbox() {
    SandboxStatus status = status(sandbox("s"), pod("Succeeded", false, "10.1.1.1"), T0);

    assertThat(find(status, "Ready").getReason()).isEqualTo("PodSucceeded");
    assertThat(find(status, "Finished").getStatus()).isEqualTo("True");
    assertThat(find(status, "Finished").getReason()).isEqualTo("PodSucceeded");
  }

  @Test
  void anExpiredSandboxKeepsOnlyReadySandboxExpired() {
    Sandbox sandbox = sandbox("s");
    sandbox.setStatus(status(sandbox, pod("Running", true, "10.1.1.1"), T0));

    SandboxStatus expired = SandboxStatusBuilder.expired(sandbox, T1);

    assertThat(expired.getConditions())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getType()).isEqualTo("Ready");
              assertThat(c.getStatus()).isEqualTo("False");
              assertThat(c.getReason()).isEqualTo("SandboxExpired");
            });
    assertThat(expired.getPodIPs()).isNull();
    assertThat(expired.getSelector()).isNull();
  }

  // ------------------------------------------------------------------ helpers

  private static Condition ready(Sandbox sandbox, Pod pod, Service service) {
    var seen = new SandboxStatusBuilder.Observed(pod, service, pod == null ? 0 : 1, null, T0);
    return find(SandboxStatusBuilder.desired(sandbox, seen, "cluster.local"), "Ready");
  }

  private static SandboxStatus status(Sandbox sandbox, Pod pod, Instant now) {
    var seen = new SandboxStatusBuilder.Observed(pod, null, pod == null ? 0 : 1, null, now);
    return SandboxStatusBuilder.desired(sandbox, seen, "cluster.local");
  }

  private static Condition find(SandboxStatus status, String type) {
    return status.getConditions().stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst()
        .orElse(null);
  }

  private static Sandbox generation(Sandbox sandbox, long generation) {
    sandbox.getMetadata().setGeneration(generation);
    return sandbox;
  }

  private static Pod pod(String phase, boolean ready, String ip) {
    var status = new PodBuilder().withNewMetadata().withName("s").endMetadata().withNewStatus();
    status.withPhase(phase).withPodIP(ip);
    if (ip != null) {
      status.addNewPodIP().withIp(ip).endPodIP();
    }
    status.addToConditions(
        new PodConditionBuilder().withType("Ready").withStatus(ready ? "True" : "False").build());
    return status.endStatus().withNewSpec().withNodeName("n1").endSpec().build();
  }

  private static Service service(String name) {
    return new ServiceBuilder().withNewMetadata().withName(name).endMetadata().build();
  }
}
