package dev.paddock.controller.sandbox;

import dev.paddock.api.common.VolumeClaimTemplate;
import dev.paddock.api.sandbox.Sandbox;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimSpecBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/** The PersistentVolumeClaims a Sandbox wants, one per volumeClaimTemplate. */
public final class SandboxPvcBuilder {
  private SandboxPvcBuilder() {}

  public static List<PersistentVolumeClaim> desired(Sandbox sandbox) {
    List<VolumeClaimTemplate> templates = sandbox.getSpec().getVolumeClaimTemplates();
    List<PersistentVolumeClaim> claims = new ArrayList<>();
    if (templates == null) {
      return claims;
    }
    for (VolumeClaimTemplate template : templates) {
      var meta = template.getMetadata();
      claims.add(
          new PersistentVolumeClaimBuilder()
              .withNewMetadata()
              .withName(SandboxNames.pvcName(template, sandbox))
              .withNamespace(sandbox.getMetadata().getNamespace())
              .withLabels(SandboxNames.labelsFor(sandbox, meta.getLabels()))
              .withAnnotations(
                  meta.getAnnotations() == null || meta.getAnnotations().isEmpty()
                      ? null
                      : new LinkedHashMap<>(meta.getAnnotations()))
              .withOwnerReferences(SandboxNames.ownerReference(sandbox))
              .endMetadata()
              .withSpec(
                  template.getSpec() == null
                      ? null
                      : new PersistentVolumeClaimSpecBuilder(template.getSpec()).build())
              .build());
    }
    return claims;
  }
}
