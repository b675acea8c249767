package dev.paddock.api.sandbox;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;
import java.util.Objects;

/** The observed state of a Sandbox, as the upstream SDK reads it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SandboxStatus {
  private List<Condition> conditions;

  /** {@code <service>.<namespace>.svc.<clusterDomain>} when a Service exists. */
  @JsonProperty("serviceFQDN")
  private String serviceFQDN;

  private String service;

  /** The label selector of the sandbox's pod, {@code agents.x-k8s.io/sandbox-name-hash=<hash>}. */
  private String selector;

  @JsonProperty("podIPs")
  private List<String> podIPs;

  private String nodeName;

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  @JsonProperty("serviceFQDN")
  public String getServiceFQDN() {
    return serviceFQDN;
  }

  @JsonProperty("serviceFQDN")
  public void setServiceFQDN(String serviceFQDN) {
    this.serviceFQDN = serviceFQDN;
  }

  public String getService() {
    return service;
  }

  public void setService(String service) {
    this.service = service;
  }

  public String getSelector() {
    return selector;
  }

  public void setSelector(String selector) {
    this.selector = selector;
  }

  @JsonProperty("podIPs")
  public List<String> getPodIPs() {
    return podIPs;
  }

  @JsonProperty("podIPs")
  public void setPodIPs(List<String> podIPs) {
    this.podIPs = podIPs;
  }

  public String getNodeName() {
    return nodeName;
  }

  public void setNodeName(String nodeName) {
    this.nodeName = nodeName;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SandboxStatus other
        && Objects.equals(conditions, other.conditions)
        && Objects.equals(serviceFQDN, other.serviceFQDN)
        && Objects.equals(service, other.service)
        && Objects.equals(selector, other.selector)
        && Objects.equals(podIPs, other.podIPs)
        && Objects.equals(nodeName, other.nodeName);
  }

  @Override
  public int hashCode() {
    return Objects.hash(conditions, serviceFQDN, service, selector, podIPs, nodeName);
  }
}
