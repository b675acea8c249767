package dev.paddock.api.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import java.util.List;
import java.util.Objects;

/** NetworkPolicy rules applied to every sandbox of the tenant. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TenantNetwork {
  private List<NetworkPolicyIngressRule> ingress;

  private List<NetworkPolicyEgressRule> egress;

  public List<NetworkPolicyIngressRule> getIngress() {
    return ingress;
  }

  public void setIngress(List<NetworkPolicyIngressRule> ingress) {
    this.ingress = ingress;
  }

  public List<NetworkPolicyEgressRule> getEgress() {
    return egress;
  }

  public void setEgress(List<NetworkPolicyEgressRule> egress) {
    this.egress = egress;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TenantNetwork other
        && Objects.equals(ingress, other.ingress)
        && Objects.equals(egress, other.egress);
  }

  @Override
  public int hashCode() {
    return Objects.hash(ingress, egress);
  }
}
