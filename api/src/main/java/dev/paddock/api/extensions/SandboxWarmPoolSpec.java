package dev.paddock.api.extensions;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.model.annotation.SpecReplicas;
import java.util.Objects;

/** A pool of pre-provisioned sandboxes built from one template. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SandboxWarmPoolSpec {
  @Default("1")
  @Min(0)
  @SpecReplicas
  private Integer replicas;

  @Required private NameReference sandboxTemplateRef;

  private UpdateStrategy updateStrategy;

  public Integer getReplicas() {
    return replicas;
  }

  public void setReplicas(Integer replicas) {
    this.replicas = replicas;
  }

  public NameReference getSandboxTemplateRef() {
    return sandboxTemplateRef;
  }

  public void setSandboxTemplateRef(NameReference sandboxTemplateRef) {
    this.sandboxTemplateRef = sandboxTemplateRef;
  }

  public UpdateStrategy getUpdateStrategy() {
    return updateStrategy;
  }

  public void setUpdateStrategy(UpdateStrategy updateStrategy) {
    this.updateStrategy = updateStrategy;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SandboxWarmPoolSpec other
        && Objects.equals(replicas, other.replicas)
        && Objects.equals(sandboxTemplateRef, other.sandboxTemplateRef)
        && Objects.equals(updateStrategy, other.updateStrategy);
  }

  @Override
  public int hashCode() {
    return Objects.hash(replicas, sandboxTemplateRef, updateStrategy);
  }
}
