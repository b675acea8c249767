package dev.paddock.api.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Objects;

/** The runtime class injected when a sandbox names none, and those a sandbox may name. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RuntimeClassPolicy {
  @JsonProperty("default")
  private String defaultClass;

  private List<String> allowed;

  public String getDefaultClass() {
    return defaultClass;
  }

  public void setDefaultClass(String defaultClass) {
    this.defaultClass = defaultClass;
  }

  public List<String> getAllowed() {
    return allowed;
  }

  public void setAllowed(List<String> allowed) {
    this.allowed = allowed;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RuntimeClassPolicy other
        && Objects.equals(defaultClass, other.defaultClass)
        && Objects.equals(allowed, other.allowed);
  }

  @Override
  public int hashCode() {
    return Objects.hash(defaultClass, allowed);
  }
}
