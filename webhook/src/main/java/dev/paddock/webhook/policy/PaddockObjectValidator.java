package dev.paddock.webhook.policy;

import dev.paddock.api.policy.RuntimeClassPolicy;
import dev.paddock.api.policy.SandboxPolicy;
import dev.paddock.api.policy.TenantProfile;
import dev.paddock.api.policy.TenantQuotas;
import dev.paddock.policies.CompileError;
import dev.paddock.policies.Manifests;
import dev.paddock.policies.PolicyCompiler;
import dev.paddock.policies.PolicyDocument;
import dev.paddock.webhook.admission.AdmissionRequest;
import dev.paddock.webhook.admission.AdmissionResult;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Admission of Paddock's own objects: a SandboxPolicy whose expressions do not compile, or a
 * TenantProfile that cannot be applied, is refused (422 Invalid) with every error listed, so that a
 * broken policy never reaches the cluster.
 */
public final class PaddockObjectValidator {
  private static final Set<String> SELECTOR_OPERATORS =
      Set.of("In", "NotIn", "Exists", "DoesNotExist");
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  private final PolicyCompiler compiler;

  public PaddockObjectValidator(PolicyCompiler compiler) {
    this.compiler = compiler;
  }

  /** Whether the request is about one of Paddock's policy kinds. */
  public static boolean handles(AdmissionRequest request) {
    return SandboxPolicy.GROUP.equals(request.kind().group());
  }

  public AdmissionResult validate(AdmissionRequest request) {
    if (request.object() == null) {
      return AdmissionResult.allow();
    }
    List<String> errors =
        switch (request.kind().kind()) {
          case "SandboxPolicy" -> sandboxPolicyErrors(request.object());
          case "TenantProfile" -> tenantProfileErrors(request.object());
          default -> List.of();
        };
    if (errors.isEmpty()) {
      return AdmissionResult.allow();
    }
    return AdmissionResult.deny(
        422,
        "Invalid",
        request.kind().kind()
            + " '"
            + request.name()
            + "' is invalid ("
            + errors.size()
            + (errors.size() == 1 ? " error" : " errors")
            + "):\n"
            + errors.stream().map(e -> "- " + e).collect(Collectors.joining("\n")));
  }

  /** Every compile error of one SandboxPolicy, as {@code path:line:column: message}. */
  public List<String> sandboxPolicyErrors(Map<String, Object> object) {
    PolicyCompiler.Compilation compilation =
        compiler.compile(List.of(new PolicyDocument(null, object)));
    List<String> errors = new ArrayList<>();
    for (CompileError error : compilation.errors()) {
      StringBuilder text = new StringBuilder(error.path());
      if (error.line() > 0) {
        text.append(':').append(error.line()).append(':').append(error.column());
      }
      errors.add(text.append(": ").append(error.message()).toString());
    }
    return errors;
  }

  /** Every problem that would keep a TenantProfile from being applied. */
  public List<String> tenantProfileErrors(Map<String, Object> object) {
    List<String> errors = new ArrayList<>();
    TenantProfile profile;
    try {
      profile = Manifests.fromMap(object, TenantProfile.class);
    } catch (IllegalArgumentException e) {
      String message =
          e.getMessage() == null ? "unreadable" : e.getMessage().lines().findFirst().orElse("");
      errors.add("spec: does not match the TenantProfile schema: " + message);
      return errors;
    }
    if (profile.getSpec() == null) {
      errors.add("spec: is required");
      return errors;
    }
    LabelSelector selector = profile.getSpec().getNamespaceSelector();
    if (selector == null) {
      errors.add("spec.namespaceSelector: is required (use {} to select every namespace)");
    } else if (selector.getMatchExpressions() != null) {
      List<LabelSelectorRequirement> expressions = selector.getMatchExpressions();
      for (int i = 0; i < expressions.size(); i++) {
        LabelSelectorRequirement requirement = expressions.get(i);
        String path = "spec.namespaceSelector.matchExpressions[" + i + "]";
        if (requirement.getKey() == null || requirement.getKey().isBlank()) {
          errors.add(path + ".key: is required");
        }
        String operator = requirement.getOperator();
        if (!SELECTOR_OPERATORS.contains(operator)) {
          errors.add(
              path + ".operator: must be In, NotIn, Exists or DoesNotExist, got " + operator);
        } else {
          boolean needsValues = operator.equals("In") || operator.equals("NotIn");
          boolean hasValues = requirement.getValues() != null && !requirement.getValues().isEmpty();
          if (needsValues != hasValues) {
            errors.add(
                path
                    + ".values: "
                    + (needsValues ? "required for " : "must be empty for ")
                    + operator);
          }
        }
      }
    }
    RuntimeClassPolicy runtime = profile.getSpec().getRuntimeClass();
    if (runtime != null) {
      if (runtime.getDefaultClass() != null
          && !DNS_SUBDOMAIN.matcher(runtime.getDefaultClass()).matches()) {
        errors.add(
            "spec.runtimeClass.default: '"
                + runtime.getDefaultClass()
                + "' is not a valid RuntimeClass name");
      }
      if (runtime.getAllowed() != null) {
        for (String allowed : runtime.getAllowed()) {
          if (allowed == null || !DNS_SUBDOMAIN.matcher(allowed).matches()) {
            errors.add(
                "spec.runtimeClass.allowed: '" + allowed + "' is not a valid RuntimeClass name");
          }
        }
        if (runtime.getDefaultClass() != null
            && !runtime.getAllowed().isEmpty()
            && !runtime.getAllowed().contains(runtime.getDefaultClass())) {
          errors.add(
              "spec.runtimeClass.default: '"
                  + runtime.getDefaultClass()
                  + "' is not among spec.runtimeClass.allowed");
        }
      }
    }
    TenantQuotas quotas = profile.getSpec().getQuotas();
    if (quotas != null) {
      nonNegative(errors, "spec.quotas.maxSandboxes", quotas.getMaxSandboxes());
      nonNegative(errors, "spec.quotas.maxWarmPoolReplicas", quotas.getMaxWarmPoolReplicas());
      quantities(errors, "spec.quotas.defaultRequests", quotas.getDefaultRequests());
      quantities(errors, "spec.quotas.defaultLimits", quotas.getDefaultLimits());
      quantities(errors, "spec.quotas.maxRequests", quotas.getMaxRequests());
      quantities(errors, "spec.quotas.maxLimits", quotas.getMaxLimits());
      quantities(errors, "spec.quotas.namespaceTotals", quotas.getNamespaceTotals());
      notAbove(
          errors,
          "spec.quotas.defaultRequests",
          quotas.getDefaultRequests(),
          "spec.quotas.maxRequests",
          quotas.getMaxRequests());
      notAbove(
          errors,
          "spec.quotas.defaultLimits",
          quotas.getDefaultLimits(),
          "spec.quotas.maxLimits",
          quotas.getMaxLimits());
    }
    return errors;
  }

  private static void nonNegative(List<String> errors, String path, Integer value) {
    if (value != null && value < 0) {
      errors.add(path + ": must not be negative, got " + value);
    }
  }

  private static void quantities(List<String> errors, String path, Map<String, Quantity> values) {
    if (values == null) {
      return;
    }
    values.forEach(
        (resource, quantity) -> {
          BigDecimal amount = amount(quantity);
          if (amount == null) {
            errors.add(path + "." + resource + ": '" + quantity + "' is not a quantity");
          } else if (amount.signum() < 0) {
            errors.add(path + "." + resource + ": must not be negative");
          }
        });
  }

  private static void notAbove(
      List<String> errors,
      String path,
      Map<String, Quantity> values,
      String maxPath,
      Map<String, Quantity> maxima) {
    if (values == null || maxima == null) {
      return;
    }
    values.forEach(
        (resource, quantity) -> {
          BigDecimal value = amount(quantity);
          BigDecimal max = maxima.containsKey(resource) ? amount(maxima.get(resource)) : null;
          if (value != null && max != null && value.compareTo(max) > 0) {
            errors.add(
                path
                    + "."
                    + resource
                    + ": "
                    + quantity
                    + " exceeds "
                    + maxPath
                    + "."
                    + resource
                    + " "
                    + maxima.get(resource));
          }
        });
  }

  private static BigDecimal amount(Quantity quantity) {
    if (quantity == null || quantity.getAmount() == null || quantity.getAmount().isBlank()) {
      return null;
    }
    try {
      return Quantity.getAmountInBytes(quantity);
    } catch (IllegalArgumentException | ArithmeticException e) {
      return null;
    }
  }
}
