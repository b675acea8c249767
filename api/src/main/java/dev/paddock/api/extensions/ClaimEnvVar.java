package dev.paddock.api.extensions;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Required;
import java.util.Objects;

/** An environment variable a claim injects into the template's containers. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ClaimEnvVar {
  @Required private String name;

  @Required private String value;

  private String containerName;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getValue() {
    return value;
  }

  public void setValue(String value) {
    this.value = value;
  }

  public String getContainerName() {
    return containerName;
  }

  public void setContainerName(String containerName) {
    this.containerName = containerName;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ClaimEnvVar other
        && Objects.equals(name, other.name)
        && Objects.equals(value, other.value)
        && Objects.equals(containerName, other.containerName);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, value, containerName);
  }
}
