package dev.paddock.webhook.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paddock.policies.PolicyCompiler;
import dev.paddock.webhook.admission.AdmissionRequest;
import dev.paddock.webhook.admission.AdmissionRequest.GroupVersionKind;
import dev.paddock.webhook.admission.AdmissionRequest.GroupVersionResource;
import dev.paddock.webhook.admission.AdmissionRequest.UserInfo;
import dev.paddock.webhook.admission.AdmissionResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /mutate runs only mutations and /validate only validations, as the API server chains them. */
class PolicyAdmissionHandlerTest {
  private static final PolicyCompiler COMPILER = new PolicyCompiler();
  @TempDir Path dir;

  private PolicyAdmissionHandler handler(String policy) throws Exception {
    Files.writeString(dir.resolve("policy.yaml"), policy);
    DirectoryPolicySource source = new DirectoryPolicySource(dir, COMPILER);
    source.start();
    return new PolicyAdmissionHandler(
        source.snapshot(), () -> true, name -> null, new PaddockObjectValidator(COMPILER));
  }

  private static AdmissionRequest sandbox(Map<String, Object> podSpec) {
    Map<String, Object> object = new LinkedHashMap<>();
    object.put("apiVersion", "agents.x-k8s.io/v1beta1");
    object.put("kind", "Sandbox");
    object.put("metadata", Map.of("name", "s", "namespace", "ns"));
    object.put("spec", Map.of("podTemplate", Map.of("spec", podSpec)));
    return new AdmissionRequest(
        "uid",
        new GroupVersionKind("agents.x-k8s.io", "v1beta1", "Sandbox"),
        new GroupVersionResource("agents.x-k8s.io", "v1beta1", "sandboxes"),
        "",
        "s",
        "ns",
        "CREATE",
        new UserInfo("u", "", List.of(), Map.of()),
        object,
        null,
        false);
  }

  private static final String INJECT_AND_REQUIRE =
      """
      apiVersion: policy.paddock.dev/v1alpha1
      kind: SandboxPolicy
      metadata: {name: runtime}
      spec:
        validationActions: [Deny]
        failurePolicy: Fail
        match: {resources: [sandboxes]}
        mutations:
          - patchType: JSONPatch
            expression: >
              has(object.spec.podTemplate.spec.runtimeClassName) ? [] :
              [JSONPatch{op: "add", path: "/spec/podTemplate/spec/runtimeClassName", value: "gvisor"}]
        validations:
          - expression: "object.spec.podTemplate.spec.runtimeClassName in ['gvisor', 'kata']"
            message: "runtime class must be gvisor or kata"
      """;

  @Test
  void mutateInjectsAndValidateJudgesTheMutatedObjectItReceives() throws Exception {
    PolicyAdmissionHandler handler = handler(INJECT_AND_REQUIRE);

    AdmissionResult mutated = handler.mutate(sandbox(Map.of("containers", List.of())));
    assertThat(mutated.allowed()).isTrue();
    @SuppressWarnings("unchecked")
    Map<String, Object> podSpec =
        (Map<String, Object>)
            ((Map<String, Object>)
                    ((Map<String, Object>) mutated.patchedObject().get("spec")).get("podTemplate"))
                .get("spec");
    assertThat(podSpec).containsEntry("runtimeClassName", "gvisor");

    assertThat(handler.validate(sandbox(podSpec)).allowed()).isTrue();
    AdmissionResult runc =
        handler.validate(sandbox(Map.of("runtimeClassName", "runc", "containers", List.of())));
    assertThat(runc.allowed()).isFalse();
    assertThat(runc.message()).contains("runtime").contains("validation 0");
  }

  @Test
  void validationsDoNotRunOnMutateNorMutationsOnValidate() throws Exception {
    PolicyAdmissionHandler handler = handler(INJECT_AND_REQUIRE);

    AdmissionResult mutateRunc =
        handler.mutate(sandbox(Map.of("runtimeClassName", "runc", "containers", List.of())));
    assertThat(mutateRunc.allowed()).as("/mutate leaves denials to /validate").isTrue();
    assertThat(mutateRunc.patchedObject()).isNull();

    AdmissionResult validateUnmutated = handler.validate(sandbox(Map.of("containers", List.of())));
    assertThat(validateUnmutated.patchedObject()).isNull();
    assertThat(handler.policiesLoaded()).isEqualTo(1);
  }

  @Test
  void aMutationThatFailsUnderFailPolicyDeniesOnMutate() throws Exception {
    PolicyAdmissionHandler handler =
        handler(
            """
            apiVersion: policy.paddock.dev/v1alpha1
            kind: SandboxPolicy
            metadata: {name: broken-at-runtime}
            spec:
              failurePolicy: Fail
              match: {resources: [sandboxes]}
              mutations:
                - patchType: JSONPatch
                  expression: >
                    [JSONPatch{op: "add", path: "/metadata/labels/x", value: object.spec.missing.field}]
            """);

    AdmissionResult result = handler.mutate(sandbox(Map.of("containers", List.of())));

    assertThat(result.allowed()).isFalse();
    assertThat(result.errors()).isNotEmpty();
  }
}
