package dev.paddock.api.extensions;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Objects;

/** The sandbox bound to a claim. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ClaimedSandbox {
  private String name;

  @JsonProperty("podIPs")
  private List<String> podIPs;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public List<String> getPodIPs() {
    return podIPs;
  }

  public void setPodIPs(List<String> podIPs) {
    this.podIPs = podIPs;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ClaimedSandbox other
        && Objects.equals(name, other.name)
        && Objects.equals(podIPs, other.podIPs);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, podIPs);
  }
}
