package dev.paddock.webhook.policy;

import dev.paddock.policies.PolicySet;
import dev.paddock.policies.TenantProfiles;
import java.util.List;
import java.util.Map;

/**
 * Everything a request is judged by, compiled and immutable: swapped whole, so a request sees
 * either the old or the new policies, never a mix.
 *
 * @param policies the compiled policies in force, as {@code /validate} runs them (no mutations)
 * @param mutations the mutating half, as {@code /mutate} runs it (no validations)
 * @param tenants the tenant profiles, matched by namespace labels
 * @param namespaces namespaces known without a cluster (from a policy directory), by name
 */
public record PolicySnapshot(
    PolicySet policies,
    PolicySet mutations,
    TenantProfiles tenants,
    Map<String, Map<String, Object>> namespaces) {

  public PolicySnapshot {
    namespaces = Map.copyOf(namespaces);
  }

  public static PolicySnapshot empty() {
    return new PolicySnapshot(
        PolicySet.empty(), PolicySet.empty(), TenantProfiles.none(), Map.of());
  }

  /** Every policy in force, validating or mutating, each once. */
  public List<String> policyNames() {
    java.util.LinkedHashSet<String> names = new java.util.LinkedHashSet<>(mutations.policyNames());
    names.addAll(policies.policyNames());
    return List.copyOf(names);
  }
}
