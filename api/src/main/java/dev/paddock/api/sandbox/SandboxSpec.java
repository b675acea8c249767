package dev.paddock.api.sandbox;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.paddock.api.common.PodTemplate;
import dev.paddock.api.common.VolumeClaimTemplate;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import java.util.List;
import java.util.Objects;

/** The desired state of a Sandbox: one pod with a stable name, storage and a lifecycle. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SandboxSpec {
  @Required private PodTemplate podTemplate;

  private List<VolumeClaimTemplate> volumeClaimTemplates;

  /** Unset keeps an existing owned Service, true makes a headless Service, false deletes it. */
  private Boolean service;

  /** RFC 3339 time at which the sandbox expires. */
  private String shutdownTime;

  @Default("Retain")
  private ShutdownPolicy shutdownPolicy;

  @Default("Running")
  private OperatingMode operatingMode;

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

  public String getShutdownTime() {
    return shutdownTime;
  }

  public void setShutdownTime(String shutdownTime) {
    this.shutdownTime = shutdownTime;
  }

  public ShutdownPolicy getShutdownPolicy() {
    return shutdownPolicy;
  }

  public void setShutdownPolicy(ShutdownPolicy shutdownPolicy) {
    this.shutdownPolicy = shutdownPolicy;
  }

  public OperatingMode getOperatingMode() {
    return operatingMode;
  }

  public void setOperatingMode(OperatingMode operatingMode) {
    this.operatingMode = operatingMode;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SandboxSpec other
        && Objects.equals(podTemplate, other.podTemplate)
        && Objects.equals(volumeClaimTemplates, other.volumeClaimTemplates)
        && Objects.equals(service, other.service)
        && Objects.equals(shutdownTime, other.shutdownTime)
        && shutdownPolicy == other.shutdownPolicy
        && operatingMode == other.operatingMode;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        podTemplate, volumeClaimTemplates, service, shutdownTime, shutdownPolicy, operatingMode);
  }
}
