package dev.paddock.policies;

import dev.paddock.policies.cel.CostBudget;
import dev.paddock.policies.cel.CostLimitException;
import dev.paddock.policies.cel.Values;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.projectnessie.cel.common.types.Err;
import org.projectnessie.cel.common.types.NullT;
import org.projectnessie.cel.common.types.StringT;
import org.projectnessie.cel.common.types.ref.Val;

/**
 * Compiled policies, ready to evaluate; made by {@link PolicyCompiler}. Immutable and thread-safe:
 * evaluate concurrently from any number of threads. Nothing is compiled during evaluation.
 *
 * <p>Evaluation follows Kubernetes: mutating policies first, in order, each seeing the object as
 * the previous ones left it; then validating policies on the mutated object. A policy applies when
 * its match rules (and its binding's, for native policies) match the request and none of its
 * matchConditions is false. Each policy evaluation has its own cost budget.
 */
public final class PolicySet {
  private static final Pattern MISSING_KEY = Pattern.compile("no such key: string\\{(.*)}$");

  private static final String AUDIT_FAILURE_KEY =
      "validation.policy.admission.k8s.io/validation_failure";

  /** A policy with one binding (or none): its match rules and validation actions. */
  record Bound(
      CompiledPolicy policy, String binding, MatchRules bindingMatch, Set<String> actions) {
    boolean applies(AdmissionInput input) {
      return policy.match().matches(input) && bindingMatch.matches(input);
    }

    String describe() {
      String kind =
          policy.kind().equals(PolicyCompiler.SANDBOX_POLICY) ? "SandboxPolicy" : policy.kind();
      return kind
          + " '"
          + policy.name()
          + "'"
          + (binding == null ? "" : " with binding '" + binding + "'");
    }
  }

  private final List<Bound> mutating;
  private final List<Bound> validating;
  private final long perExpressionLimit;
  private final long perEvaluationLimit;
  private final long timeoutNanos;

  PolicySet(List<Bound> bound) {
    this(bound, CostBudget.PER_EXPRESSION_LIMIT, CostBudget.PER_EVALUATION_LIMIT, 1_000_000_000L);
  }

  private PolicySet(
      List<Bound> bound, long perExpressionLimit, long perEvaluationLimit, long timeoutNanos) {
    this.mutating = bound.stream().filter(b -> b.policy().mutates()).toList();
    this.validating = bound.stream().filter(b -> b.policy().validates()).toList();
    this.perExpressionLimit = perExpressionLimit;
    this.perEvaluationLimit = perEvaluationLimit;
    this.timeoutNanos = timeoutNanos;
  }

  /** A set without policies: allows everything. */
  public static PolicySet empty() {
    return new PolicySet(List.of());
  }

  /**
   * The same policies under other cost limits (per expression, per policy evaluation) and a
   * wall-clock limit per policy evaluation.
   */
  public PolicySet withCostLimits(
      long perExpressionLimit, long perEvaluationLimit, java.time.Duration timeout) {
    List<Bound> all = new ArrayList<>(mutating);
    validating.stream().filter(b -> !all.contains(b)).forEach(all::add);
    return new PolicySet(all, perExpressionLimit, perEvaluationLimit, timeout.toNanos());
  }

  /** The names of the policies in the set, each once, in order. */
  public List<String> policyNames() {
    List<String> names = new ArrayList<>();
    for (Bound b : mutating) {
      if (!names.contains(b.policy().name())) {
        names.add(b.policy().name());
      }
    }
    for (Bound b : validating) {
      if (!names.contains(b.policy().name())) {
        names.add(b.policy().name());
      }
    }
    return names;
  }

  public boolean isEmpty() {
    return mutating.isEmpty() && validating.isEmpty();
  }

  /** Whether any policy mutates (the webhook can skip /mutate work otherwise). */
  public boolean hasMutations() {
    return !mutating.isEmpty();
  }

  /** Evaluates every matching policy on one request. Never throws for what a policy does. */
  public Decision evaluate(AdmissionInput input) {
    Evaluation evaluation = new Evaluation(input);
    if (input.object() != null) {
      for (Bound bound : mutating) {
        if (bound.applies(input)) {
          evaluation.mutate(bound);
        }
      }
    }
    for (Bound bound : validating) {
      if (bound.applies(input)) {
        evaluation.validate(bound);
      }
    }
    return evaluation.decision();
  }

  /** The state of one request's evaluation. */
  private final class Evaluation {
    private final AdmissionInput input;
    private final RequestValues values;
    private Object current;
    private Val currentVal;
    private Object stringKeysChecked;
    private final List<Decision.Violation> violations = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();
    private final Map<String, String> auditAnnotations = new LinkedHashMap<>();
    private final List<Map<String, Object>> auditFailures = new ArrayList<>();

    Evaluation(AdmissionInput input) {
      this.input = input;
      this.values = new RequestValues(input);
      this.current = input.object();
    }

    private Val currentVal() {
      if (currentVal == null) {
        currentVal = current == null ? NullT.NullValue : RequestValues.toVal(current);
      }
      return currentVal;
    }

    /** Whether applying an empty patch would yield an equal copy (see deepCopy's string keys). */
    private boolean emptyPatchKeepsCurrent() {
      if (stringKeysChecked != current) {
        if (!JsonPatches.hasOnlyStringKeys(current)) {
          return false;
        }
        stringKeysChecked = current;
      }
      return true;
    }

    private RequestActivation activation(Bound bound, CostBudget budget) {
      return new RequestActivation(
          values, currentVal(), new LazyVariables(bound.policy().variables()), budget);
    }

    private CostBudget budget() {
      return new CostBudget(perExpressionLimit, perEvaluationLimit, timeoutNanos);
    }

    private Val eval(CompiledPolicy.Expression expression, RequestActivation activation) {
      CostBudget budget = activation.budget();
      budget.startExpression();
      Val result;
      try {
        result = expression.program().eval(activation).getVal();
      } catch (CostLimitException e) {
        result = null;
      } catch (RuntimeException e) {
        result = Err.newErr("internal error: %s", String.valueOf(e.getMessage()));
      }
      if (budget.exceeded() != null) {
        return Err.newErr("%s", budget.exceeded());
      }
      return result;
    }

    /** False when the policy does not apply; records the failure when a condition errs. */
    private boolean conditionsHold(Bound bound, RequestActivation activation) {
      String error = null;
      for (CompiledPolicy.Expression condition : bound.policy().matchConditions()) {
        Val result = eval(condition, activation);
        if (Err.isError(result) || !(result.value() instanceof Boolean)) {
          if (error == null) {
            error = errorText(condition, result);
          }
        } else if (result.booleanValue() == Boolean.FALSE) {
          return false;
        }
      }
      if (error != null) {
        fail(bound, -1, error, "Invalid");
        return false;
      }
      return true;
    }

    void mutate(Bound bound) {
      CompiledPolicy policy = bound.policy();
      RequestActivation activation = activation(bound, budget());
      if (!conditionsHold(bound, activation)) {
        return;
      }
      for (CompiledPolicy.Mutation mutation : policy.mutations()) {
        Val result = eval(mutation.expression(), activation);
        if (Err.isError(result)) {
          fail(bound, -1, errorText(mutation.expression(), result), "Invalid");
          return;
        }
        Object patched;
        try {
          Object value = Values.toJson(result);
          if (mutation.jsonPatch()) {
            if (!(value instanceof List<?> operations)) {
              throw new JsonPatches.PatchException("a JSONPatch expression must yield a list");
            }
            if (operations.isEmpty() && emptyPatchKeepsCurrent()) {
              // the usual outcome (nothing to inject): applying it would only copy the object,
              // and a new object would be converted and read afresh by every later expression
              activation = activation(bound, activation.budget());
              continue;
            }
            patched = JsonPatches.apply(current, operations);
          } else {
            if (!(value instanceof Map<?, ?>)) {
              throw new JsonPatches.PatchException(
                  "an ApplyConfiguration expression must yield an object");
            }
            patched = JsonPatches.merge(current, value);
          }
        } catch (JsonPatches.PatchException | IllegalArgumentException e) {
          fail(bound, -1, mutation.expression().path() + ": " + e.getMessage(), "Invalid");
          return;
        }
        if (!(patched instanceof Map<?, ?>)) {
          fail(
              bound,
              -1,
              mutation.expression().path() + ": the patch replaced the object",
              "Invalid");
          return;
        }
        current = patched;
        currentVal = null;
        activation = activation(bound, activation.budget());
      }
    }

    void validate(Bound bound) {
      CompiledPolicy policy = bound.policy();
      RequestActivation activation = activation(bound, budget());
      if (!conditionsHold(bound, activation)) {
        return;
      }
      for (CompiledPolicy.Validation validation : policy.validations()) {
        Val result = eval(validation.expression(), activation);
        if (Err.isError(result) || !(result.value() instanceof Boolean)) {
          // the denial says what Kubernetes says; "(validation N)" already locates it
          String message = evaluationError(validation.expression(), result);
          fail(
              bound,
              validation.index(),
              validation.expression().path() + ": " + message,
              message,
              "Invalid");
          if (activation.budget().exceeded() != null) {
            return;
          }
          continue;
        }
        if (result.booleanValue()) {
          continue;
        }
        String message = message(validation, activation);
        record(bound, validation.index(), message, validation.reason());
      }
      for (CompiledPolicy.AuditAnnotation audit : policy.auditAnnotations()) {
        Val result = eval(audit.value(), activation);
        if (Err.isError(result)) {
          fail(bound, -1, errorText(audit.value(), result), "Invalid");
          if (activation.budget().exceeded() != null) {
            return;
          }
          continue;
        }
        if (result instanceof StringT s) {
          auditAnnotations.put(policy.name() + "/" + audit.key(), s.value().toString());
        } else if (!(result instanceof NullT)) {
          fail(bound, -1, audit.value().path() + ": must evaluate to a string or null", "Invalid");
        }
      }
    }

    private String message(CompiledPolicy.Validation validation, RequestActivation activation) {
      if (validation.messageExpression() != null) {
        Val result = eval(validation.messageExpression(), activation);
        if (result instanceof StringT s) {
          String text = s.value().toString().trim();
          if (!text.isEmpty() && !text.contains("\n")) {
            return text;
          }
        }
      }
      if (validation.message() != null && !validation.message().isBlank()) {
        return validation.message();
      }
      return "failed expression: " + validation.expression().text().trim();
    }

    private String errorText(CompiledPolicy.Expression expression, Val result) {
      return expression.path() + ": " + evaluationError(expression, result);
    }

    /** An expression error as ValidatingAdmissionPolicy words it. */
    private String evaluationError(CompiledPolicy.Expression expression, Val result) {
      String detail =
          result == null
              ? "no result"
              : Err.isError(result)
                  // cel-tools prints a missing key as its Val (string{name}); cel-go prints the key
                  ? MISSING_KEY.matcher(result.toString()).replaceAll("no such key: $1")
                  : "must evaluate to bool, not " + result.type().typeName();
      return "expression '" + expression.text().trim() + "' resulted in error: " + detail;
    }

    /** An expression error: ignored under Ignore, a failure of the policy under Fail. */
    private void fail(Bound bound, int index, String message, String reason) {
      fail(bound, index, message, message, reason);
    }

    /**
     * @param diagnostic the error as {@link Decision#errors()} reports it, naming the expression
     * @param message the error as a denial reports it
     */
    private void fail(Bound bound, int index, String diagnostic, String message, String reason) {
      if (bound.policy().failOpen()) {
        errors.add(bound.policy().name() + ": " + diagnostic + " (ignored: failurePolicy Ignore)");
        return;
      }
      errors.add(bound.policy().name() + ": " + diagnostic);
      record(bound, index, message, reason);
    }

    /** A failed validation, handled per the binding's validation actions. */
    private void record(Bound bound, int index, String message, String reason) {
      for (String action : bound.actions()) {
        switch (action) {
          case "Deny" ->
              violations.add(
                  new Decision.Violation(
                      bound.policy().name(), index, message, reason, codeOf(reason)));
          case "Warn" -> warnings.add("Validation failed for " + bound.describe() + ": " + message);
          case "Audit" -> {
            Map<String, Object> failure = new LinkedHashMap<>();
            failure.put("message", message);
            failure.put("policy", bound.policy().name());
            failure.put("binding", bound.binding() == null ? "" : bound.binding());
            failure.put("expressionIndex", index);
            failure.put("validationActions", List.copyOf(bound.actions()));
            auditFailures.add(failure);
          }
          default -> {}
        }
      }
    }

    Decision decision() {
      if (!auditFailures.isEmpty()) {
        auditAnnotations.put(AUDIT_FAILURE_KEY, Manifests.toJson(auditFailures));
      }
      List<Map<String, Object>> patch = List.of();
      Map<String, Object> patched = null;
      if (current != input.object()) {
        patch = JsonPatches.diff(input.object(), current);
        if (!patch.isEmpty()) {
          @SuppressWarnings("unchecked")
          Map<String, Object> object = (Map<String, Object>) current;
          patched = object;
        }
      }
      return new Decision(
          violations.isEmpty(), violations, warnings, auditAnnotations, patch, patched, errors);
    }
  }

  static int codeOf(String reason) {
    return switch (reason) {
      case "Unauthorized" -> 401;
      case "Forbidden" -> 403;
      case "RequestEntityTooLarge" -> 413;
      default -> 422;
    };
  }
}
