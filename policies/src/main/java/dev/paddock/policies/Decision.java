package dev.paddock.policies;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The outcome of evaluating a {@link PolicySet} on one request.
 *
 * @param allowed false when a validation with action Deny failed, or an expression failed under
 *     failurePolicy Fail in a policy whose actions include Deny
 * @param violations failed validations enforced with Deny, in policy order
 * @param warnings admission warnings: failed validations (and errors) under action Warn
 * @param auditAnnotations the policies' audit annotations ({@code <policy>/<key>}) and the failures
 *     under action Audit ({@code validation.policy.admission.k8s.io/validation_failure})
 * @param patch JSONPatch operations (add, remove, replace) turning the request's object into {@link
 *     #patchedObject()}; empty when no mutation changed it
 * @param patchedObject the object after every mutation, or null when no mutation changed it
 * @param errors expression errors, each naming policy and expression path; those under
 *     failurePolicy Fail with Deny also set allowed to false; those under Ignore are only reported
 */
public record Decision(
    boolean allowed,
    List<Violation> violations,
    List<String> warnings,
    Map<String, String> auditAnnotations,
    List<Map<String, Object>> patch,
    Map<String, Object> patchedObject,
    List<String> errors) {

  /**
   * One failed validation.
   *
   * @param policy the policy's metadata.name
   * @param validation the 0-based index in its validations, or -1 for a denial that no single
   *     validation caused (an expression error under failurePolicy Fail)
   * @param message the message (messageExpression's result, else message, else a default)
   * @param reason Unauthorized, Forbidden, Invalid or RequestEntityTooLarge
   * @param code the HTTP status code for the reason (401, 403, 422, 413)
   */
  public record Violation(String policy, int validation, String message, String reason, int code) {}

  public Decision {
    violations = List.copyOf(violations);
    warnings = List.copyOf(warnings);
    auditAnnotations = Map.copyOf(auditAnnotations);
    patch = List.copyOf(patch);
  }

  /** An empty decision: allowed, nothing to report. */
  public static Decision allow() {
    return new Decision(true, List.of(), List.of(), Map.of(), List.of(), null, List.of());
  }

  /** The text a denied request's Status carries: every violation on its own line. */
  public String denialMessage() {
    if (allowed) {
      return "";
    }
    return violations.stream()
        .map(
            v ->
                "policy '"
                    + v.policy()
                    + "' denied the request"
                    + (v.validation() >= 0 ? " (validation " + v.validation() + ")" : "")
                    + ": "
                    + v.message())
        .collect(Collectors.joining("\n"));
  }

  /** The HTTP code of the first violation, 403 when there is none. */
  public int denialCode() {
    return violations.isEmpty() ? 403 : violations.get(0).code();
  }

  Decision withAllWarnings(List<String> more) {
    return new Decision(
        allowed,
        violations,
        Stream.concat(warnings.stream(), more.stream()).toList(),
        auditAnnotations,
        patch,
        patchedObject,
        errors);
  }
}
