package dev.paddock.api.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/** A named CEL expression: a match condition or a variable. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NamedExpression {
  private String name;

  private String expression;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getExpression() {
    return expression;
  }

  public void setExpression(String expression) {
    this.expression = expression;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NamedExpression other
        && Objects.equals(name, other.name)
        && Objects.equals(expression, other.expression);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, expression);
  }
}
