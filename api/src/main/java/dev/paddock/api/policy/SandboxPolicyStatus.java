package dev.paddock.api.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Objects;

/** Whether the policy compiled, and every error found when it did not. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SandboxPolicyStatus {
  private Long observedGeneration;

  private Boolean compiled;

  private List<PolicyExpressionError> errors;

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public Boolean getCompiled() {
    return compiled;
  }

  public void setCompiled(Boolean compiled) {
    this.compiled = compiled;
  }

  public List<PolicyExpressionError> getErrors() {
    return errors;
  }

  public void setErrors(List<PolicyExpressionError> errors) {
    this.errors = errors;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SandboxPolicyStatus other
        && Objects.equals(observedGeneration, other.observedGeneration)
        && Objects.equals(compiled, other.compiled)
        && Objects.equals(errors, other.errors);
  }

  @Override
  public int hashCode() {
    return Objects.hash(observedGeneration, compiled, errors);
  }
}
