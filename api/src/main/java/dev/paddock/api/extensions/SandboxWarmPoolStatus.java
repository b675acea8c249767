package dev.paddock.api.extensions;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.model.annotation.LabelSelector;
import io.fabric8.kubernetes.model.annotation.StatusReplicas;
import java.util.List;
import java.util.Objects;

/** The observed state of a warm pool. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SandboxWarmPoolStatus {
  @StatusReplicas private Integer replicas;

  private Integer readyReplicas;

  @LabelSelector private String selector;

  private Long observedGeneration;

  /**
   * Beyond upstream: conditions about the pool, e.g. {@code ReplicasCapped} when spec.replicas
   * exceeds the controller's cap and the pool is held at it.
   */
  private List<Condition> conditions;

  public Integer getReplicas() {
    return replicas;
  }

  public void setReplicas(Integer replicas) {
    this.replicas = replicas;
  }

  public Integer getReadyReplicas() {
    return readyReplicas;
  }

  public void setReadyReplicas(Integer readyReplicas) {
    this.readyReplicas = readyReplicas;
  }

  public String getSelector() {
    return selector;
  }

  public void setSelector(String selector) {
    this.selector = selector;
  }

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SandboxWarmPoolStatus other
        && Objects.equals(replicas, other.replicas)
        && Objects.equals(readyReplicas, other.readyReplicas)
        && Objects.equals(selector, other.selector)
        && Objects.equals(observedGeneration, other.observedGeneration)
        && Objects.equals(conditions, other.conditions);
  }

  @Override
  public int hashCode() {
    return Objects.hash(replicas, readyReplicas, selector, observedGeneration, conditions);
  }
}
