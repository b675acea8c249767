package dev.paddock.api.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/** An audit annotation whose value a CEL expression computes; a null value omits it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PolicyAuditAnnotation {
  private String key;

  private String valueExpression;

  public String getKey() {
    return key;
  }

  public void setKey(String key) {
    this.key = key;
  }

  public String getValueExpression() {
    return valueExpression;
  }

  public void setValueExpression(String valueExpression) {
    this.valueExpression = valueExpression;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PolicyAuditAnnotation other
        && Objects.equals(key, other.key)
        && Objects.equals(valueExpression, other.valueExpression);
  }

  @Override
  public int hashCode() {
    return Objects.hash(key, valueExpression);
  }
}
