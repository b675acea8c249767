package dev.paddock.controller.sandbox;

import dev.paddock.api.common.EmbeddedObjectMetadata;
import dev.paddock.api.common.PodMetadata;
import dev.paddock.api.common.PodTemplate;
import dev.paddock.api.common.VolumeClaimTemplate;
import dev.paddock.api.sandbox.Sandbox;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimSpecBuilder;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Sandboxes for tests, built in code so each test shows what it varies. */
final class SandboxFixtures {
  static final String NAMESPACE = "agents";

  private SandboxFixtures() {}

  /** A Sandbox with one container serving 8888 (named) and 9000 (unnamed). */
  static Sandbox sandbox(String name) {
    return sandbox(NAMESPACE, name);
  }

  static Sandbox sandbox(String namespace, String name) {
    Sandbox sandbox = new Sandbox();
    sandbox.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("app", "agent");
    labels.put("agents.x-k8s.io/sandbox-name-hash", "forged");
    labels.put("agents.x-k8s.io/launch-type", "cold");
    sandbox
        .getSpec()
        .setPodTemplate(
            new PodTemplate(
                new PodMetadata(labels, Map.of("team", "research")),
                new PodSpecBuilder()
                    .withContainers(
                        new ContainerBuilder()
                            .withName("agent")
                            .withImage("python:3.12-slim")
                            .withPorts(
                                new ContainerPortBuilder()
                                    .withName("http")
                                    .withContainerPort(8888)
                                    .build(),
                                new ContainerPortBuilder()
                                    .withContainerPort(9000)
                                    .withProtocol("UDP")
                                    .build())
                            .build())
                    .build()));
    return sandbox;
  }

  static Sandbox withWorkspace(Sandbox sandbox) {
    var claim =
        new VolumeClaimTemplate(
            new EmbeddedObjectMetadata("workspace"),
            new PersistentVolumeClaimSpecBuilder()
                .withAccessModes("ReadWriteOnce")
                .withNewResources()
                .withRequests(Map.of("storage", new Quantity("1Gi")))
                .endResources()
                .build());
    sandbox.getSpec().setVolumeClaimTemplates(List.of(claim));
    return sandbox;
  }
}
