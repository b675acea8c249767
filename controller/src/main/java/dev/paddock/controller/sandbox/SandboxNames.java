package dev.paddock.controller.sandbox;

import dev.paddock.api.AgentsLabels;
import dev.paddock.api.NameHash;
import dev.paddock.api.common.VolumeClaimTemplate;
import dev.paddock.api.sandbox.Sandbox;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** The names, labels and owner references every object of a Sandbox carries. */
public final class SandboxNames {
  private SandboxNames() {}

  /** The pod's name: the {@code pod-name} annotation when set (warm-pool history), else ours. */
  public static String podName(Sandbox sandbox) {
    Map<String, String> annotations = sandbox.getMetadata().getAnnotations();
    String recorded = annotations == null ? null : annotations.get(AgentsLabels.POD_NAME);
    return recorded == null || recorded.isEmpty() ? sandbox.getMetadata().getName() : recorded;
  }

  public static String serviceName(Sandbox sandbox) {
    return sandbox.getMetadata().getName();
  }

  public static String pvcName(VolumeClaimTemplate template, Sandbox sandbox) {
    return template.getMetadata().getName() + "-" + sandbox.getMetadata().getName();
  }

  public static String nameHash(Sandbox sandbox) {
    return NameHash.of(sandbox.getMetadata().getName());
  }

  /** {@code agents.x-k8s.io/sandbox-name-hash=<hash>}, the value of {@code status.selector}. */
  public static String selector(Sandbox sandbox) {
    return AgentsLabels.SANDBOX_NAME_HASH + "=" + nameHash(sandbox);
  }

  /** Labels from a template, without keys in the reserved domain, plus the name-hash label. */
  /**
   * Reserved labels that pools and claims put in a sandbox's pod template and that must reach the
   * pod, as upstream's do: the template's managed NetworkPolicy selects pods by the template-ref
   * hash, and clients find a claim's pod by its uid.
   */
  static final Set<String> PASSED_TO_POD =
      Set.of(
          AgentsLabels.SANDBOX_TEMPLATE_REF_HASH, AgentsLabels.CLAIM_UID, AgentsLabels.CREATED_BY);

  /** Labels of a sandbox's PVCs: the template's, reserved keys dropped, plus the name hash. */
  static Map<String, String> labelsFor(Sandbox sandbox, Map<String, String> templateLabels) {
    return labels(sandbox, templateLabels, Set.of());
  }

  /** Labels of a sandbox's pod: as for PVCs, but the pool and claim labels pass through. */
  static Map<String, String> podLabelsFor(Sandbox sandbox, Map<String, String> templateLabels) {
    return labels(sandbox, templateLabels, PASSED_TO_POD);
  }

  private static Map<String, String> labels(
      Sandbox sandbox, Map<String, String> templateLabels, Set<String> reservedKept) {
    Map<String, String> labels = new LinkedHashMap<>();
    if (templateLabels != null) {
      templateLabels.forEach(
          (k, v) -> {
            if (!AgentsLabels.isReserved(k) || reservedKept.contains(k)) {
              labels.put(k, v);
            }
          });
    }
    labels.put(AgentsLabels.SANDBOX_NAME_HASH, nameHash(sandbox));
    return labels;
  }

  /** The controller owner reference that makes deletion of the Sandbox cascade. */
  public static OwnerReference ownerReference(Sandbox sandbox) {
    return new OwnerReferenceBuilder()
        .withApiVersion(Sandbox.API_VERSION)
        .withKind("Sandbox")
        .withName(sandbox.getMetadata().getName())
        .withUid(sandbox.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build();
  }

  /** True when {@code object}'s controller is this Sandbox (by UID). */
  public static boolean isControlledBy(HasMetadata object, Sandbox sandbox) {
    var refs = object.getMetadata().getOwnerReferences();
    if (refs == null) {
      return false;
    }
    String uid = sandbox.getMetadata().getUid();
    return refs.stream()
        .anyMatch(
            r -> Boolean.TRUE.equals(r.getController()) && uid != null && uid.equals(r.getUid()));
  }

  /** True when {@code object} has a controller other than this Sandbox. */
  public static boolean hasOtherController(HasMetadata object, Sandbox sandbox) {
    var refs = object.getMetadata().getOwnerReferences();
    if (refs == null) {
      return false;
    }
    String uid = sandbox.getMetadata().getUid();
    return refs.stream()
        .anyMatch(r -> Boolean.TRUE.equals(r.getController()) && !Objects.equals(r.getUid(), uid));
  }

  /**
   * An unowned object may be adopted when labelled {@code adoptable=true} or already carrying this
   * Sandbox's name-hash label.
   */
  public static boolean isAdoptable(HasMetadata object, Sandbox sandbox) {
    if (hasOtherController(object, sandbox)) {
      return false;
    }
    Map<String, String> labels = object.getMetadata().getLabels();
    if (labels == null) {
      return false;
    }
    return "true".equals(labels.get(AgentsLabels.ADOPTABLE))
        || nameHash(sandbox).equals(labels.get(AgentsLabels.SANDBOX_NAME_HASH));
  }
}
