package dev.paddock.api.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.List;
import java.util.Objects;

/** Which requests a policy applies to; an empty list matches everything. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PolicyMatch {
  /**
   * Plural resource names (sandboxes, sandboxtemplates, sandboxclaims, sandboxwarmpools, pods),
   * optionally qualified with the group (sandboxes.agents.x-k8s.io), or *.
   */
  private List<String> resources;

  /** CREATE, UPDATE, DELETE, CONNECT or *. */
  private List<String> operations;

  private LabelSelector namespaceSelector;

  private LabelSelector objectSelector;

  public List<String> getResources() {
    return resources;
  }

  public void setResources(List<String> resources) {
    this.resources = resources;
  }

  public List<String> getOperations() {
    return operations;
  }

  public void setOperations(List<String> operations) {
    this.operations = operations;
  }

  public LabelSelector getNamespaceSelector() {
    return namespaceSelector;
  }

  public void setNamespaceSelector(LabelSelector namespaceSelector) {
    this.namespaceSelector = namespaceSelector;
  }

  public LabelSelector getObjectSelector() {
    return objectSelector;
  }

  public void setObjectSelector(LabelSelector objectSelector) {
    this.objectSelector = objectSelector;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PolicyMatch other
        && Objects.equals(resources, other.resources)
        && Objects.equals(operations, other.operations)
        && Objects.equals(namespaceSelector, other.namespaceSelector)
        && Objects.equals(objectSelector, other.objectSelector);
  }

  @Override
  public int hashCode() {
    return Objects.hash(resources, operations, namespaceSelector, objectSelector);
  }
}
