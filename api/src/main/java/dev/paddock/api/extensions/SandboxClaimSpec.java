package dev.paddock.api.extensions;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.paddock.api.common.PodMetadata;
import dev.paddock.api.common.VolumeClaimTemplate;
import io.fabric8.generator.annotation.Required;
import java.util.List;
import java.util.Objects;

/** A request for a sandbox from a warm pool. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SandboxClaimSpec {
  @Required private NameReference warmPoolRef;

  private ClaimLifecycle lifecycle;

  private PodMetadata additionalPodMetadata;

  private List<ClaimEnvVar> env;

  private List<VolumeClaimTemplate> volumeClaimTemplates;

  public NameReference getWarmPoolRef() {
    return warmPoolRef;
  }

  public void setWarmPoolRef(NameReference warmPoolRef) {
    this.warmPoolRef = warmPoolRef;
  }

  public ClaimLifecycle getLifecycle() {
    return lifecycle;
  }

  public void setLifecycle(ClaimLifecycle lifecycle) {
    this.lifecycle = lifecycle;
  }

  public PodMetadata getAdditionalPodMetadata() {
    return additionalPodMetadata;
  }

  public void setAdditionalPodMetadata(PodMetadata additionalPodMetadata) {
    this.additionalPodMetadata = additionalPodMetadata;
  }

  public List<ClaimEnvVar> getEnv() {
    return env;
  }

  public void setEnv(List<ClaimEnvVar> env) {
    this.env = env;
  }

  public List<VolumeClaimTemplate> getVolumeClaimTemplates() {
    return volumeClaimTemplates;
  }

  public void setVolumeClaimTemplates(List<VolumeClaimTemplate> volumeClaimTemplates) {
    this.volumeClaimTemplates = volumeClaimTemplates;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SandboxClaimSpec other
        && Objects.equals(warmPoolRef, other.warmPoolRef)
        && Objects.equals(lifecycle, other.lifecycle)
        && Objects.equals(additionalPodMetadata, other.additionalPodMetadata)
        && Objects.equals(env, other.env)
        && Objects.equals(volumeClaimTemplates, other.volumeClaimTemplates);
  }

  @Override
  public int hashCode() {
    return Objects.hash(warmPoolRef, lifecycle, additionalPodMetadata, env, volumeClaimTemplates);
  }
}
