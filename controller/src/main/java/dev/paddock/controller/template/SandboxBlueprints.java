package dev.paddock.controller.template;

import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.paddock.api.AgentsLabels;
import dev.paddock.api.NameHash;
import dev.paddock.api.common.PodMetadata;
import dev.paddock.api.common.PodTemplate;
import dev.paddock.api.extensions.SandboxTemplate;
import dev.paddock.api.extensions.SandboxTemplateSpec;
import dev.paddock.api.sandbox.SandboxSpec;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds the spec of a Sandbox from a SandboxTemplate: the template's blueprint (pod template,
 * volume claim templates, service), with Paddock's secure defaults applied. Warm pools and cold
 * claims both build through here, so every sandbox made from a template gets the same defaults.
 */
public final class SandboxBlueprints {
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  /** Canonical JSON: sorted properties and map keys, so equal blueprints hash equally. */
  private static final ObjectMapper CANONICAL =
      JsonMapper.builder()
          .configure(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY, true)
          .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
          .build();

  private SandboxBlueprints() {}

  /** A deep copy of the template's blueprint as a Sandbox spec, with the secure defaults. */
  public static SandboxSpec sandboxSpec(SandboxTemplate template) {
    SandboxTemplateSpec source = template.getSpec();
    SandboxSpec spec = new SandboxSpec();
    PodTemplate podTemplate =
        source.getPodTemplate() == null
            ? new PodTemplate(null, new PodSpec())
            : SERIALIZATION.clone(source.getPodTemplate());
    if (podTemplate.getSpec() == null) {
      podTemplate.setSpec(new PodSpec());
    }
    applySecureDefaults(podTemplate.getSpec());
    spec.setPodTemplate(podTemplate);
    if (source.getVolumeClaimTemplates() != null) {
      spec.setVolumeClaimTemplates(
          source.getVolumeClaimTemplates().stream().map(SERIALIZATION::clone).toList());
    }
    spec.setService(source.getService());
    return spec;
  }

  /**
   * Secure defaults for a sandbox pod built from a template: no service account token unless the
   * template says otherwise (an agent has no business talking to the API server by default).
   */
  public static void applySecureDefaults(PodSpec podSpec) {
    if (podSpec.getAutomountServiceAccountToken() == null) {
      podSpec.setAutomountServiceAccountToken(false);
    }
  }

  /**
   * Annotations for a Sandbox built from the template: {@code sandbox-template-ref} (the template's
   * name), and Paddock's opt-ins that the Sandbox reconciler reads from the Sandbox alone.
   */
  public static Map<String, String> sandboxAnnotations(SandboxTemplate template) {
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put(AgentsLabels.SANDBOX_TEMPLATE_REF, template.getMetadata().getName());
    Map<String, String> templateAnnotations = template.getMetadata().getAnnotations();
    if (templateAnnotations != null
        && templateAnnotations.containsKey(FailedPodRestartPolicy.ENABLED_ANNOTATION)) {
      annotations.put(
          FailedPodRestartPolicy.ENABLED_ANNOTATION,
          templateAnnotations.get(FailedPodRestartPolicy.ENABLED_ANNOTATION));
    }
    return annotations;
  }

  /** Labels that mark a sandbox (and its pod) as built from the named template. */
  public static Map<String, String> templateRefLabels(String templateName) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(AgentsLabels.SANDBOX_TEMPLATE_REF_HASH, NameHash.of(templateName));
    return labels;
  }

  /** Adds labels to the pod template's metadata, creating it if needed. */
  public static void addPodLabels(PodTemplate podTemplate, Map<String, String> labels) {
    PodMetadata metadata = podTemplate.getMetadata();
    if (metadata == null) {
      metadata = new PodMetadata();
      podTemplate.setMetadata(metadata);
    }
    Map<String, String> merged =
        metadata.getLabels() == null
            ? new LinkedHashMap<>()
            : new LinkedHashMap<>(metadata.getLabels());
    merged.putAll(labels);
    metadata.setLabels(merged);
  }

  /**
   * The hash of what a template builds (pod template, volume claim templates, service), for the
   * {@code sandbox-template-hash} label that update strategies compare. Network policy and the
   * injection policies are left out: changing them does not change an existing sandbox.
   */
  public static String blueprintHash(SandboxTemplate template) {
    SandboxTemplateSpec spec = template.getSpec();
    Map<String, Object> blueprint = new LinkedHashMap<>();
    blueprint.put("podTemplate", spec == null ? null : spec.getPodTemplate());
    blueprint.put("volumeClaimTemplates", spec == null ? null : spec.getVolumeClaimTemplates());
    blueprint.put("service", spec == null ? null : spec.getService());
    try {
      return NameHash.of(CANONICAL.writeValueAsString(blueprint));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("a template blueprint must serialize", e);
    }
  }
}
