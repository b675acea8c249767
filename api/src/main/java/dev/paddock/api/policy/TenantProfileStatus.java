package dev.paddock.api.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;
import java.util.Objects;

/** What the controller did with the profile. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TenantProfileStatus {
  private Long observedGeneration;

  /** The namespaces the profile currently matches. */
  private List<String> namespaces;

  private List<Condition> conditions;

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public List<String> getNamespaces() {
    return namespaces;
  }

  public void setNamespaces(List<String> namespaces) {
    this.namespaces = namespaces;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TenantProfileStatus other
        && Objects.equals(observedGeneration, other.observedGeneration)
        && Objects.equals(namespaces, other.namespaces)
        && Objects.equals(conditions, other.conditions);
  }

  @Override
  public int hashCode() {
    return Objects.hash(observedGeneration, namespaces, conditions);
  }
}
