package dev.paddock.controller.sandbox;

import dev.paddock.api.common.PodMetadata;
import dev.paddock.api.common.PodTemplate;
import dev.paddock.api.common.VolumeClaimTemplate;
import dev.paddock.api.sandbox.Sandbox;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** The Pod a Sandbox wants: a pure function of the Sandbox. */
public final class SandboxPodBuilder {
  private SandboxPodBuilder() {}

  public static Pod desired(Sandbox sandbox) {
    PodTemplate template = sandbox.getSpec().getPodTemplate();
    PodMetadata metadata = template.getMetadata();
    Map<String, String> templateLabels = metadata == null ? null : metadata.getLabels();
    Map<String, String> templateAnnotations = metadata == null ? null : metadata.getAnnotations();
    PodSpec spec =
        template.getSpec() == null
            ? new PodSpec()
            : new PodSpecBuilder(template.getSpec()).build(); // a copy: never alias the primary
    spec.setVolumes(withClaimVolumes(spec.getVolumes(), sandbox));
    return new PodBuilder()
        .withNewMetadata()
        .withName(SandboxNames.podName(sandbox))
        .withNamespace(sandbox.getMetadata().getNamespace())
        .withLabels(SandboxNames.podLabelsFor(sandbox, templateLabels))
        .withAnnotations(
            templateAnnotations == null || templateAnnotations.isEmpty()
                ? null
                : new LinkedHashMap<>(templateAnnotations))
        .withOwnerReferences(SandboxNames.ownerReference(sandbox))
        .endMetadata()
        .withSpec(spec)
        .build();
  }

  /**
   * StatefulSet semantics: each volumeClaimTemplate becomes a volume of the same name backed by its
   * PVC, replacing a template volume of that name.
   */
  static List<Volume> withClaimVolumes(List<Volume> templateVolumes, Sandbox sandbox) {
    List<VolumeClaimTemplate> claims = sandbox.getSpec().getVolumeClaimTemplates();
    if (claims == null || claims.isEmpty()) {
      return templateVolumes == null || templateVolumes.isEmpty() ? null : templateVolumes;
    }
    Set<String> claimNames =
        claims.stream().map(c -> c.getMetadata().getName()).collect(Collectors.toSet());
    List<Volume> volumes = new ArrayList<>();
    if (templateVolumes != null) {
      templateVolumes.stream().filter(v -> !claimNames.contains(v.getName())).forEach(volumes::add);
    }
    for (VolumeClaimTemplate claim : claims) {
      volumes.add(
          new VolumeBuilder()
              .withName(claim.getMetadata().getName())
              .withNewPersistentVolumeClaim()
              .withClaimName(SandboxNames.pvcName(claim, sandbox))
              .endPersistentVolumeClaim()
              .build());
    }
    return volumes;
  }
}
