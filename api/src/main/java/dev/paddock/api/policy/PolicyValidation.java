package dev.paddock.api.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/** One CEL rule that must hold; its index in the list identifies it in reports. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PolicyValidation {
  private String expression;

  private String message;

  /**
   * A CEL expression producing the message; on error or empty result the static message is used.
   */
  private String messageExpression;

  /** Unauthorized, Forbidden, Invalid (default) or RequestEntityTooLarge. */
  private String reason;

  public String getExpression() {
    return expression;
  }

  public void setExpression(String expression) {
    this.expression = expression;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }

  public String getMessageExpression() {
    return messageExpression;
  }

  public void setMessageExpression(String messageExpression) {
    this.messageExpression = messageExpression;
  }

  public String getReason() {
    return reason;
  }

  public void setReason(String reason) {
    this.reason = reason;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PolicyValidation other
        && Objects.equals(expression, other.expression)
        && Objects.equals(message, other.message)
        && Objects.equals(messageExpression, other.messageExpression)
        && Objects.equals(reason, other.reason);
  }

  @Override
  public int hashCode() {
    return Objects.hash(expression, message, messageExpression, reason);
  }
}
