package dev.paddock.policies;

import java.util.List;
import java.util.Map;

/**
 * Which requests a policy (or binding) applies to: Kubernetes' MatchResources (resourceRules,
 * excludeResourceRules, namespaceSelector, objectSelector).
 */
record MatchRules(
    List<ResourceRule> include,
    List<ResourceRule> exclude,
    Map<String, Object> namespaceSelector,
    Map<String, Object> objectSelector) {

  static final MatchRules ALL = new MatchRules(List.of(), List.of(), null, null);

  /**
   * One resource rule. Empty lists mean "any" only where noted; {@code *} matches anything.
   *
   * @param groups API groups ({@code ""} is the core group), empty = any
   * @param versions versions, empty = any
   * @param resources resources, {@code resource/subresource}, {@code *}, {@code *}{@code /scale}
   * @param operations CREATE, UPDATE, DELETE, CONNECT or {@code *}, empty = any
   */
  record ResourceRule(
      List<String> groups, List<String> versions, List<String> resources, List<String> operations) {

    boolean matches(AdmissionInput input) {
      return any(operations, input.operation())
          && any(groups, input.resource().group())
          && any(versions, input.resource().version())
          && matchesResource(input);
    }

    private boolean matchesResource(AdmissionInput input) {
      if (resources.isEmpty()) {
        return true;
      }
      String resource = input.resource().resource();
      String sub = input.subResource() == null ? "" : input.subResource();
      for (String rule : resources) {
        int slash = rule.indexOf('/');
        String ruleResource = slash < 0 ? rule : rule.substring(0, slash);
        String ruleSub = slash < 0 ? "" : rule.substring(slash + 1);
        boolean resourceOk = ruleResource.equals("*") || ruleResource.equals(resource);
        boolean subOk =
            slash < 0
                ? (sub.isEmpty() || rule.equals("*"))
                : ruleSub.equals("*") || ruleSub.equals(sub);
        if (rule.equals("*/*") || (resourceOk && subOk)) {
          return true;
        }
      }
      return false;
    }

    private static boolean any(List<String> allowed, String value) {
      return allowed.isEmpty() || allowed.contains("*") || allowed.contains(value);
    }
  }

  boolean matches(AdmissionInput input) {
    if (!include.isEmpty() && include.stream().noneMatch(r -> r.matches(input))) {
      return false;
    }
    if (exclude.stream().anyMatch(r -> r.matches(input))) {
      return false;
    }
    if (namespaceSelector != null && !matchesNamespace(input)) {
      return false;
    }
    if (objectSelector != null) {
      return LabelSelectors.matches(objectSelector, AdmissionInput.labelsOf(input.object()))
          || (input.oldObject() != null
              && LabelSelectors.matches(
                  objectSelector, AdmissionInput.labelsOf(input.oldObject())));
    }
    return true;
  }

  /** As Kubernetes: a cluster-scoped object other than a Namespace always matches. */
  private boolean matchesNamespace(AdmissionInput input) {
    if ("Namespace".equals(input.kind().kind()) && input.resource().group().isEmpty()) {
      return LabelSelectors.matches(namespaceSelector, input.objectLabels());
    }
    if (input.namespace() == null || input.namespace().isEmpty()) {
      return true;
    }
    return LabelSelectors.matches(namespaceSelector, input.namespaceLabels());
  }
}
