package dev.paddock.webhook.admission;

import java.util.List;
import java.util.Map;

/**
 * A validator's or mutator's answer, without HTTP or JSON.
 *
 * @param allowed whether the request may proceed
 * @param code the HTTP-style status code of a denial (403 Forbidden, 422 Invalid...)
 * @param reason the machine-readable reason of a denial ({@code Forbidden}, {@code Invalid})
 * @param message the human-readable message of a denial: names the policy and the rule
 * @param warnings admission warnings shown to the client (Warn policies)
 * @param auditAnnotations annotations for the audit log (Audit policies)
 * @param patchedObject the object as mutated, or null when unchanged; the server sends the
 *     difference to the original as a JSONPatch
 * @param errors evaluation errors (an expression that failed), for the log and metrics only: never
 *     sent to the client beyond what the message says
 */
public record AdmissionResult(
    boolean allowed,
    int code,
    String reason,
    String message,
    List<String> warnings,
    Map<String, String> auditAnnotations,
    Map<String, Object> patchedObject,
    List<String> errors) {

  public AdmissionResult {
    warnings = warnings == null ? List.of() : List.copyOf(warnings);
    auditAnnotations = auditAnnotations == null ? Map.of() : Map.copyOf(auditAnnotations);
    errors = errors == null ? List.of() : List.copyOf(errors);
  }

  public static AdmissionResult allow() {
    return new AdmissionResult(true, 200, null, null, List.of(), Map.of(), null, List.of());
  }

  public static AdmissionResult deny(int code, String reason, String message) {
    return new AdmissionResult(false, code, reason, message, List.of(), Map.of(), null, List.of());
  }

  public AdmissionResult withWarnings(List<String> more) {
    return new AdmissionResult(
        allowed, code, reason, message, more, auditAnnotations, patchedObject, errors);
  }

  public AdmissionResult withAuditAnnotations(Map<String, String> annotations) {
    return new AdmissionResult(
        allowed, code, reason, message, warnings, annotations, patchedObject, errors);
  }

  public AdmissionResult withPatchedObject(Map<String, Object> patched) {
    return new AdmissionResult(
        allowed, code, reason, message, warnings, auditAnnotations, patched, errors);
  }

  public AdmissionResult withErrors(List<String> evaluationErrors) {
    return new AdmissionResult(
        allowed,
        code,
        reason,
        message,
        warnings,
        auditAnnotations,
        patchedObject,
        evaluationErrors);
  }
}
