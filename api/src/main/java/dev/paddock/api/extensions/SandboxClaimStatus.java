package dev.paddock.api.extensions;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;
import java.util.Objects;

/** The observed state of a claim, mirrored from its sandbox. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SandboxClaimStatus {
  private List<Condition> conditions;

  private ClaimedSandbox sandbox;

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  public ClaimedSandbox getSandbox() {
    return sandbox;
  }

  public void setSandbox(ClaimedSandbox sandbox) {
    this.sandbox = sandbox;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SandboxClaimStatus other
        && Objects.equals(conditions, other.conditions)
        && Objects.equals(sandbox, other.sandbox);
  }

  @Override
  public int hashCode() {
    return Objects.hash(conditions, sandbox);
  }
}
