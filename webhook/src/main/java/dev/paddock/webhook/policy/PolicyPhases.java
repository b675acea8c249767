package dev.paddock.webhook.policy;

import dev.paddock.policies.PolicyCompiler;
import dev.paddock.policies.PolicyDocument;
import dev.paddock.policies.PolicySet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Splits policies into what {@code /mutate} and {@code /validate} each run. The API server calls
 * the mutating webhook first and the validating one with the mutated object, so {@code /validate}
 * need not re-apply mutations and {@code /mutate} need not run validations: each endpoint evaluates
 * only its half, which halves the CEL work per admitted object. Validation indices do not change
 * (only other fields are dropped), so violations still name the right rule.
 */
final class PolicyPhases {
  private PolicyPhases() {}

  /** The compiled validating and mutating halves of documents that compiled whole. */
  record Compiled(PolicySet validating, PolicySet mutating) {}

  static Compiled compile(PolicyCompiler compiler, List<PolicyDocument> documents) {
    List<PolicyDocument> validating = new ArrayList<>();
    List<PolicyDocument> mutating = new ArrayList<>();
    for (PolicyDocument document : documents) {
      switch (document.kind()) {
        case "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding" ->
            validating.add(document);
        case "MutatingAdmissionPolicy", "MutatingAdmissionPolicyBinding" -> mutating.add(document);
        case "SandboxPolicy" -> {
          Map<String, Object> spec = spec(document);
          if (nonEmpty(spec, "validations") || nonEmpty(spec, "auditAnnotations")) {
            validating.add(without(document, "mutations"));
          }
          if (nonEmpty(spec, "mutations")) {
            mutating.add(without(document, "validations", "auditAnnotations"));
          }
        }
        default -> {
          // the full compilation reported it
        }
      }
    }
    return new Compiled(
        compiler.compile(validating).policySet(), compiler.compile(mutating).policySet());
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> spec(PolicyDocument document) {
    return document.manifest().get("spec") instanceof Map<?, ?> spec
        ? (Map<String, Object>) spec
        : Map.of();
  }

  private static boolean nonEmpty(Map<String, Object> spec, String field) {
    return spec.get(field) instanceof List<?> list && !list.isEmpty();
  }

  private static PolicyDocument without(PolicyDocument document, String... fields) {
    Map<String, Object> spec = new LinkedHashMap<>(spec(document));
    for (String field : fields) {
      spec.remove(field);
    }
    Map<String, Object> manifest = new LinkedHashMap<>(document.manifest());
    manifest.put("spec", spec);
    return new PolicyDocument(document.source(), manifest);
  }
}
