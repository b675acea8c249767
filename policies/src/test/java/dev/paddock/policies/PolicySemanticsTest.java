package dev.paddock.policies;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** ValidatingAdmissionPolicy semantics as a policy author relies on them. */
class PolicySemanticsTest {
  static final PolicyCompiler COMPILER = new PolicyCompiler();

  static PolicySet compile(String yaml) throws Exception {
    List<PolicyDocument> docs =
        Manifests.parse(yaml, "test.yaml").stream()
            .map(m -> new PolicyDocument("test.yaml", m))
            .toList();
    PolicyCompiler.Compilation compilation = COMPILER.compile(docs);
    assertThat(compilation.errors()).isEmpty();
    return compilation.policySet();
  }

  static AdmissionInput sandbox(String yamlSpec) throws Exception {
    Map<String, Object> object =
        Manifests.parse(
                "apiVersion: agents.x-k8s.io/v1beta1\nkind: Sandbox\nmetadata: {name: s, namespace: n}\nspec: "
                    + yamlSpec,
                "object")
            .get(0);
    return AdmissionInput.builder().object(object).build();
  }

  static String policy(String failurePolicy, String actions, String body) {
    return "apiVersion: policy.paddock.dev/v1alpha1\nkind: SandboxPolicy\nmetadata: {name: p}\nspec:\n"
        + "  failurePolicy: "
        + failurePolicy
        + "\n  validationActions: "
        + actions
        + "\n"
        + body;
  }

  @Test
  void runawayExpressionIsStoppedAndFailurePolicyFailDenies() throws Exception {
    PolicySet set =
        compile(
            policy(
                "Fail",
                "[Deny]",
                "  validations:\n  - expression: \"object.spec.items.all(a, object.spec.items.all(b, object.spec.items.all(c, a + b + c >= 0)))\"\n"));
    String items = "[" + String.join(",", java.util.Collections.nCopies(1000, "1")) + "]";
    Decision decision = assertStops(set, sandbox("{items: " + items + "}"));
    assertThat(decision.allowed()).isFalse();
    assertThat(decision.errors()).singleElement().asString().contains("operation cancelled");
  }

  @Test
  void runawayStringBuildingIsStoppedAndFailurePolicyIgnoreAllows() throws Exception {
    PolicySet set =
        compile(
            policy(
                "Ignore",
                "[Deny]",
                "  variables:\n  - name: s\n    expression: \"object.spec.items.map(i, 'x').join('')\"\n"
                    + "  validations:\n  - expression: \"object.spec.items.map(i, variables.s + variables.s).join('').size() > 0\"\n"));
    String items = "[" + String.join(",", java.util.Collections.nCopies(20000, "1")) + "]";
    Decision decision = assertStops(set, sandbox("{items: " + items + "}"));
    assertThat(decision.allowed()).isTrue();
    assertThat(decision.errors()).singleElement().asString().contains("ignored");
  }

  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  Decision assertStops(PolicySet set, AdmissionInput input) {
    return set.evaluate(input);
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void cheapExpressionsAreUnaffectedByTheBudget() throws Exception {
    PolicySet set =
        compile(
            policy(
                "Fail",
                "[Deny]",
                "  validations:\n  - expression: \"object.spec.items.all(a, a > 0)\"\n"));
    String items = "[" + String.join(",", java.util.Collections.nCopies(1000, "1")) + "]";
    assertThat(set.evaluate(sandbox("{items: " + items + "}")).allowed()).isTrue();
  }

  @Test
  void fourNestedComprehensionsAreRejectedAtCompileTime() throws Exception {
    List<PolicyDocument> docs =
        Manifests.parse(
                policy(
                    "Fail",
                    "[Deny]",
                    "  validations:\n  - expression: \"object.a.all(a, object.a.all(b, object.a.all(c, object.a.all(d, true))))\"\n"),
                "x")
            .stream()
            .map(m -> new PolicyDocument("x", m))
            .toList();
    PolicyCompiler.Compilation compilation = COMPILER.compile(docs);
    assertThat(compilation.errors())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.path()).isEqualTo("spec.validations[0].expression");
              assertThat(e.message()).contains("estimated cost exceeds");
            });
  }

  @Test
  void everyCompileErrorIsReportedWithPathAndPosition() throws Exception {
    List<PolicyDocument> docs =
        Manifests.parse(
                policy(
                    "Sometimes",
                    "[Deny, Shout]",
                    "  variables:\n  - name: v\n    expression: \"1 +\"\n"
                        + "  validations:\n  - expression: \"true\"\n  - expression: \"object.x.\\n  nope(\"\n"),
                "x")
            .stream()
            .map(m -> new PolicyDocument("x", m))
            .toList();
    List<CompileError> errors = COMPILER.compile(docs).errors();
    assertThat(errors)
        .extracting(CompileError::path)
        .contains(
            "spec.failurePolicy",
            "spec.validationActions",
            "spec.variables[0].expression",
            "spec.validations[1].expression");
    assertThat(errors)
        .filteredOn(e -> e.path().equals("spec.validations[1].expression"))
        .allSatisfy(e -> assertThat(e.line()).isEqualTo(2));
  }

  @Test
  void falseMatchConditionSkipsThePolicyEvenWhenAnotherErrs() throws Exception {
    PolicySet set =
        compile(
            policy(
                "Fail",
                "[Deny]",
                "  matchConditions:\n  - {name: errs, expression: \"object.spec.missing == 1\"}\n"
                    + "  - {name: 'off', expression: \"false\"}\n  validations:\n  - expression: \"false\"\n"));
    Decision decision = set.evaluate(sandbox("{}"));
    assertThat(decision.allowed()).isTrue();
    assertThat(decision.errors()).isEmpty();
  }

  @Test
  void matchConditionErrorFollowsFailurePolicy() throws Exception {
    String body =
        "  matchConditions:\n  - {name: errs, expression: \"object.spec.missing == 1\"}\n  validations:\n  - expression: \"true\"\n";
    assertThat(compile(policy("Fail", "[Deny]", body)).evaluate(sandbox("{}")).allowed()).isFalse();
    assertThat(compile(policy("Ignore", "[Deny]", body)).evaluate(sandbox("{}")).allowed())
        .isTrue();
  }

  @Test
  void variablesAreLazyAndSeeEarlierOnes() throws Exception {
    PolicySet set =
        compile(
            policy(
                "Fail",
                "[Deny]",
                "  variables:\n  - {name: broken, expression: \"object.spec.missing\"}\n"
                    + "  - {name: n, expression: \"object.spec.n\"}\n  - {name: twice, expression: \"variables.n * 2\"}\n"
                    + "  validations:\n  - expression: \"variables.twice == 4\"\n"));
    assertThat(set.evaluate(sandbox("{n: 2}")).allowed()).isTrue();
    assertThat(set.evaluate(sandbox("{n: 3}")).allowed()).isFalse();
  }

  @Test
  void messageExpressionFallsBackToMessageOnError() throws Exception {
    PolicySet set =
        compile(
            policy(
                "Fail",
                "[Deny]",
                "  validations:\n  - {expression: \"false\", message: static, messageExpression: \"object.spec.missing\"}\n"
                    + "  - {expression: \"false\", messageExpression: \"'n is ' + string(object.spec.n)\"}\n"
                    + "  - {expression: \"false\", reason: Forbidden}\n"));
    Decision decision = set.evaluate(sandbox("{n: 7}"));
    assertThat(decision.violations())
        .extracting(Decision.Violation::message)
        .containsExactly("static", "n is 7", "failed expression: false");
    assertThat(decision.violations().get(2).code()).isEqualTo(403);
  }

  @Test
  void warnAndAuditDoNotDeny() throws Exception {
    PolicySet set =
        compile(
            policy(
                "Fail",
                "[Warn, Audit]",
                "  validations:\n  - {expression: \"false\", message: careful}\n"
                    + "  auditAnnotations:\n  - {key: seen, valueExpression: \"'n=' + string(object.spec.n)\"}\n"));
    Decision decision = set.evaluate(sandbox("{n: 1}"));
    assertThat(decision.allowed()).isTrue();
    assertThat(decision.violations()).isEmpty();
    assertThat(decision.warnings()).singleElement().asString().contains("careful");
    assertThat(decision.auditAnnotations()).containsEntry("p/seen", "n=1");
    assertThat(
            decision
                .auditAnnotations()
                .get("validation.policy.admission.k8s.io/validation_failure"))
        .contains("careful");
  }

  @Test
  void nativeMutatingPolicyAppliesJsonPatchThenApplyConfigurationInOrder() throws Exception {
    PolicySet set =
        compile(
            """
            apiVersion: admissionregistration.k8s.io/v1beta1
            kind: MutatingAdmissionPolicy
            metadata: {name: m}
            spec:
              matchConstraints:
                resourceRules:
                - {apiGroups: [agents.x-k8s.io], apiVersions: ["*"], operations: [CREATE], resources: [sandboxes]}
              mutations:
              - patchType: JSONPatch
                jsonPatch:
                  expression: "[JSONPatch{op: 'add', path: '/spec/a', value: 1}]"
              - patchType: ApplyConfiguration
                applyConfiguration:
                  expression: "Object{spec: Object.spec{b: object.spec.a + 1}}"
            """);
    Decision decision = set.evaluate(sandbox("{keep: true}"));
    assertThat(decision.patchedObject())
        .extracting("spec")
        .isEqualTo(Map.of("keep", true, "a", 1L, "b", 2L));
    assertThat(decision.patch())
        .extracting(op -> op.get("path"))
        .containsExactlyInAnyOrder("/spec/a", "/spec/b");
  }

  @Test
  void emptyJsonPatchChangesNothingAndLaterPoliciesSeeTheObject() throws Exception {
    PolicySet set =
        compile(
            """
            apiVersion: admissionregistration.k8s.io/v1beta1
            kind: MutatingAdmissionPolicy
            metadata: {name: m}
            spec:
              matchConstraints:
                resourceRules:
                - {apiGroups: [agents.x-k8s.io], apiVersions: ["*"], operations: [CREATE], resources: [sandboxes]}
              mutations:
              - patchType: JSONPatch
                jsonPatch:
                  expression: "has(object.spec.keep) ? [] : [JSONPatch{op: 'add', path: '/spec/keep', value: true}]"
              - patchType: JSONPatch
                jsonPatch:
                  expression: "object.spec.keep ? [] : [JSONPatch{op: 'add', path: '/spec/x', value: 1}]"
            ---
            apiVersion: policy.paddock.dev/v1alpha1
            kind: SandboxPolicy
            metadata: {name: v}
            spec:
              validations:
              - expression: "object.spec.keep == true && object.spec.n == 3"
            """);
    Decision decision = set.evaluate(sandbox("{keep: true, n: 3}"));
    assertThat(decision.allowed()).isTrue();
    assertThat(decision.patch()).isEmpty();
    assertThat(decision.patchedObject()).isNull();
    assertThat(decision.errors()).isEmpty();
    decision = set.evaluate(sandbox("{n: 3}"));
    assertThat(decision.allowed()).isTrue();
    assertThat(decision.patch()).extracting(op -> op.get("path")).containsExactly("/spec/keep");
  }

  @Test
  void bindingActionsApplyToThePolicyItNames() throws Exception {
    PolicySet set =
        compile(
            """
            apiVersion: admissionregistration.k8s.io/v1
            kind: ValidatingAdmissionPolicy
            metadata: {name: v}
            spec:
              validations:
              - {expression: "false", message: 'no'}
            ---
            apiVersion: admissionregistration.k8s.io/v1
            kind: ValidatingAdmissionPolicyBinding
            metadata: {name: b}
            spec: {policyName: v, validationActions: [Warn]}
            """);
    Decision decision = set.evaluate(sandbox("{}"));
    assertThat(decision.allowed()).isTrue();
    assertThat(decision.warnings()).singleElement().asString().contains("with binding 'b'");
  }
}
