package dev.paddock.webhook;

import dev.paddock.webhook.admission.AdmissionHandler;
import dev.paddock.webhook.admission.AdmissionRequest;
import dev.paddock.webhook.admission.AdmissionResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A handler with fixed rules on the object's labels, to test the server without the policy engine:
 * {@code deny} denies, {@code warn} warns, {@code audit} annotates, {@code boom} fails; mutation
 * adds {@code paddock.dev/mutated}, removes {@code remove-me} and rewrites {@code tier}.
 */
public class LabelRulesHandler implements AdmissionHandler {
  public final List<AdmissionRequest> seen = new CopyOnWriteArrayList<>();

  @Override
  public AdmissionResult validate(AdmissionRequest request) {
    seen.add(request);
    Map<String, Object> labels = labels(request.subject());
    if (labels.containsKey("boom")) {
      throw new IllegalStateException("handler bug");
    }
    if (labels.containsKey("deny")) {
      return AdmissionResult.deny(
          403, "Forbidden", "policy label-rules, validation 0: the label 'deny' is not allowed");
    }
    AdmissionResult result = AdmissionResult.allow();
    if (labels.containsKey("warn")) {
      result = result.withWarnings(List.of("policy label-rules: label 'warn' is deprecated"));
    }
    if (labels.containsKey("audit")) {
      result = result.withAuditAnnotations(Map.of("label-rules/audit", "seen"));
    }
    return result;
  }

  @Override
  @SuppressWarnings("unchecked")
  public AdmissionResult mutate(AdmissionRequest request) {
    seen.add(request);
    if (request.object() == null) {
      return AdmissionResult.allow();
    }
    Map<String, Object> copy = deepCopy(request.object());
    Map<String, Object> metadata =
        (Map<String, Object>) copy.computeIfAbsent("metadata", k -> new LinkedHashMap<>());
    if (!(metadata.get("labels") instanceof Map<?, ?>)) {
      metadata.put("labels", new LinkedHashMap<>());
    }
    Map<String, Object> labels = (Map<String, Object>) metadata.get("labels");
    labels.put("paddock.dev/mutated", "true");
    labels.remove("remove-me");
    if (labels.containsKey("tier")) {
      labels.put("tier", "gold");
    }
    return AdmissionResult.allow().withPatchedObject(copy);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> labels(Map<String, Object> object) {
    if (object == null || !(object.get("metadata") instanceof Map<?, ?> metadata)) {
      return Map.of();
    }
    Object labels = metadata.get("labels");
    return labels instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> deepCopy(Map<String, Object> source) {
    Map<String, Object> copy = new LinkedHashMap<>();
    source.forEach((k, v) -> copy.put(k, copyValue(v)));
    return copy;
  }

  @SuppressWarnings("unchecked")
  private static Object copyValue(Object value) {
    if (value instanceof Map<?, ?> map) {
      return deepCopy((Map<String, Object>) map);
    }
    if (value instanceof List<?> list) {
      return list.stream().map(LabelRulesHandler::copyValue).toList();
    }
    return value;
  }
}
