package dev.paddock.api.common;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.Objects;

/** The pod blueprint of a Sandbox or SandboxTemplate: labels, annotations and a full PodSpec. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PodTemplate {
  private PodMetadata metadata;

  @Required private PodSpec spec;

  public PodTemplate() {}

  public PodTemplate(PodMetadata metadata, PodSpec spec) {
    this.metadata = metadata;
    this.spec = spec;
  }

  public PodMetadata getMetadata() {
    return metadata;
  }

  public void setMetadata(PodMetadata metadata) {
    this.metadata = metadata;
  }

  public PodSpec getSpec() {
    return spec;
  }

  public void setSpec(PodSpec spec) {
    this.spec = spec;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PodTemplate other
        && Objects.equals(metadata, other.metadata)
        && Objects.equals(spec, other.spec);
  }

  @Override
  public int hashCode() {
    return Objects.hash(metadata, spec);
  }
}
