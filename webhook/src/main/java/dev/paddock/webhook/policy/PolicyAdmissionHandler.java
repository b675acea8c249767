package dev.paddock.webhook.policy;

import dev.paddock.policies.AdmissionInput;
import dev.paddock.policies.Decision;
import dev.paddock.webhook.admission.AdmissionHandler;
import dev.paddock.webhook.admission.AdmissionRequest;
import dev.paddock.webhook.admission.AdmissionResult;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Judges admission requests by the compiled policies of the current {@link PolicySnapshot}.
 *
 * <p>{@code /mutate} returns the object as the mutating policies leave it and never denies; {@code
 * /validate} returns the decision of the validating policies (Deny, Warn, Audit) on the object it
 * receives, which the API server has already mutated. So each denial, warning and audit annotation
 * is reported once. Paddock's own kinds (SandboxPolicy, TenantProfile) are not judged by policies:
 * {@code /validate} checks that they compile, see {@link PaddockObjectValidator}.
 */
public final class PolicyAdmissionHandler implements AdmissionHandler {
  private final AtomicReference<PolicySnapshot> snapshot;
  private final Supplier<Boolean> ready;
  private final NamespaceLookup namespaces;
  private final PaddockObjectValidator paddockObjects;

  /**
   * @param snapshot the policies in force, swapped by a policy source
   * @param ready whether the source has loaded the policies (readiness)
   * @param namespaces looks up a request's Namespace for namespaceSelector and tenant matching
   * @param paddockObjects validates SandboxPolicy and TenantProfile objects
   */
  public PolicyAdmissionHandler(
      AtomicReference<PolicySnapshot> snapshot,
      Supplier<Boolean> ready,
      NamespaceLookup namespaces,
      PaddockObjectValidator paddockObjects) {
    this.snapshot = snapshot;
    this.ready = ready;
    this.namespaces = namespaces;
    this.paddockObjects = paddockObjects;
  }

  @Override
  public AdmissionResult validate(AdmissionRequest request) {
    if (PaddockObjectValidator.handles(request)) {
      return paddockObjects.validate(request);
    }
    PolicySnapshot current = snapshot.get();
    Decision decision = current.policies().evaluate(input(request, current));
    AdmissionResult result;
    if (decision.allowed()) {
      result = AdmissionResult.allow();
    } else {
      String message =
          decision.violations().isEmpty()
              ? "denied: a policy failed to evaluate under failurePolicy Fail: "
                  + String.join("; ", decision.errors())
              : decision.denialMessage();
      String reason =
          decision.violations().isEmpty() ? "Forbidden" : decision.violations().get(0).reason();
      result = AdmissionResult.deny(decision.denialCode(), reason, message);
    }
    return result
        .withWarnings(decision.warnings())
        .withAuditAnnotations(decision.auditAnnotations())
        .withErrors(decision.errors());
  }

  @Override
  public AdmissionResult mutate(AdmissionRequest request) {
    PolicySnapshot current = snapshot.get();
    if (request.object() == null
        || PaddockObjectValidator.handles(request)
        || current.mutations().isEmpty()) {
      return AdmissionResult.allow();
    }
    Decision decision = current.mutations().evaluate(input(request, current));
    if (!decision.allowed()) {
      // only mutations run here: a denial is a mutation that failed under failurePolicy Fail
      return AdmissionResult.deny(
              decision.denialCode(),
              "Forbidden",
              "denied: a mutating policy failed under failurePolicy Fail: "
                  + String.join("; ", decision.errors()))
          .withErrors(decision.errors());
    }
    return AdmissionResult.allow()
        .withPatchedObject(decision.patchedObject())
        .withWarnings(decision.warnings())
        .withErrors(decision.errors());
  }

  @Override
  public boolean ready() {
    return Boolean.TRUE.equals(ready.get());
  }

  @Override
  public int policiesLoaded() {
    return snapshot.get().policyNames().size();
  }

  private AdmissionInput input(AdmissionRequest request, PolicySnapshot current) {
    String namespace = request.namespace().isEmpty() ? null : request.namespace();
    Map<String, Object> namespaceObject = null;
    if (namespace != null) {
      namespaceObject = current.namespaces().get(namespace);
      if (namespaceObject == null) {
        namespaceObject = namespaces.namespace(namespace);
      }
    }
    Map<String, Object> userInfo = new LinkedHashMap<>();
    userInfo.put("username", request.userInfo().username());
    userInfo.put("uid", request.userInfo().uid());
    userInfo.put("groups", request.userInfo().groups());
    userInfo.put("extra", request.userInfo().extra());
    AdmissionInput input =
        new AdmissionInput(
            request.operation(),
            new AdmissionInput.GroupVersionKind(
                request.kind().group(), request.kind().version(), request.kind().kind()),
            new AdmissionInput.GroupVersionResource(
                request.resource().group(),
                request.resource().version(),
                request.resource().resource()),
            request.subResource().isEmpty() ? null : request.subResource(),
            namespace,
            request.name(),
            request.object(),
            request.oldObject(),
            userInfo,
            request.dryRun(),
            namespaceObject,
            null);
    return input.withTenant(current.tenants().asMap(input.namespaceLabels()));
  }
}
