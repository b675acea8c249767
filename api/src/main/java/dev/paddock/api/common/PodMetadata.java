package dev.paddock.api.common;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;
import java.util.Objects;

/** Labels and annotations for a pod built from a template (upstream's PodMetadata). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PodMetadata {
  private Map<String, String> labels;
  private Map<String, String> annotations;

  public PodMetadata() {}

  public PodMetadata(Map<String, String> labels, Map<String, String> annotations) {
    this.labels = labels;
    this.annotations = annotations;
  }

  public Map<String, String> getLabels() {
    return labels;
  }

  public void setLabels(Map<String, String> labels) {
    this.labels = labels;
  }

  public Map<String, String> getAnnotations() {
    return annotations;
  }

  public void setAnnotations(Map<String, String> annotations) {
    this.annotations = annotations;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PodMetadata other
        && Objects.equals(labels, other.labels)
        && Objects.equals(annotations, other.annotations);
  }

  @Override
  public int hashCode() {
    return Objects.hash(labels, annotations);
  }
}
