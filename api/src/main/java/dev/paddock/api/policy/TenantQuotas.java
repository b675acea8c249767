package dev.paddock.api.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Map;
import java.util.Objects;

/** Limits on what a tenant may run; resource maps are keyed cpu and memory. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TenantQuotas {
  /** Sandboxes per namespace. */
  private Integer maxSandboxes;

  /** Replicas of one SandboxWarmPool. */
  private Integer maxWarmPoolReplicas;

  /** Per container, injected when a container requests nothing. */
  private Map<String, Quantity> defaultRequests;

  private Map<String, Quantity> defaultLimits;

  private Map<String, Quantity> maxRequests;

  /** Per container. */
  private Map<String, Quantity> maxLimits;

  /**
   * ResourceQuota hard limits per namespace, keyed as ResourceQuota keys them (requests.cpu,
   * limits.memory).
   */
  private Map<String, Quantity> namespaceTotals;

  public Integer getMaxSandboxes() {
    return maxSandboxes;
  }

  public void setMaxSandboxes(Integer maxSandboxes) {
    this.maxSandboxes = maxSandboxes;
  }

  public Integer getMaxWarmPoolReplicas() {
    return maxWarmPoolReplicas;
  }

  public void setMaxWarmPoolReplicas(Integer maxWarmPoolReplicas) {
    this.maxWarmPoolReplicas = maxWarmPoolReplicas;
  }

  public Map<String, Quantity> getDefaultRequests() {
    return defaultRequests;
  }

  public void setDefaultRequests(Map<String, Quantity> defaultRequests) {
    this.defaultRequests = defaultRequests;
  }

  public Map<String, Quantity> getDefaultLimits() {
    return defaultLimits;
  }

  public void setDefaultLimits(Map<String, Quantity> defaultLimits) {
    this.defaultLimits = defaultLimits;
  }

  public Map<String, Quantity> getMaxRequests() {
    return maxRequests;
  }

  public void setMaxRequests(Map<String, Quantity> maxRequests) {
    this.maxRequests = maxRequests;
  }

  public Map<String, Quantity> getMaxLimits() {
    return maxLimits;
  }

  public void setMaxLimits(Map<String, Quantity> maxLimits) {
    this.maxLimits = maxLimits;
  }

  public Map<String, Quantity> getNamespaceTotals() {
    return namespaceTotals;
  }

  public void setNamespaceTotals(Map<String, Quantity> namespaceTotals) {
    this.namespaceTotals = namespaceTotals;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TenantQuotas other
        && Objects.equals(maxSandboxes, other.maxSandboxes)
        && Objects.equals(maxWarmPoolReplicas, other.maxWarmPoolReplicas)
        && Objects.equals(defaultRequests, other.defaultRequests)
        && Objects.equals(defaultLimits, other.defaultLimits)
        && Objects.equals(maxRequests, other.maxRequests)
        && Objects.equals(maxLimits, other.maxLimits)
        && Objects.equals(namespaceTotals, other.namespaceTotals);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        maxSandboxes,
        maxWarmPoolReplicas,
        defaultRequests,
        defaultLimits,
        maxRequests,
        maxLimits,
        namespaceTotals);
  }
}
