package dev.paddock.api.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/** A compile error in one expression of a policy. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PolicyExpressionError {
  /** Where the expression is, e.g. spec.validations[3].expression. */
  private String path;

  /** 1-based line within the expression. */
  private Integer line;

  /** 0-based column within the line. */
  private Integer column;

  private String message;

  public String getPath() {
    return path;
  }

  public void setPath(String path) {
    this.path = path;
  }

  public Integer getLine() {
    return line;
  }

  public void setLine(Integer line) {
    this.line = line;
  }

  public Integer getColumn() {
    return column;
  }

  public void setColumn(Integer column) {
    this.column = column;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PolicyExpressionError other
        && Objects.equals(path, other.path)
        && Objects.equals(line, other.line)
        && Objects.equals(column, other.column)
        && Objects.equals(message, other.message);
  }

  @Override
  public int hashCode() {
    return Objects.hash(path, line, column, message);
  }
}
