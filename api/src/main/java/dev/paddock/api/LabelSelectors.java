package dev.paddock.api;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.List;
import java.util.Map;

/** Kubernetes label selector semantics (matchLabels and matchExpressions, ANDed). */
public final class LabelSelectors {
  private LabelSelectors() {}

  /**
   * Whether a selector selects an object with these labels. A null selector selects nothing and an
   * empty one everything, as in the Kubernetes API.
   */
  public static boolean matches(LabelSelector selector, Map<String, String> labels) {
    if (selector == null) {
      return false;
    }
    Map<String, String> actual = labels == null ? Map.of() : labels;
    Map<String, String> matchLabels = selector.getMatchLabels();
    if (matchLabels != null) {
      for (Map.Entry<String, String> required : matchLabels.entrySet()) {
        if (!required.getValue().equals(actual.get(required.getKey()))) {
          return false;
        }
      }
    }
    List<LabelSelectorRequirement> expressions = selector.getMatchExpressions();
    if (expressions != null) {
      for (LabelSelectorRequirement requirement : expressions) {
        if (!matches(requirement, actual)) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean matches(LabelSelectorRequirement requirement, Map<String, String> labels) {
    String value = labels.get(requirement.getKey());
    List<String> values = requirement.getValues() == null ? List.of() : requirement.getValues();
    return switch (requirement.getOperator()) {
      case "In" -> value != null && values.contains(value);
      case "NotIn" -> value == null || !values.contains(value);
      case "Exists" -> labels.containsKey(requirement.getKey());
      case "DoesNotExist" -> !labels.containsKey(requirement.getKey());
      default ->
          throw new IllegalArgumentException(
              "unknown label selector operator " + requirement.getOperator());
    };
  }
}
