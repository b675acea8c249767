package dev.paddock.webhook.policy;

import dev.paddock.policies.PolicySet;
import dev.paddock.policies.TenantProfiles;
import java.util.List;
import java.util.Map;

/**
 * Everything a request is judged by, compiled and immutable: swapped whole, so a request sees
 * either the old or the new policies, never a mix.
 *
 * @param policies the compiled policies in force
 * @param tenants the tenant profiles, matched by namespace labels
 * @param namespaces namespaces known without a cluster (from a policy directory), by name
 */
public record PolicySnapshot(
    PolicySet policies, TenantProfiles tenants, Map<String, Map<String, Object>> namespaces) {

  public PolicySnapshot {
    namespaces = Map.copyOf(namespaces);
  }

  public static PolicySnapshot empty() {
    return new PolicySnapshot(PolicySet.empty(), TenantProfiles.none(), Map.of());
  }

  public List<String> policyNames() {
    return policies.policyNames();
  }
}
