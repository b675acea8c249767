package dev.paddock.webhook.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.paddock.api.policy.SandboxPolicy;
import dev.paddock.api.policy.TenantProfile;
import dev.paddock.policies.Manifests;
import dev.paddock.policies.PolicyCompiler;
import dev.paddock.webhook.admission.AdmissionRequest;
import dev.paddock.webhook.admission.AdmissionRequest.GroupVersionKind;
import dev.paddock.webhook.admission.AdmissionRequest.GroupVersionResource;
import dev.paddock.webhook.admission.AdmissionRequest.UserInfo;
import dev.paddock.webhook.admission.AdmissionResult;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class InformerPolicySourceTest {
  private static final PolicyCompiler COMPILER = new PolicyCompiler();

  KubernetesClient client;
  private InformerPolicySource source;

  @AfterEach
  void stop() {
    if (source != null) {
      source.close();
    }
  }

  private static SandboxPolicy policy(String name, String expression) throws Exception {
    String yaml =
        """
        apiVersion: policy.paddock.dev/v1alpha1
        kind: SandboxPolicy
        metadata: {name: %s}
        spec:
          validationActions: [Deny]
          match: {resources: [sandboxes]}
          validations:
            - expression: %s
              message: "the %s rule"
        """
            .formatted(name, "'" + expression.replace("'", "''") + "'", name);
    return Manifests.fromMap(Manifests.parse(yaml, name).get(0), SandboxPolicy.class);
  }

  private PolicyAdmissionHandler handler() {
    return new PolicyAdmissionHandler(
        source.snapshot(),
        source::ready,
        source.namespaces(),
        new PaddockObjectValidator(COMPILER));
  }

  private static AdmissionRequest sandbox(String namespace, Map<String, String> labels) {
    Map<String, Object> object =
        Map.of(
            "apiVersion",
            "agents.x-k8s.io/v1beta1",
            "kind",
            "Sandbox",
            "metadata",
            Map.of("name", "s", "namespace", namespace, "labels", labels),
            "spec",
            Map.of("podTemplate", Map.of("spec", Map.of("containers", List.of()))));
    return new AdmissionRequest(
        "uid",
        new GroupVersionKind("agents.x-k8s.io", "v1beta1", "Sandbox"),
        new GroupVersionResource("agents.x-k8s.io", "v1beta1", "sandboxes"),
        "",
        "s",
        namespace,
        "CREATE",
        new UserInfo("u", "", List.of(), Map.of()),
        object,
        null,
        false);
  }

  @Test
  void policiesInTheClusterAreEnforcedAndTheirStatusSaysTheyCompiled() throws Exception {
    client.resource(policy("needs-team", "'team' in object.metadata.labels")).create();
    source = new InformerPolicySource(client, COMPILER);
    source.start(Duration.ofSeconds(20));

    assertThat(source.ready()).isTrue();
    assertThat(handler().validate(sandbox("ns", Map.of())).allowed()).isFalse();
    assertThat(handler().validate(sandbox("ns", Map.of("team", "a"))).allowed()).isTrue();
    await()
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptions()
        .untilAsserted(() -> assertThat(stored("needs-team").getStatus().getCompiled()).isTrue());
  }

  @Test
  void aVersionThatDoesNotCompileKeepsThePreviousOneInForceAndReportsItsErrors() throws Exception {
    client.resource(policy("needs-team", "'team' in object.metadata.labels")).create();
    source = new InformerPolicySource(client, COMPILER);
    source.start(Duration.ofSeconds(20));

    client.resource(policy("needs-team", "object.metadata.labels +")).update();
    client.resource(policy("never-compiled", "1 +")).create();

    await()
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              SandboxPolicy broken = stored("needs-team");
              assertThat(broken.getStatus().getCompiled()).isFalse();
              assertThat(broken.getStatus().getErrors())
                  .anySatisfy(
                      e -> assertThat(e.getPath()).isEqualTo("spec.validations[0].expression"));
              assertThat(stored("never-compiled").getStatus().getCompiled()).isFalse();
            });
    assertThat(source.snapshot().get().policyNames()).containsExactly("needs-team");
    AdmissionResult denied = handler().validate(sandbox("ns", Map.of()));
    assertThat(denied.allowed()).as("the previous version still denies").isFalse();
    assertThat(denied.message()).contains("the needs-team rule");
  }

  @Test
  void aNewPolicyIsSwappedInAndADeletedOneOut() throws Exception {
    source = new InformerPolicySource(client, COMPILER);
    source.start(Duration.ofSeconds(20));
    assertThat(handler().validate(sandbox("ns", Map.of())).allowed()).isTrue();

    client.resource(policy("needs-team", "'team' in object.metadata.labels")).create();
    await()
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptions()
        .until(() -> !handler().validate(sandbox("ns", Map.of())).allowed());

    client.resources(SandboxPolicy.class).withName("needs-team").delete();
    await()
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptions()
        .until(() -> handler().validate(sandbox("ns", Map.of())).allowed());
  }

  @Test
  void namespaceLabelsSelectTheTenantProfileThatPoliciesRead() throws Exception {
    client
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName("team-a")
                .addToLabels("paddock.dev/tenant", "a")
                .endMetadata()
                .build())
        .create();
    TenantProfile profile =
        Manifests.fromMap(
            Manifests.parse(
                    """
                    apiVersion: policy.paddock.dev/v1alpha1
                    kind: TenantProfile
                    metadata: {name: tenant-a}
                    spec:
                      namespaceSelector: {matchLabels: {paddock.dev/tenant: a}}
                      quotas: {maxSandboxes: 3}
                    """,
                    "t")
                .get(0),
            TenantProfile.class);
    client.resource(profile).create();
    client
        .resource(policy("tenant-known", "tenant != null && tenant.metadata.name == 'tenant-a'"))
        .create();
    source = new InformerPolicySource(client, COMPILER);
    source.start(Duration.ofSeconds(20));

    await()
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptions()
        .untilAsserted(
            () -> assertThat(handler().validate(sandbox("team-a", Map.of())).allowed()).isTrue());
    assertThat(handler().validate(sandbox("elsewhere", Map.of())).allowed()).isFalse();
  }

  private SandboxPolicy stored(String name) {
    return client.resources(SandboxPolicy.class).withName(name).get();
  }
}
