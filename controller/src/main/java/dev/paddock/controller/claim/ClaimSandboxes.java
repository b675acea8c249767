package dev.paddock.controller.claim;

import dev.paddock.api.AgentsLabels;
import dev.paddock.api.common.PodMetadata;
import dev.paddock.api.common.VolumeClaimTemplate;
import dev.paddock.api.extensions.ClaimEnvVar;
import dev.paddock.api.extensions.EnvVarsInjectionPolicy;
import dev.paddock.api.extensions.SandboxClaim;
import dev.paddock.api.extensions.SandboxTemplate;
import dev.paddock.api.extensions.VolumeClaimTemplatesPolicy;
import dev.paddock.api.sandbox.Sandbox;
import dev.paddock.api.sandbox.SandboxSpec;
import dev.paddock.controller.template.SandboxBlueprints;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/** Desired state of the Sandbox behind a claim: the cold-start sandbox and the claim's marks. */
public final class ClaimSandboxes {
  private ClaimSandboxes() {}

  /** The claim as the controlling owner of its sandbox (deleting the claim deletes it). */
  public static OwnerReference ownerReference(SandboxClaim claim) {
    return new OwnerReferenceBuilder()
        .withApiVersion(SandboxTemplate.API_VERSION)
        .withKind("SandboxClaim")
        .withName(claim.getMetadata().getName())
        .withUid(claim.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build();
  }

  /** True when the claim asks for something a pre-built warm sandbox cannot have. */
  public static boolean needsColdStart(SandboxClaim claim) {
    return (claim.getSpec().getEnv() != null && !claim.getSpec().getEnv().isEmpty())
        || (claim.getSpec().getVolumeClaimTemplates() != null
            && !claim.getSpec().getVolumeClaimTemplates().isEmpty());
  }

  /** Labels a claim puts on its sandbox's pod: its identity and the template it came from. */
  static Map<String, String> identityLabels(SandboxClaim claim, String templateName) {
    Map<String, String> labels =
        new LinkedHashMap<>(SandboxBlueprints.templateRefLabels(templateName));
    labels.put(AgentsLabels.CLAIM_UID, claim.getMetadata().getUid());
    String createdBy =
        claim.getMetadata().getLabels() == null
            ? null
            : claim.getMetadata().getLabels().get(AgentsLabels.CREATED_BY);
    if (createdBy != null && !createdBy.isEmpty()) {
      labels.put(AgentsLabels.CREATED_BY, createdBy);
    }
    return labels;
  }

  /**
   * The pod metadata of a claimed sandbox: the template's, plus the claim's identity labels and its
   * validated additionalPodMetadata.
   */
  static PodMetadata podMetadata(SandboxClaim claim, PodMetadata base, String templateName)
      throws ClaimRejection {
    PodMetadata merged = PodMetadataPolicy.merge(base, claim.getSpec().getAdditionalPodMetadata());
    Map<String, String> labels =
        new LinkedHashMap<>(merged.getLabels() == null ? Map.of() : merged.getLabels());
    labels.putAll(identityLabels(claim, templateName));
    merged.setLabels(labels);
    return merged;
  }

  /**
   * The sandbox a cold start creates: named after the claim, built from the template, with the
   * claim's env and volume claim templates as the template's policies allow.
   */
  public static Sandbox coldSandbox(SandboxClaim claim, SandboxTemplate template)
      throws ClaimRejection {
    String templateName = template.getMetadata().getName();
    SandboxSpec spec = SandboxBlueprints.sandboxSpec(template);
    spec.setVolumeClaimTemplates(
        mergeVolumeClaimTemplates(
            spec.getVolumeClaimTemplates(),
            claim.getSpec().getVolumeClaimTemplates(),
            template.getSpec().getVolumeClaimTemplatesPolicy()));
    injectEnv(spec, claim.getSpec().getEnv(), template.getSpec().getEnvVarsInjectionPolicy());
    spec.getPodTemplate()
        .setMetadata(podMetadata(claim, spec.getPodTemplate().getMetadata(), templateName));

    Map<String, String> labels = new LinkedHashMap<>(identityLabels(claim, templateName));
    labels.put(AgentsLabels.LAUNCH_TYPE, AgentsLabels.LAUNCH_TYPE_COLD);
    Sandbox sandbox = new Sandbox();
    sandbox.setMetadata(
        new ObjectMetaBuilder()
            .withName(claim.getMetadata().getName())
            .withNamespace(claim.getMetadata().getNamespace())
            .withLabels(labels)
            .withAnnotations(SandboxBlueprints.sandboxAnnotations(template))
            .withOwnerReferences(ownerReference(claim))
            .build());
    sandbox.setSpec(spec);
    return sandbox;
  }

  /**
   * Applies {@code envVarsInjectionPolicy}: Disallowed refuses, Allowed adds, Overrides replaces.
   */
  static void injectEnv(SandboxSpec spec, List<ClaimEnvVar> env, EnvVarsInjectionPolicy policy)
      throws ClaimRejection {
    if (env == null || env.isEmpty()) {
      return;
    }
    EnvVarsInjectionPolicy effective = policy == null ? EnvVarsInjectionPolicy.Disallowed : policy;
    if (effective == EnvVarsInjectionPolicy.Disallowed) {
      throw rejectedEnv("the template's envVarsInjectionPolicy is Disallowed");
    }
    List<Container> containers =
        spec.getPodTemplate().getSpec().getContainers() == null
            ? List.of()
            : spec.getPodTemplate().getSpec().getContainers();
    List<Container> initContainers =
        spec.getPodTemplate().getSpec().getInitContainers() == null
            ? List.of()
            : spec.getPodTemplate().getSpec().getInitContainers();
    Set<String> known = new HashSet<>();
    Stream.concat(containers.stream(), initContainers.stream())
        .forEach(c -> known.add(c.getName()));
    for (ClaimEnvVar variable : env) {
      String target = variable.getContainerName();
      Container container;
      if (target == null || target.isEmpty()) {
        if (containers.isEmpty()) {
          throw rejectedEnv(
              "the template has no container to inject " + variable.getName() + " into");
        }
        container = containers.get(0);
      } else {
        if (!known.contains(target)) {
          throw rejectedEnv(
              "container " + target + " (for " + variable.getName() + ") is not in the template");
        }
        container =
            Stream.concat(containers.stream(), initContainers.stream())
                .filter(c -> target.equals(c.getName()))
                .findFirst()
                .orElseThrow();
      }
      inject(container, variable, effective);
    }
  }

  private static void inject(
      Container container, ClaimEnvVar variable, EnvVarsInjectionPolicy policy)
      throws ClaimRejection {
    if (policy == EnvVarsInjectionPolicy.Allowed
        && container.getEnvFrom() != null
        && !container.getEnvFrom().isEmpty()) {
      throw rejectedEnv(
          "container "
              + container.getName()
              + " uses envFrom, so the Allowed policy cannot tell a new variable from an override");
    }
    List<EnvVar> current =
        container.getEnv() == null ? new ArrayList<>() : new ArrayList<>(container.getEnv());
    EnvVar injected = new EnvVar(variable.getName(), variable.getValue(), null);
    for (int i = 0; i < current.size(); i++) {
      if (variable.getName().equals(current.get(i).getName())) {
        if (policy != EnvVarsInjectionPolicy.Overrides) {
          throw rejectedEnv(
              "variable "
                  + variable.getName()
                  + " is set by the template; only the Overrides policy may replace it");
        }
        current.set(i, injected);
        container.setEnv(current);
        return;
      }
    }
    current.add(injected);
    container.setEnv(current);
  }

  private static ClaimRejection rejectedEnv(String message) {
    return new ClaimRejection(
        ClaimReasons.ENV_VARS_INJECTION_REJECTED,
        "environment variable injection rejected: " + message);
  }

  /** Applies {@code volumeClaimTemplatesPolicy} to the claim's volume claim templates. */
  static List<VolumeClaimTemplate> mergeVolumeClaimTemplates(
      List<VolumeClaimTemplate> fromTemplate,
      List<VolumeClaimTemplate> fromClaim,
      VolumeClaimTemplatesPolicy policy)
      throws ClaimRejection {
    List<VolumeClaimTemplate> base = fromTemplate == null ? List.of() : fromTemplate;
    validateNames(base, "template");
    if (fromClaim == null || fromClaim.isEmpty()) {
      return fromTemplate;
    }
    validateNames(fromClaim, "claim");
    VolumeClaimTemplatesPolicy effective =
        policy == null ? VolumeClaimTemplatesPolicy.Disallowed : policy;
    Map<String, VolumeClaimTemplate> claimed = new LinkedHashMap<>();
    fromClaim.forEach(v -> claimed.put(v.getMetadata().getName(), v));
    switch (effective) {
      case Disallowed:
        throw vctError("the template's volumeClaimTemplatesPolicy is Disallowed");
      case Allowed:
        for (VolumeClaimTemplate v : base) {
          if (claimed.containsKey(v.getMetadata().getName())) {
            throw vctError(
                "volume "
                    + v.getMetadata().getName()
                    + " is defined by the template; only the Overrides policy may replace it");
          }
        }
        List<VolumeClaimTemplate> appended = new ArrayList<>(base);
        appended.addAll(fromClaim);
        return appended;
      case Overrides:
      default:
        List<VolumeClaimTemplate> merged = new ArrayList<>();
        for (VolumeClaimTemplate v : base) {
          VolumeClaimTemplate replacement = claimed.remove(v.getMetadata().getName());
          merged.add(replacement == null ? v : replacement);
        }
        merged.addAll(claimed.values());
        return merged;
    }
  }

  private static void validateNames(List<VolumeClaimTemplate> templates, String where)
      throws ClaimRejection {
    Set<String> names = new HashSet<>();
    for (int i = 0; i < templates.size(); i++) {
      VolumeClaimTemplate v = templates.get(i);
      String name = v.getMetadata() == null ? null : v.getMetadata().getName();
      if (name == null || name.isEmpty()) {
        throw vctError(where + " volume claim template " + i + " has no name");
      }
      if (!names.add(name)) {
        throw vctError(where + " volume claim template " + name + " is defined twice");
      }
    }
  }

  private static ClaimRejection vctError(String message) {
    return new ClaimRejection(
        ClaimReasons.VOLUME_CLAIM_TEMPLATES_ERROR, "volume claim templates rejected: " + message);
  }
}
