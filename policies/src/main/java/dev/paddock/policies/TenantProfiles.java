package dev.paddock.policies;

import dev.paddock.api.policy.TenantProfile;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the TenantProfile governing a namespace: the one whose namespaceSelector matches the
 * namespace's labels. A profile without a selector matches no namespace (a catch-all must say so
 * with an empty selector {@code {}}). When several match, the first by name wins, so that the
 * choice does not depend on informer order. Immutable.
 */
public final class TenantProfiles {
  private record Entry(
      TenantProfile profile, Map<String, Object> selector, Map<String, Object> asMap) {}

  private final List<Entry> entries;

  private TenantProfiles(List<Entry> entries) {
    this.entries = entries;
  }

  public static TenantProfiles of(Collection<TenantProfile> profiles) {
    return new TenantProfiles(
        profiles.stream()
            .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
            .map(
                p ->
                    new Entry(
                        p,
                        p.getSpec() == null || p.getSpec().getNamespaceSelector() == null
                            ? null
                            : Manifests.toMap(p.getSpec().getNamespaceSelector()),
                        Manifests.toMap(p)))
            .toList());
  }

  public static TenantProfiles none() {
    return new TenantProfiles(List.of());
  }

  /** The profile whose namespaceSelector matches these namespace labels, if any. */
  public Optional<TenantProfile> forNamespace(Map<String, String> namespaceLabels) {
    return find(namespaceLabels).map(Entry::profile);
  }

  /**
   * The matching profile as CEL reads it ({@code tenant}: the whole object, apiVersion, kind,
   * metadata and spec, quantities as strings), or null when none matches.
   */
  public Map<String, Object> asMap(Map<String, String> namespaceLabels) {
    return find(namespaceLabels).map(Entry::asMap).orElse(null);
  }

  /** A profile as CEL reads it. */
  public static Map<String, Object> asMap(TenantProfile profile) {
    return Manifests.toMap(profile);
  }

  /**
   * Whether a TenantProfile given as parsed JSON selects a namespace with these labels (a profile
   * without a namespaceSelector selects none).
   */
  public static boolean selects(Map<String, Object> profile, Map<String, String> namespaceLabels) {
    return profile.get("spec") instanceof Map<?, ?> spec
        && spec.get("namespaceSelector") instanceof Map<?, ?> selector
        && LabelSelectors.matches(selector, namespaceLabels);
  }

  private Optional<Entry> find(Map<String, String> labels) {
    for (Entry entry : entries) {
      if (entry.selector() != null && LabelSelectors.matches(entry.selector(), labels)) {
        return Optional.of(entry);
      }
    }
    return Optional.empty();
  }
}
