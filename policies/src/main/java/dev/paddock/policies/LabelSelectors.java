package dev.paddock.policies;

import java.util.List;
import java.util.Map;

/** Kubernetes label selectors (matchLabels and matchExpressions), in their JSON form. */
final class LabelSelectors {
  private LabelSelectors() {}

  /** Whether labels satisfy a selector; an empty selector matches everything. */
  static boolean matches(Map<?, ?> selector, Map<String, String> labels) {
    if (selector == null) {
      return true;
    }
    if (selector.get("matchLabels") instanceof Map<?, ?> matchLabels) {
      for (Map.Entry<?, ?> entry : matchLabels.entrySet()) {
        if (!String.valueOf(entry.getValue()).equals(labels.get(String.valueOf(entry.getKey())))) {
          return false;
        }
      }
    }
    if (selector.get("matchExpressions") instanceof List<?> expressions) {
      for (Object item : expressions) {
        if (!(item instanceof Map<?, ?> expression) || !matchesExpression(expression, labels)) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean matchesExpression(Map<?, ?> expression, Map<String, String> labels) {
    String key = String.valueOf(expression.get("key"));
    String operator = String.valueOf(expression.get("operator"));
    List<?> values = expression.get("values") instanceof List<?> v ? v : List.of();
    String value = labels.get(key);
    return switch (operator) {
      case "In" -> value != null && values.contains(value);
      case "NotIn" -> value == null || !values.contains(value);
      case "Exists" -> labels.containsKey(key);
      case "DoesNotExist" -> !labels.containsKey(key);
      default -> false;
    };
  }

  /** Problems with a selector's shape, for compile-time reporting. */
  static String validate(Object selector) {
    if (selector == null) {
      return null;
    }
    if (!(selector instanceof Map<?, ?> map)) {
      return "must be a label selector object";
    }
    if (map.get("matchExpressions") instanceof List<?> expressions) {
      for (Object item : expressions) {
        if (!(item instanceof Map<?, ?> expression)) {
          return "matchExpressions entries must be objects";
        }
        String operator = String.valueOf(expression.get("operator"));
        if (!List.of("In", "NotIn", "Exists", "DoesNotExist").contains(operator)) {
          return "unknown operator '" + operator + "'";
        }
      }
    }
    return null;
  }
}
