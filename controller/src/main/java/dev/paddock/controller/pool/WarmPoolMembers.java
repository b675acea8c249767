package dev.paddock.controller.pool;

import dev.paddock.api.AgentsLabels;
import dev.paddock.api.NameHash;
import dev.paddock.api.extensions.SandboxTemplate;
import dev.paddock.api.extensions.SandboxWarmPool;
import dev.paddock.api.sandbox.Sandbox;
import dev.paddock.controller.template.SandboxBlueprints;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** How a warm pool's members look and how to recognise them. */
public final class WarmPoolMembers {
  private WarmPoolMembers() {}

  /** {@code agents.x-k8s.io/warm-pool-sandbox=<hash of the pool name>}, the pool's selector. */
  public static String selector(String poolName) {
    return AgentsLabels.WARM_POOL_SANDBOX + "=" + NameHash.of(poolName);
  }

  /** A new member of the pool built from the template; the API server picks its name. */
  public static Sandbox build(SandboxWarmPool pool, SandboxTemplate template, String templateHash) {
    String templateName = template.getMetadata().getName();
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(AgentsLabels.WARM_POOL_SANDBOX, NameHash.of(pool.getMetadata().getName()));
    labels.putAll(SandboxBlueprints.templateRefLabels(templateName));
    labels.put(AgentsLabels.SANDBOX_TEMPLATE_HASH, templateHash);
    labels.put(AgentsLabels.LAUNCH_TYPE, AgentsLabels.LAUNCH_TYPE_WARM);

    Sandbox sandbox = new Sandbox();
    sandbox.setMetadata(
        new ObjectMetaBuilder()
            .withGenerateName(pool.getMetadata().getName() + "-")
            .withNamespace(pool.getMetadata().getNamespace())
            .withLabels(labels)
            .withAnnotations(SandboxBlueprints.sandboxAnnotations(template))
            .withOwnerReferences(ownerReference(pool))
            .build());
    sandbox.setSpec(SandboxBlueprints.sandboxSpec(template));
    SandboxBlueprints.addPodLabels(
        sandbox.getSpec().getPodTemplate(), SandboxBlueprints.templateRefLabels(templateName));
    return sandbox;
  }

  public static OwnerReference ownerReference(SandboxWarmPool pool) {
    return new OwnerReferenceBuilder()
        .withApiVersion(SandboxTemplate.API_VERSION)
        .withKind("SandboxWarmPool")
        .withName(pool.getMetadata().getName())
        .withUid(pool.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build();
  }

  /** The uid of the warm pool that controls the sandbox, if a pool does. */
  public static Optional<String> controllingPoolUid(Sandbox sandbox) {
    List<OwnerReference> owners = sandbox.getMetadata().getOwnerReferences();
    if (owners == null) {
      return Optional.empty();
    }
    return owners.stream()
        .filter(
            o -> Boolean.TRUE.equals(o.getController()) && "SandboxWarmPool".equals(o.getKind()))
        .map(OwnerReference::getUid)
        .findFirst();
  }

  /** The index key of a pool's members in a Sandbox informer: the pool's uid. */
  public static List<String> poolIndexKeys(Sandbox sandbox) {
    if (sandbox.getMetadata().getDeletionTimestamp() != null) {
      return List.of();
    }
    return controllingPoolUid(sandbox).map(List::of).orElse(List.of());
  }
}
