package dev.paddock.policies;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The upstream example ValidatingAdmissionPolicy loads unchanged and judges Sandboxes right. */
class NativeVapImportTest {
  static final Path EXAMPLE =
      Path.of(System.getProperty("paddock.root", "."))
          .resolve("../shared/reference/upstream/examples/policy-vap");

  static PolicySet policies;

  @BeforeAll
  static void compile() throws Exception {
    List<PolicyDocument> documents = new ArrayList<>();
    documents.addAll(Manifests.readPolicies(EXAMPLE.resolve("secure-sandbox-policy.yaml")));
    documents.addAll(Manifests.readPolicies(EXAMPLE.resolve("secure-sandbox-binding.yaml")));
    PolicyCompiler.Compilation compilation = new PolicyCompiler().compile(documents);
    assertThat(compilation.errors()).isEmpty();
    policies = compilation.policySet();
  }

  static Map<String, Object> compliant() throws Exception {
    return Manifests.parse(TestObjects.COMPLIANT_SANDBOX, "sandbox").get(0);
  }

  static AdmissionInput input(Map<String, Object> sandbox) {
    return AdmissionInput.builder()
        .object(sandbox)
        .namespaceLabels("team-a", Map.of("kubernetes.io/metadata.name", "team-a"))
        .build();
  }

  @Test
  void compliantSandboxIsAllowed() throws Exception {
    Decision decision = policies.evaluate(input(compliant()));
    assertThat(decision.violations()).isEmpty();
    assertThat(decision.errors()).isEmpty();
    assertThat(decision.allowed()).isTrue();
  }

  @ParameterizedTest(name = "{0} violates validation {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "runtimeClassName: runc|0|/spec/podTemplate/spec/runtimeClassName|\"runc\"",
        "hostNetwork|1|/spec/podTemplate/spec/hostNetwork|true",
        "automountServiceAccountToken|2|/spec/podTemplate/spec/automountServiceAccountToken|true",
        "privileged|3|/spec/podTemplate/spec/containers/0/securityContext/privileged|true",
        "drop ALL|4|/spec/podTemplate/spec/containers/0/securityContext/capabilities/drop|[\"NET_RAW\"]",
        "limits|5|/spec/podTemplate/spec/containers/0/resources|{}",
        "runAsNonRoot|6|/spec/podTemplate/spec/containers/0/securityContext/runAsNonRoot|false",
        "projected token|7|/spec/podTemplate/spec/volumes|[{\"name\":\"t\",\"projected\":{\"sources\":[{\"serviceAccountToken\":{\"path\":\"t\"}}]}}]",
        "hostPath|8|/spec/podTemplate/spec/volumes|[{\"name\":\"h\",\"hostPath\":{\"path\":\"/\"}}]",
        "capabilities add|9|/spec/podTemplate/spec/containers/0/securityContext/capabilities/add|[\"NET_ADMIN\"]",
        "hostPID|10|/spec/podTemplate/spec/hostPID|true",
        "hostPort|11|/spec/podTemplate/spec/containers/0/ports|[{\"containerPort\":80,\"hostPort\":80}]",
        "sysctls|12|/spec/podTemplate/spec/securityContext/sysctls|[{\"name\":\"net.core.somaxconn\",\"value\":\"1024\"}]",
        "procMount|13|/spec/podTemplate/spec/containers/0/securityContext/procMount|\"Unmasked\"",
        "nodeSelector|14|/spec/podTemplate/spec/nodeSelector|{}",
        "tolerations|15|/spec/podTemplate/spec/tolerations|[]",
      })
  void eachKindOfViolationIsDeniedByItsValidation(
      String what, int validation, String path, String valueJson) throws Exception {
    Map<String, Object> sandbox =
        TestObjects.patched(compliant(), "replace-or-add", path, valueJson);
    Decision decision = policies.evaluate(input(sandbox));
    assertThat(decision.allowed()).isFalse();
    assertThat(decision.violations())
        .extracting(Decision.Violation::validation)
        .containsExactly(validation);
    assertThat(decision.violations().get(0).policy()).isEqualTo("secure-sandbox-policy");
    assertThat(decision.violations().get(0).message())
        .satisfiesAnyOf(
            m -> assertThat(m).startsWith("Security Violation"),
            m -> assertThat(m).startsWith("Scheduling Violation"));
  }

  @Test
  void anExpressionErrorDeniesWithTheMessageKubernetesGives() throws Exception {
    // found by the e2e differential test against kube-apiserver (NativeVapDifferentialIT)
    Map<String, Object> sandbox =
        TestObjects.patched(
            compliant(),
            "replace-or-add",
            "/spec/podTemplate/spec/tolerations",
            "[{\"key\":\"sandbox.gke.io/runtime\",\"operator\":\"Exists\"}]");
    Decision decision = policies.evaluate(input(sandbox));
    assertThat(decision.allowed()).isFalse();
    Decision.Violation violation = decision.violations().get(0);
    assertThat(violation.validation()).isEqualTo(15);
    assertThat(violation.code()).isEqualTo(422);
    assertThat(violation.message())
        .startsWith("expression 'has(object.spec.podTemplate.spec.tolerations) &&")
        .endsWith("' resulted in error: no such key: value");
    assertThat(decision.errors())
        .singleElement()
        .asString()
        .startsWith("secure-sandbox-policy: spec.validations[15].expression: expression '")
        .endsWith("no such key: value");
  }
}
