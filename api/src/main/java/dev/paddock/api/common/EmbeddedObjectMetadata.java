package dev.paddock.api.common;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;
import java.util.Objects;

/** Name, labels and annotations of an object embedded in a spec (a volume claim template). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class EmbeddedObjectMetadata {
  private String name;
  private Map<String, String> labels;
  private Map<String, String> annotations;

  public EmbeddedObjectMetadata() {}

  public EmbeddedObjectMetadata(String name) {
    this.name = name;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
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
    return o instanceof EmbeddedObjectMetadata other
        && Objects.equals(name, other.name)
        && Objects.equals(labels, other.labels)
        && Objects.equals(annotations, other.annotations);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, labels, annotations);
  }
}
