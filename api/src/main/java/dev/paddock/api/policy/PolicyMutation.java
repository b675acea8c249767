package dev.paddock.api.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/** A change to the admitted object, computed by CEL. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PolicyMutation {
  /**
   * JSONPatch (the expression yields a list of JSONPatch operations) or ApplyConfiguration (the
   * expression yields an Object{...} merged into the object).
   */
  private String patchType;

  private String expression;

  public String getPatchType() {
    return patchType;
  }

  public void setPatchType(String patchType) {
    this.patchType = patchType;
  }

  public String getExpression() {
    return expression;
  }

  public void setExpression(String expression) {
    this.expression = expression;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PolicyMutation other
        && Objects.equals(patchType, other.patchType)
        && Objects.equals(expression, other.expression);
  }

  @Override
  public int hashCode() {
    return Objects.hash(patchType, expression);
  }
}
