package dev.paddock.api.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Objects;

/**
 * What a SandboxPolicy matches, checks and changes: the shape of Kubernetes' Validating- and
 * MutatingAdmissionPolicy in one object.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SandboxPolicySpec {
  /** Fail (default) or Ignore: what an expression error does to the request. */
  private String failurePolicy;

  /** Any of Deny (default), Warn, Audit. */
  private List<String> validationActions;

  private PolicyMatch match;

  /** All must be true for the policy to apply; an error follows failurePolicy. */
  private List<NamedExpression> matchConditions;

  /** Evaluated lazily and in order; each sees the earlier ones as variables.<name>. */
  private List<NamedExpression> variables;

  private List<PolicyValidation> validations;

  /** Applied in order, each to the result of the previous one. */
  private List<PolicyMutation> mutations;

  private List<PolicyAuditAnnotation> auditAnnotations;

  public String getFailurePolicy() {
    return failurePolicy;
  }

  public void setFailurePolicy(String failurePolicy) {
    this.failurePolicy = failurePolicy;
  }

  public List<String> getValidationActions() {
    return validationActions;
  }

  public void setValidationActions(List<String> validationActions) {
    this.validationActions = validationActions;
  }

  public PolicyMatch getMatch() {
    return match;
  }

  public void setMatch(PolicyMatch match) {
    this.match = match;
  }

  public List<NamedExpression> getMatchConditions() {
    return matchConditions;
  }

  public void setMatchConditions(List<NamedExpression> matchConditions) {
    this.matchConditions = matchConditions;
  }

  public List<NamedExpression> getVariables() {
    return variables;
  }

  public void setVariables(List<NamedExpression> variables) {
    this.variables = variables;
  }

  public List<PolicyValidation> getValidations() {
    return validations;
  }

  public void setValidations(List<PolicyValidation> validations) {
    this.validations = validations;
  }

  public List<PolicyMutation> getMutations() {
    return mutations;
  }

  public void setMutations(List<PolicyMutation> mutations) {
    this.mutations = mutations;
  }

  public List<PolicyAuditAnnotation> getAuditAnnotations() {
    return auditAnnotations;
  }

  public void setAuditAnnotations(List<PolicyAuditAnnotation> auditAnnotations) {
    this.auditAnnotations = auditAnnotations;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SandboxPolicySpec other
        && Objects.equals(failurePolicy, other.failurePolicy)
        && Objects.equals(validationActions, other.validationActions)
        && Objects.equals(match, other.match)
        && Objects.equals(matchConditions, other.matchConditions)
        && Objects.equals(variables, other.variables)
        && Objects.equals(validations, other.validations)
        && Objects.equals(mutations, other.mutations)
        && Objects.equals(auditAnnotations, other.auditAnnotations);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        failurePolicy,
        validationActions,
        match,
        matchConditions,
        variables,
        validations,
        mutations,
        auditAnnotations);
  }
}
