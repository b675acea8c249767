package dev.paddock.api.extensions;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.paddock.api.common.PodTemplate;
import dev.paddock.api.common.VolumeClaimTemplate;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import java.util.List;
import java.util.Objects;

/** The blueprint that warm pools and claims build sandboxes from. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SandboxTemplateSpec {
  @Required private PodTemplate podTemplate;

  private List<VolumeClaimTemplate> volumeClaimTemplates;

  private Boolean service;

  private NetworkPolicySpec networkPolicy;

  @Default("Managed")
  private NetworkPolicyManagement networkPolicyManagement;

  @Default("Disallowed")
  private EnvVarsInjectionPolicy envVarsInjectionPolicy;

  @Default("Disallowed")
  private VolumeClaimTemplatesPolicy volumeClaimTemplatesPolicy;

  public PodTemplate getPodTemplate() {
    return podTemplate;
  }

  public void setPodTemplate(PodTemplate podTemplate) {
    this.podTemplate = podTemplate;
  }

  public List<VolumeClaimTemplate> getVolumeClaimTemplates() {
    return volumeClaimTemplates;
  }

  public void setVolumeClaimTemplates(List<VolumeClaimTemplate> volumeClaimTemplates) {
    this.volumeClaimTemplates = volumeClaimTemplates;
  }

  public Boolean getService() {
    return service;
  }

  public void setService(Boolean service) {
    this.service = service;
  }

  public NetworkPolicySpec getNetworkPolicy() {
    return networkPolicy;
  }

  public void setNetworkPolicy(NetworkPolicySpec networkPolicy) {
    this.networkPolicy = networkPolicy;
  }

  public NetworkPolicyManagement getNetworkPolicyManagement() {
    return networkPolicyManagement;
  }

  public void setNetworkPolicyManagement(NetworkPolicyManagement networkPolicyManagement) {
    this.networkPolicyManagement = networkPolicyManagement;
  }

  public EnvVarsInjectionPolicy getEnvVarsInjectionPolicy() {
    return envVarsInjectionPolicy;
  }

  public void setEnvVarsInjectionPolicy(EnvVarsInjectionPolicy envVarsInjectionPolicy) {
    this.envVarsInjectionPolicy = envVarsInjectionPolicy;
  }

  public VolumeClaimTemplatesPolicy getVolumeClaimTemplatesPolicy() {
    return volumeClaimTemplatesPolicy;
  }

  public void setVolumeClaimTemplatesPolicy(VolumeClaimTemplatesPolicy volumeClaimTemplatesPolicy) {
    this.volumeClaimTemplatesPolicy = volumeClaimTemplatesPolicy;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SandboxTemplateSpec other
        && Objects.equals(podTemplate, other.podTemplate)
        && Objects.equals(volumeClaimTemplates, other.volumeClaimTemplates)
        && Objects.equals(service, other.service)
        && Objects.equals(networkPolicy, other.networkPolicy)
        && networkPolicyManagement == other.networkPolicyManagement
        && envVarsInjectionPolicy == other.envVarsInjectionPolicy
        && volumeClaimTemplatesPolicy == other.volumeClaimTemplatesPolicy;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        podTemplate,
        volumeClaimTemplates,
        service,
        networkPolicy,
        networkPolicyManagement,
        envVarsInjectionPolicy,
        volumeClaimTemplatesPolicy);
  }
}
