package dev.paddock.api.common;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimSpec;
import java.util.Objects;

/** A PersistentVolumeClaim to create per sandbox, named {@code <name>-<sandbox>}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class VolumeClaimTemplate {
  private EmbeddedObjectMetadata metadata;

  @Required private PersistentVolumeClaimSpec spec;

  public VolumeClaimTemplate() {}

  public VolumeClaimTemplate(EmbeddedObjectMetadata metadata, PersistentVolumeClaimSpec spec) {
    this.metadata = metadata;
    this.spec = spec;
  }

  public EmbeddedObjectMetadata getMetadata() {
    return metadata;
  }

  public void setMetadata(EmbeddedObjectMetadata metadata) {
    this.metadata = metadata;
  }

  public PersistentVolumeClaimSpec getSpec() {
    return spec;
  }

  public void setSpec(PersistentVolumeClaimSpec spec) {
    this.spec = spec;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VolumeClaimTemplate other
        && Objects.equals(metadata, other.metadata)
        && Objects.equals(spec, other.spec);
  }

  @Override
  public int hashCode() {
    return Objects.hash(metadata, spec);
  }
}
