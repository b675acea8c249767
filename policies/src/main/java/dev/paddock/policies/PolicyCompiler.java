package dev.paddock.policies;

import dev.paddock.api.policy.SandboxPolicy;
import dev.paddock.policies.cel.CelEnvironment;
import dev.paddock.policies.cel.CelEnvironment.ResultType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Compiles policies into an immutable {@link PolicySet}: every CEL expression is parsed,
 * type-checked, cost-checked and planned here, once, so that evaluation compiles nothing.
 *
 * <p>Accepts {@link SandboxPolicy} objects and native manifests ({@link PolicyDocument}):
 * SandboxPolicy, ValidatingAdmissionPolicy (+Binding), MutatingAdmissionPolicy (+Binding). Every
 * problem is reported, not only the first. A policy with errors is left out of the set; the others
 * are in it. Thread-safe; building one is costly (the CEL environment), so keep one.
 */
public final class PolicyCompiler {
  static final String SANDBOX_POLICY = "SandboxPolicy";
  static final String VAP = "ValidatingAdmissionPolicy";
  static final String VAP_BINDING = "ValidatingAdmissionPolicyBinding";
  static final String MAP = "MutatingAdmissionPolicy";
  static final String MAP_BINDING = "MutatingAdmissionPolicyBinding";

  private static final Set<String> ACTIONS = Set.of("Deny", "Warn", "Audit");
  private static final Set<String> REASONS =
      Set.of("Unauthorized", "Forbidden", "Invalid", "RequestEntityTooLarge");
  private static final Pattern IDENTIFIER = Pattern.compile("[_a-zA-Z][_a-zA-Z0-9]*");

  private final CelEnvironment cel;

  public PolicyCompiler() {
    this.cel = new CelEnvironment();
  }

  /**
   * The result of compiling: the policies that compiled, and every error.
   *
   * @param policySet the policies without errors (and their bindings)
   * @param errors every problem found, in document order
   */
  public record Compilation(PolicySet policySet, List<CompileError> errors) {
    public boolean ok() {
      return errors.isEmpty();
    }

    /** The errors of one policy, e.g. to write into a SandboxPolicy's status. */
    public List<CompileError> errorsOf(String policyName) {
      return errors.stream().filter(e -> e.policy().equals(policyName)).toList();
    }
  }

  /** Compiles SandboxPolicy objects (as the webhook's informer holds them). */
  public Compilation compileSandboxPolicies(Collection<SandboxPolicy> policies) {
    List<PolicyDocument> documents = new ArrayList<>();
    for (SandboxPolicy policy : policies) {
      documents.add(new PolicyDocument(null, Manifests.toMap(policy)));
    }
    return compile(documents);
  }

  /** Compiles manifests of any of the supported kinds; other kinds are reported as errors. */
  public Compilation compile(List<PolicyDocument> documents) {
    List<CompileError> errors = new ArrayList<>();
    List<CompiledPolicy> policies = new ArrayList<>();
    List<CompiledPolicy.Binding> bindings = new ArrayList<>();
    Map<String, String> bindingSources = new LinkedHashMap<>();
    for (PolicyDocument document : documents) {
      Reader reader = new Reader(document, errors);
      switch (document.kind()) {
        case SANDBOX_POLICY, VAP, MAP -> {
          CompiledPolicy policy = reader.policy();
          if (policy != null) {
            policies.add(policy);
          }
        }
        case VAP_BINDING, MAP_BINDING -> {
          CompiledPolicy.Binding binding = reader.binding();
          if (binding != null) {
            bindings.add(binding);
            bindingSources.put(binding.name(), document.source());
          }
        }
        default ->
            errors.add(
                new CompileError(
                    document.source(),
                    document.name(),
                    "kind",
                    0,
                    0,
                    "unsupported kind '"
                        + document.kind()
                        + "': expected SandboxPolicy, ValidatingAdmissionPolicy(Binding) or"
                        + " MutatingAdmissionPolicy(Binding)"));
      }
    }
    Set<String> policyNames = new LinkedHashSet<>();
    for (CompiledPolicy policy : policies) {
      policyNames.add(policy.name());
    }
    Set<String> failed = new LinkedHashSet<>();
    for (CompileError error : errors) {
      failed.add(error.policy());
    }
    for (CompiledPolicy.Binding binding : bindings) {
      if (!policyNames.contains(binding.policyName()) && !failed.contains(binding.policyName())) {
        errors.add(
            new CompileError(
                bindingSources.get(binding.name()),
                binding.name(),
                "spec.policyName",
                0,
                0,
                "binding refers to policy '"
                    + binding.policyName()
                    + "', which is not among the policies given"));
      }
    }
    List<PolicySet.Bound> bound = new ArrayList<>();
    for (CompiledPolicy policy : policies) {
      if (failed.contains(policy.name())) {
        continue;
      }
      List<CompiledPolicy.Binding> own =
          bindings.stream()
              .filter(
                  b ->
                      b.policyName().equals(policy.name())
                          && policy.kind().equals(VAP) == (b.actions() != null))
              .toList();
      if (own.isEmpty() || policy.kind().equals(SANDBOX_POLICY)) {
        bound.add(new PolicySet.Bound(policy, null, MatchRules.ALL, policy.actions()));
      } else {
        for (CompiledPolicy.Binding binding : own) {
          bound.add(
              new PolicySet.Bound(
                  policy,
                  binding.name(),
                  binding.match(),
                  binding.actions() != null ? binding.actions() : policy.actions()));
        }
      }
    }
    return new Compilation(new PolicySet(bound), List.copyOf(errors));
  }

  /** Reads one manifest, compiling as it goes and collecting errors with their paths. */
  private final class Reader {
    private final PolicyDocument document;
    private final List<CompileError> errors;
    private final String name;
    private final int errorsBefore;

    Reader(PolicyDocument document, List<CompileError> errors) {
      this.document = document;
      this.errors = errors;
      this.name = document.name();
      this.errorsBefore = errors.size();
      if (name.isEmpty()) {
        error("metadata.name", "a policy needs a name");
      }
    }

    private void error(String path, String message) {
      errors.add(new CompileError(document.source(), name, path, 0, 0, message));
    }

    CompiledPolicy policy() {
      String kind = document.kind();
      Map<String, Object> spec = map(document.manifest(), "spec", "spec");
      if (spec == null) {
        error("spec", "a policy needs a spec");
        return null;
      }
      String failurePolicy = string(spec, "failurePolicy", "spec.failurePolicy");
      if (failurePolicy != null && !Set.of("Fail", "Ignore").contains(failurePolicy)) {
        error("spec.failurePolicy", "must be Fail or Ignore, not '" + failurePolicy + "'");
      }
      Set<String> actions = Set.of("Deny");
      MatchRules match;
      if (kind.equals(SANDBOX_POLICY)) {
        actions = actions(spec, "spec.validationActions", Set.of("Deny"));
        match = sandboxMatch(map(spec, "match", "spec.match"));
      } else {
        match =
            matchResources(
                map(spec, "matchConstraints", "spec.matchConstraints"), "spec.matchConstraints");
      }
      List<CompiledPolicy.Expression> conditions = new ArrayList<>();
      Set<String> conditionNames = new LinkedHashSet<>();
      forEach(
          spec,
          "matchConditions",
          (item, path) -> {
            String conditionName = string(item, "name", path + ".name");
            if (conditionName == null || conditionName.isEmpty()) {
              error(path + ".name", "a match condition needs a name");
            } else if (!conditionNames.add(conditionName)) {
              error(path + ".name", "duplicate match condition '" + conditionName + "'");
            }
            conditions.add(expression(item, "expression", path, ResultType.BOOL));
          });
      List<CompiledPolicy.Variable> variables = new ArrayList<>();
      Set<String> variableNames = new LinkedHashSet<>();
      forEach(
          spec,
          "variables",
          (item, path) -> {
            String variableName = string(item, "name", path + ".name");
            if (variableName == null || !IDENTIFIER.matcher(variableName).matches()) {
              error(path + ".name", "a variable needs a name that is a CEL identifier");
            } else if (!variableNames.add(variableName)) {
              error(path + ".name", "duplicate variable '" + variableName + "'");
            }
            variables.add(
                new CompiledPolicy.Variable(
                    variableName == null ? "" : variableName,
                    expression(item, "expression", path, ResultType.ANY)));
          });
      List<CompiledPolicy.Validation> validations = new ArrayList<>();
      forEach(
          spec,
          "validations",
          (item, path) -> {
            String message = string(item, "message", path + ".message");
            if (message != null && message.contains("\n")) {
              error(path + ".message", "must not contain line breaks");
            }
            String reason = string(item, "reason", path + ".reason");
            if (reason != null && !REASONS.contains(reason)) {
              error(path + ".reason", "must be one of " + REASONS + ", not '" + reason + "'");
            }
            CompiledPolicy.Expression messageExpression =
                item.get("messageExpression") == null
                    ? null
                    : expression(item, "messageExpression", path, ResultType.STRING);
            validations.add(
                new CompiledPolicy.Validation(
                    validations.size(),
                    expression(item, "expression", path, ResultType.BOOL),
                    message,
                    messageExpression,
                    reason == null ? "Invalid" : reason));
          });
      List<CompiledPolicy.Mutation> mutations = new ArrayList<>();
      forEach(
          spec,
          "mutations",
          (item, path) -> {
            String patchType = string(item, "patchType", path + ".patchType");
            boolean jsonPatch = "JSONPatch".equals(patchType);
            if (!jsonPatch && !"ApplyConfiguration".equals(patchType)) {
              error(path + ".patchType", "must be JSONPatch or ApplyConfiguration");
              return;
            }
            Map<String, Object> holder = item;
            String holderPath = path;
            if (!kind.equals(SANDBOX_POLICY)) {
              String field = jsonPatch ? "jsonPatch" : "applyConfiguration";
              holder = map(item, field, path + "." + field);
              holderPath = path + "." + field;
              if (holder == null) {
                error(holderPath, "missing");
                return;
              }
            }
            mutations.add(
                new CompiledPolicy.Mutation(
                    jsonPatch, expression(holder, "expression", holderPath, ResultType.ANY)));
          });
      List<CompiledPolicy.AuditAnnotation> audits = new ArrayList<>();
      forEach(
          spec,
          "auditAnnotations",
          (item, path) -> {
            String key = string(item, "key", path + ".key");
            if (key == null || key.isEmpty()) {
              error(path + ".key", "an audit annotation needs a key");
            }
            audits.add(
                new CompiledPolicy.AuditAnnotation(
                    key, expression(item, "valueExpression", path, ResultType.ANY)));
          });
      if (kind.equals(VAP) && validations.isEmpty() && audits.isEmpty()) {
        error(
            "spec.validations",
            "a ValidatingAdmissionPolicy needs validations or auditAnnotations");
      }
      if (kind.equals(MAP) && mutations.isEmpty()) {
        error("spec.mutations", "a MutatingAdmissionPolicy needs mutations");
      }
      if (errors.size() > errorsBefore) {
        return null;
      }
      return new CompiledPolicy(
          name,
          document.source(),
          kind,
          match,
          "Ignore".equals(failurePolicy),
          actions,
          List.copyOf(conditions),
          List.copyOf(variables),
          List.copyOf(validations),
          List.copyOf(mutations),
          List.copyOf(audits));
    }

    CompiledPolicy.Binding binding() {
      Map<String, Object> spec = map(document.manifest(), "spec", "spec");
      if (spec == null) {
        error("spec", "a binding needs a spec");
        return null;
      }
      String policyName = string(spec, "policyName", "spec.policyName");
      if (policyName == null || policyName.isEmpty()) {
        error("spec.policyName", "a binding needs a policyName");
      }
      Set<String> actions = null;
      if (document.kind().equals(VAP_BINDING)) {
        actions = actions(spec, "spec.validationActions", null);
        if (actions == null) {
          error("spec.validationActions", "a binding needs validationActions");
        }
      }
      MatchRules match =
          matchResources(map(spec, "matchResources", "spec.matchResources"), "spec.matchResources");
      if (errors.size() > errorsBefore) {
        return null;
      }
      return new CompiledPolicy.Binding(name, policyName, match, actions);
    }

    private Set<String> actions(Map<String, Object> spec, String path, Set<String> absent) {
      List<String> list = strings(spec, "validationActions", path);
      if (list == null || list.isEmpty()) {
        return absent;
      }
      Set<String> actions = new LinkedHashSet<>();
      for (String action : list) {
        if (!ACTIONS.contains(action)) {
          error(path, "unknown action '" + action + "': expected Deny, Warn or Audit");
        } else if (!actions.add(action)) {
          error(path, "duplicate action '" + action + "'");
        }
      }
      if (actions.contains("Deny") && actions.contains("Warn")) {
        error(path, "Deny and Warn may not be used together");
      }
      return Set.copyOf(actions);
    }

    private MatchRules sandboxMatch(Map<String, Object> match) {
      if (match == null) {
        return MatchRules.ALL;
      }
      List<String> operations = strings(match, "operations", "spec.match.operations");
      List<MatchRules.ResourceRule> rules = new ArrayList<>();
      List<String> resources = strings(match, "resources", "spec.match.resources");
      List<String> ops = operations == null ? List.of() : operations;
      if (resources == null || resources.isEmpty()) {
        rules.add(new MatchRules.ResourceRule(List.of(), List.of(), List.of(), ops));
      } else {
        for (String resource : resources) {
          int dot = resource.indexOf('.');
          String plural = dot < 0 ? resource : resource.substring(0, dot);
          String group = dot < 0 ? KnownResources.groupOf(resource) : resource.substring(dot + 1);
          rules.add(
              new MatchRules.ResourceRule(
                  group == null ? List.of() : List.of(group), List.of(), List.of(plural), ops));
        }
      }
      Object namespaceSelector = match.get("namespaceSelector");
      Object objectSelector = match.get("objectSelector");
      selector(namespaceSelector, "spec.match.namespaceSelector");
      selector(objectSelector, "spec.match.objectSelector");
      return new MatchRules(rules, List.of(), asMap(namespaceSelector), asMap(objectSelector));
    }

    private MatchRules matchResources(Map<String, Object> match, String path) {
      if (match == null) {
        return MatchRules.ALL;
      }
      List<MatchRules.ResourceRule> include = resourceRules(match, "resourceRules", path);
      List<MatchRules.ResourceRule> exclude = resourceRules(match, "excludeResourceRules", path);
      Object namespaceSelector = match.get("namespaceSelector");
      Object objectSelector = match.get("objectSelector");
      selector(namespaceSelector, path + ".namespaceSelector");
      selector(objectSelector, path + ".objectSelector");
      return new MatchRules(include, exclude, asMap(namespaceSelector), asMap(objectSelector));
    }

    private List<MatchRules.ResourceRule> resourceRules(
        Map<String, Object> match, String field, String path) {
      List<MatchRules.ResourceRule> rules = new ArrayList<>();
      forEach(
          match,
          field,
          path + "." + field,
          (item, itemPath) ->
              rules.add(
                  new MatchRules.ResourceRule(
                      orEmpty(strings(item, "apiGroups", itemPath + ".apiGroups")),
                      orEmpty(strings(item, "apiVersions", itemPath + ".apiVersions")),
                      orEmpty(strings(item, "resources", itemPath + ".resources")),
                      orEmpty(strings(item, "operations", itemPath + ".operations")))));
      return rules;
    }

    private void selector(Object selector, String path) {
      String problem = LabelSelectors.validate(selector);
      if (problem != null) {
        error(path, problem);
      }
    }

    private CompiledPolicy.Expression expression(
        Map<String, Object> item, String field, String path, ResultType type) {
      String fieldPath = path + "." + field;
      Object value = item.get(field);
      if (!(value instanceof String text) || text.isBlank()) {
        error(fieldPath, "an expression is required");
        return new CompiledPolicy.Expression(fieldPath, "", null);
      }
      CelEnvironment.Compiled compiled = cel.compile(text, type);
      for (CelEnvironment.Problem problem : compiled.problems()) {
        errors.add(
            new CompileError(
                document.source(),
                name,
                fieldPath,
                problem.line(),
                problem.column(),
                problem.message()));
      }
      return new CompiledPolicy.Expression(fieldPath, text, compiled.program());
    }

    private interface ItemVisitor {
      void visit(Map<String, Object> item, String path);
    }

    private void forEach(Map<String, Object> spec, String field, ItemVisitor visitor) {
      forEach(spec, field, "spec." + field, visitor);
    }

    @SuppressWarnings("unchecked")
    private void forEach(
        Map<String, Object> parent, String field, String path, ItemVisitor visitor) {
      Object value = parent.get(field);
      if (value == null) {
        return;
      }
      if (!(value instanceof List<?> list)) {
        error(path, "must be a list");
        return;
      }
      for (int i = 0; i < list.size(); i++) {
        if (list.get(i) instanceof Map<?, ?> item) {
          visitor.visit((Map<String, Object>) item, path + "[" + i + "]");
        } else {
          error(path + "[" + i + "]", "must be an object");
        }
      }
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> map(Map<String, Object> parent, String field, String path) {
      Object value = parent.get(field);
      if (value == null) {
        return null;
      }
      if (value instanceof Map<?, ?> map) {
        return (Map<String, Object>) map;
      }
      error(path, "must be an object");
      return null;
    }

    private String string(Map<String, Object> parent, String field, String path) {
      Object value = parent.get(field);
      if (value == null || value instanceof String) {
        return (String) value;
      }
      error(path, "must be a string");
      return null;
    }

    private List<String> strings(Map<String, Object> parent, String field, String path) {
      Object value = parent.get(field);
      if (value == null) {
        return null;
      }
      if (value instanceof List<?> list && list.stream().allMatch(v -> v instanceof String)) {
        return list.stream().map(String.class::cast).toList();
      }
      error(path, "must be a list of strings");
      return null;
    }
  }

  private static List<String> orEmpty(List<String> list) {
    return list == null ? List.of() : list;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(Object value) {
    return value instanceof Map<?, ?> map ? (Map<String, Object>) map : null;
  }
}
