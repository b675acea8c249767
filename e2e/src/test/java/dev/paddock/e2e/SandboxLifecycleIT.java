package dev.paddock.e2e;

import static dev.paddock.e2e.support.AgentSandboxes.eventually;
import static dev.paddock.e2e.support.AgentSandboxes.fromYaml;
import static dev.paddock.e2e.support.AgentSandboxes.isControlledBy;
import static dev.paddock.e2e.support.AgentSandboxes.readyCondition;
import static org.assertj.core.api.Assertions.assertThat;

import dev.paddock.api.AgentsLabels;
import dev.paddock.api.NameHash;
import dev.paddock.api.sandbox.OperatingMode;
import dev.paddock.api.sandbox.Sandbox;
import dev.paddock.e2e.cluster.LocalControlPlane;
import dev.paddock.e2e.support.AgentSandboxes;
import dev.paddock.e2e.support.PaddockControllerTest;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * A Sandbox on the real control plane: the scheduler places its Pod on a kwok node, kwok runs it to
 * Ready, and Paddock reports it; suspend, resume and expiry act on real objects.
 */
@PaddockControllerTest
class SandboxLifecycleIT {

  private static final String HASH_LABEL = AgentsLabels.SANDBOX_NAME_HASH;

  @Test
  void aSandboxBecomesReadyOnAKwokNodeWithItsPodServiceAndStatus(
      KubernetesClient client, LocalControlPlane controlPlane) {
    String ns = client.getNamespace();
    client.resource(fromYaml(sandboxYaml("agent", "service: true"), Sandbox.class)).create();

    Sandbox sandbox = eventually().until(() -> sandbox(client, "agent"), AgentSandboxes::isReady);

    Condition ready = readyCondition(sandbox).orElseThrow();
    assertThat(ready.getReason()).isEqualTo("DependenciesReady");
    assertThat(ready.getObservedGeneration()).isEqualTo(sandbox.getMetadata().getGeneration());

    Pod pod = client.pods().withName("agent").get();
    assertThat(pod).as("the pod is named after the sandbox").isNotNull();
    assertThat(isControlledBy(pod, sandbox)).as("pod controlled by the sandbox").isTrue();
    assertThat(pod.getMetadata().getLabels())
        .containsEntry(HASH_LABEL, NameHash.of("agent"))
        .containsEntry("app", "agent");
    assertThat(pod.getSpec().getNodeName()).isIn(controlPlane.nodeNames());
    assertThat(sandbox.getMetadata().getAnnotations())
        .containsEntry(AgentsLabels.POD_NAME, "agent");

    assertThat(sandbox.getStatus().getPodIPs())
        .isNotEmpty()
        .containsExactlyElementsOf(pod.getStatus().getPodIPs().stream().map(PodIP::getIp).toList());
    assertThat(sandbox.getStatus().getNodeName()).isEqualTo(pod.getSpec().getNodeName());
    assertThat(sandbox.getStatus().getSelector())
        .isEqualTo(HASH_LABEL + "=" + NameHash.of("agent"));
    assertThat(sandbox.getStatus().getService()).isEqualTo("agent");
    assertThat(sandbox.getStatus().getServiceFQDN())
        .isEqualTo("agent." + ns + ".svc.cluster.local");

    Service service = client.services().withName("agent").get();
    assertThat(service).isNotNull();
    assertThat(isControlledBy(service, sandbox)).as("service controlled by the sandbox").isTrue();
    assertThat(service.getSpec().getClusterIP()).as("headless").isEqualTo("None");
    assertThat(service.getSpec().getSelector()).containsEntry(HASH_LABEL, NameHash.of("agent"));
    assertThat(service.getSpec().getPorts()).anyMatch(p -> p.getPort() == 8888);
  }

  @Test
  void suspendingDeletesThePodAndKeepsThePvcAndResumingRecreatesThePod(KubernetesClient client) {
    String ns = client.getNamespace();
    String storageClass = "paddock-it-static";
    // nothing provisions volumes here: a PersistentVolume bound in advance to the PVC to be made
    PersistentVolume volume =
        new PersistentVolumeBuilder()
            .withNewMetadata()
            .withName("workspace-" + ns)
            .endMetadata()
            .withNewSpec()
            .withStorageClassName(storageClass)
            .withAccessModes("ReadWriteOnce")
            .addToCapacity("storage", new Quantity("1Gi"))
            .withNewHostPath()
            .withPath("/tmp/" + ns)
            .endHostPath()
            .withNewClaimRef()
            .withNamespace(ns)
            .withName("workspace-agent")
            .endClaimRef()
            .endSpec()
            .build();
    client.persistentVolumes().resource(volume).create();
    try {
      client
          .resource(
              fromYaml(
                  sandboxYaml(
                      "agent",
                      """
                      volumeClaimTemplates:
                      - metadata:
                          name: workspace
                        spec:
                          accessModes: [ReadWriteOnce]
                          storageClassName: %s
                          resources:
                            requests:
                              storage: 1Gi
                      """
                          .formatted(storageClass)),
                  Sandbox.class))
          .create();

      Sandbox running = eventually().until(() -> sandbox(client, "agent"), AgentSandboxes::isReady);
      Pod firstPod = client.pods().withName("agent").get();
      PersistentVolumeClaim pvc = client.persistentVolumeClaims().withName("workspace-agent").get();
      assertThat(pvc).isNotNull();
      assertThat(isControlledBy(pvc, running)).as("PVC controlled by the sandbox").isTrue();
      assertThat(pvc.getStatus().getPhase()).isEqualTo("Bound");
      assertThat(firstPod.getSpec().getVolumes())
          .anyMatch(
              v ->
                  v.getPersistentVolumeClaim() != null
                      && "workspace-agent".equals(v.getPersistentVolumeClaim().getClaimName()));

      setOperatingMode(client, "agent", OperatingMode.Suspended);

      Sandbox suspended =
          eventually()
              .until(
                  () -> sandbox(client, "agent"),
                  s ->
                      readyCondition(s)
                          .filter(c -> "SandboxSuspended".equals(c.getReason()))
                          .isPresent());
      eventually().until(() -> client.pods().withName("agent").get() == null);
      assertThat(readyCondition(suspended).orElseThrow().getStatus()).isEqualTo("False");
      Sandbox afterSuspend =
          eventually()
              .until(
                  () -> sandbox(client, "agent"),
                  s -> s.getStatus().getPodIPs() == null || s.getStatus().getPodIPs().isEmpty());
      assertThat(afterSuspend.getStatus().getNodeName())
          .as("a suspended sandbox reports no node")
          .isNull();
      PersistentVolumeClaim kept =
          client.persistentVolumeClaims().withName("workspace-agent").get();
      assertThat(kept).as("the PVC survives suspension").isNotNull();
      assertThat(kept.getMetadata().getUid()).isEqualTo(pvc.getMetadata().getUid());
      assertThat(kept.getMetadata().getDeletionTimestamp()).isNull();

      setOperatingMode(client, "agent", OperatingMode.Running);

      Sandbox resumed = eventually().until(() -> sandbox(client, "agent"), AgentSandboxes::isReady);
      Pod secondPod = client.pods().withName("agent").get();
      assertThat(secondPod.getMetadata().getUid())
          .as("a new pod")
          .isNotEqualTo(firstPod.getMetadata().getUid());
      assertThat(isControlledBy(secondPod, resumed)).isTrue();
      assertThat(resumed.getStatus().getPodIPs())
          .containsExactlyElementsOf(
              secondPod.getStatus().getPodIPs().stream().map(PodIP::getIp).toList());
      assertThat(client.persistentVolumeClaims().withName("workspace-agent").get())
          .extracting(p -> p.getMetadata().getUid())
          .as("the same PVC, still")
          .isEqualTo(pvc.getMetadata().getUid());
    } finally {
      client.persistentVolumes().withName(volume.getMetadata().getName()).delete();
    }
  }

  @Test
  void aSandboxPastItsShutdownTimeWithPolicyDeleteIsDeletedWithItsPod(KubernetesClient client) {
    client
        .resource(
            fromYaml(sandboxYaml("agent", "service: true\nshutdownPolicy: Delete"), Sandbox.class))
        .create();
    eventually().until(() -> sandbox(client, "agent"), AgentSandboxes::isReady);
    String podUid = client.pods().withName("agent").get().getMetadata().getUid();

    String now = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS).toString();
    client
        .resources(Sandbox.class)
        .withName("agent")
        .edit(
            s -> {
              s.getSpec().setShutdownTime(now);
              return s;
            });

    eventually().until(() -> sandbox(client, "agent") == null);
    eventually()
        .until(
            () -> {
              Pod pod = client.pods().withName("agent").get();
              return pod == null || !Objects.equals(pod.getMetadata().getUid(), podUid);
            });
    assertThat(client.pods().withName("agent").get()).as("no pod comes back").isNull();
    assertThat(client.services().withName("agent").get())
        .satisfiesAnyOf(
            s -> assertThat(s).isNull(),
            s -> assertThat(s.getMetadata().getDeletionTimestamp()).isNotNull());
  }

  private static Sandbox sandbox(KubernetesClient client, String name) {
    return client.resources(Sandbox.class).withName(name).get();
  }

  private static void setOperatingMode(KubernetesClient client, String name, OperatingMode mode) {
    client
        .resources(Sandbox.class)
        .withName(name)
        .edit(
            s -> {
              s.getSpec().setOperatingMode(mode);
              return s;
            });
  }

  /** A Sandbox with one container listening on 8888, plus {@code extraSpec} (YAML, spec level). */
  private static String sandboxYaml(String name, String extraSpec) {
    String indented = extraSpec.strip().replace("\n", "\n  ");
    return """
        apiVersion: agents.x-k8s.io/v1beta1
        kind: Sandbox
        metadata:
          name: %s
        spec:
          %s
          podTemplate:
            metadata:
              labels:
                app: agent
            spec:
              containers:
              - name: main
                image: registry.invalid/agent:1
                ports:
                - containerPort: 8888
        """
        .formatted(name, indented);
  }
}
