package dev.paddock.e2e.admission;

import static dev.paddock.e2e.admission.AdmissionCluster.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paddock.api.policy.SandboxPolicy;
import dev.paddock.api.policy.TenantProfile;
import dev.paddock.certs.SubjectAltNames;
import dev.paddock.e2e.cluster.LocalControlPlane;
import dev.paddock.e2e.support.ControlPlaneTest;
import dev.paddock.webhook.ClusterWebhook;
import dev.paddock.webhook.WebhookServerSettings;
import dev.paddock.webhook.registration.WebhookRegistration;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Paddock's webhook as a cluster user gets it: served over TLS on loopback with a generated CA,
 * registered with the real kube-apiserver (URL and caBundle), policies and tenant profiles picked
 * up from the cluster by informers. Every request below goes to the API server, which calls the
 * webhook itself.
 */
@ControlPlaneTest
class AdmissionWebhookIT {
  private static final String SANDBOXES = "agents.x-k8s.io/v1beta1";

  /** The label that puts a test namespace into tenant team-a (and under the test's policies). */
  private static final String TENANT_LABEL = "admission-it.paddock.dev/tenant";

  private static final String NO_HOST_NETWORK =
      """
      apiVersion: policy.paddock.dev/v1alpha1
      kind: SandboxPolicy
      metadata:
        name: admission-it-no-host-network
      spec:
        validationActions: [Deny]
        failurePolicy: Fail
        match:
          resources: [sandboxes]
          operations: [CREATE, UPDATE]
          namespaceSelector:
            matchLabels: {"admission-it.paddock.dev/tenant": team-a}
        validations:
        - expression: "!has(object.spec.podTemplate.spec.hostNetwork) || !object.spec.podTemplate.spec.hostNetwork"
          message: "sandboxes may not use the host network"
          reason: Forbidden
      """;

  private static final String OWNER_LABEL_WARNING =
      """
      apiVersion: policy.paddock.dev/v1alpha1
      kind: SandboxPolicy
      metadata:
        name: admission-it-owner-label
      spec:
        validationActions: [Warn]
        match:
          resources: [sandboxes]
          operations: [CREATE, UPDATE]
          namespaceSelector:
            matchLabels: {"admission-it.paddock.dev/tenant": team-a}
        validations:
        - expression: "has(object.metadata.labels) && 'owner' in object.metadata.labels"
          message: "sandboxes should carry an owner label"
      """;

  private static final String TENANT_TEAM_A =
      """
      apiVersion: policy.paddock.dev/v1alpha1
      kind: TenantProfile
      metadata:
        name: admission-it-team-a
      spec:
        namespaceSelector:
          matchLabels: {"admission-it.paddock.dev/tenant": team-a}
        runtimeClass:
          default: gvisor
          allowed: [gvisor, kata]
      """;

  /** Three independent mistakes: a syntax error, an unknown name, a non-boolean validation. */
  private static final String BROKEN_POLICY =
      """
      apiVersion: policy.paddock.dev/v1alpha1
      kind: SandboxPolicy
      metadata:
        name: %s
      spec:
        match:
          resources: [sandboxes]
          operations: [CREATE]
        validations:
        - expression: "object.spec.podTemplate.spec.containers.all(c, c.image.startsWith('a'"
          message: "unclosed call"
        - expression: "objekt.spec.podTemplate.spec.hostNetwork == false"
          message: "misspelt variable"
        - expression: "size(object.spec.podTemplate.spec.containers)"
          message: "an int, not a bool"
      """;

  private static KubernetesClient admin;
  private static ClusterWebhook webhook;
  private static SandboxPolicy runtimeClassPolicy;

  @BeforeAll
  static void startAndRegisterTheWebhook(LocalControlPlane controlPlane) throws IOException {
    admin = controlPlane.newClient();
    AdmissionCluster.installCrds(admin);
    webhook =
        ClusterWebhook.builder(admin)
            .settings(WebhookServerSettings.defaults().withAddress("127.0.0.1", 0))
            .selfSigned(SubjectAltNames.loopback())
            .registerLocally()
            .start();
    // loaded after the webhook started: what a user applies later must be picked up
    runtimeClassPolicy =
        Serialization.unmarshal(
            Files.readString(
                AdmissionCluster.repoRoot().resolve("policies/library/runtime-class.yaml")),
            SandboxPolicy.class);
    for (String yaml : new String[] {NO_HOST_NETWORK, OWNER_LABEL_WARNING}) {
      admin.resource(Serialization.unmarshal(yaml, SandboxPolicy.class)).serverSideApply();
    }
    admin.resource(runtimeClassPolicy).serverSideApply();
    admin.resource(Serialization.unmarshal(TENANT_TEAM_A, TenantProfile.class)).serverSideApply();
  }

  @AfterAll
  static void unregisterAndStop() {
    if (admin == null) {
      return;
    }
    try {
      if (webhook != null) {
        webhook.unregister();
        // the control plane is shared by later tests: wait until the API server stopped calling us
        eventually()
            .until(
                () ->
                    ApiServerCalls.create(
                            admin,
                            SandboxPolicy.API_VERSION,
                            "sandboxpolicies",
                            null,
                            SandboxObjects.parse(BROKEN_POLICY.formatted("probe-unregistered")),
                            true)
                        .created());
        webhook.close();
      }
      admin.resources(SandboxPolicy.class).withName("admission-it-no-host-network").delete();
      admin.resources(SandboxPolicy.class).withName("admission-it-owner-label").delete();
      admin.resources(SandboxPolicy.class).withName("runtime-class").delete();
      admin.resources(TenantProfile.class).withName("admission-it-team-a").delete();
    } finally {
      admin.close();
    }
  }

  /** Puts the test's namespace into tenant team-a, and waits until the webhook judges it so. */
  @BeforeEach
  void joinTenantTeamA(KubernetesClient client) {
    client
        .namespaces()
        .withName(client.getNamespace())
        .edit(
            ns ->
                new NamespaceBuilder(ns)
                    .editMetadata()
                    .addToLabels(TENANT_LABEL, "team-a")
                    .endMetadata()
                    .build());
    Map<String, Object> hostNetwork = SandboxObjects.minimal("probe");
    SandboxObjects.set(hostNetwork, "/spec/podTemplate/spec/hostNetwork", "true");
    eventually()
        .untilAsserted(
            () -> {
              ApiServerCalls.Reply injected = dryRun(client, SandboxObjects.minimal("probe"));
              assertThat(injected.code()).isEqualTo(201);
              assertThat(runtimeClassOf(injected.body())).isEqualTo("gvisor");
              assertThat(injected.warnings()).anyMatch(w -> w.contains("owner label"));
              assertThat(dryRun(client, hostNetwork).code()).isEqualTo(403);
            });
  }

  @Test
  void theApiServerCallsTheWebhookAtItsLocalUrlTrustingTheGeneratedCa() {
    ValidatingWebhookConfiguration registered =
        admin
            .admissionRegistration()
            .v1()
            .validatingWebhookConfigurations()
            .withName(WebhookRegistration.VALIDATING_NAME)
            .get();
    assertThat(registered.getWebhooks())
        .allSatisfy(
            w -> {
              assertThat(w.getClientConfig().getUrl())
                  .isEqualTo(webhook.server().localUri() + "/validate");
              assertThat(w.getClientConfig().getCaBundle())
                  .isEqualTo(webhook.server().tlsMaterial().caBundleBase64());
            });
  }

  @Test
  void aViolatingSandboxIsDeniedWithThePolicyNameAndRuleMessage(KubernetesClient client) {
    GenericKubernetesResource hostNetwork = sandbox("host-network");
    podSpec(hostNetwork).put("hostNetwork", true);
    assertThatThrownBy(() -> sandboxes(client).resource(hostNetwork).create())
        .isInstanceOfSatisfying(
            KubernetesClientException.class,
            e -> {
              assertThat(e.getCode()).isEqualTo(403);
              assertThat(e.getStatus().getReason()).isEqualTo("Forbidden");
              assertThat(e.getStatus().getMessage())
                  .contains("admission-it-no-host-network")
                  .contains("sandboxes may not use the host network");
            });

    // the library's runtime-class policy, with the tenant's allowed list from its TenantProfile
    GenericKubernetesResource runc = sandbox("runc");
    podSpec(runc).put("runtimeClassName", "runc");
    assertThatThrownBy(() -> sandboxes(client).resource(runc).create())
        .isInstanceOfSatisfying(
            KubernetesClientException.class,
            e -> {
              assertThat(e.getCode()).isEqualTo(403);
              assertThat(e.getStatus().getMessage())
                  .contains("runtime-class")
                  .contains("runtime class 'runc' is not allowed for this tenant");
            });

    assertThat(sandboxes(client).list().getItems()).isEmpty();
  }

  @Test
  void aSandboxWithoutRuntimeClassIsStoredWithTheTenantsDefault(KubernetesClient client) {
    GenericKubernetesResource created = sandboxes(client).resource(sandbox("plain")).create();
    assertThat(runtimeClassOf(created.getAdditionalProperties())).isEqualTo("gvisor");

    GenericKubernetesResource stored = sandboxes(client).withName("plain").get();
    assertThat(runtimeClassOf(stored.getAdditionalProperties())).isEqualTo("gvisor");

    // an allowed runtime class the user chose is kept
    GenericKubernetesResource kata = sandbox("kata");
    podSpec(kata).put("runtimeClassName", "kata");
    sandboxes(client).resource(kata).create();
    assertThat(runtimeClassOf(sandboxes(client).withName("kata").get().getAdditionalProperties()))
        .isEqualTo("kata");
  }

  @Test
  void aWarnPolicysWarningReachesTheClientAndTheRequestSucceeds(KubernetesClient client) {
    ApiServerCalls.Reply unlabelled =
        ApiServerCalls.create(
            client,
            SANDBOXES,
            "sandboxes",
            client.getNamespace(),
            SandboxObjects.minimal("no-owner"),
            false);
    assertThat(unlabelled.code()).isEqualTo(201);
    assertThat(unlabelled.warnings())
        .anyMatch(
            w ->
                w.contains("admission-it-owner-label")
                    && w.contains("sandboxes should carry an owner label"));
    assertThat(sandboxes(client).withName("no-owner").get()).isNotNull();

    Map<String, Object> owned = SandboxObjects.minimal("owned");
    SandboxObjects.set(owned, "/metadata/labels", "{owner: alice}");
    ApiServerCalls.Reply labelled =
        ApiServerCalls.create(client, SANDBOXES, "sandboxes", client.getNamespace(), owned, false);
    assertThat(labelled.code()).isEqualTo(201);
    assertThat(labelled.warnings()).noneMatch(w -> w.contains("owner label"));
  }

  @Test
  void aSandboxPolicyThatDoesNotCompileIsRefusedWithEveryError() {
    SandboxPolicy broken =
        Serialization.unmarshal(
            BROKEN_POLICY.formatted("admission-it-broken"), SandboxPolicy.class);
    assertThatThrownBy(() -> admin.resource(broken).create())
        .isInstanceOfSatisfying(
            KubernetesClientException.class,
            e -> {
              assertThat(e.getCode()).isEqualTo(422);
              assertThat(e.getStatus().getMessage())
                  .contains("SandboxPolicy 'admission-it-broken' is invalid (3 errors)")
                  .contains("spec.validations[0].expression")
                  .contains("spec.validations[1].expression")
                  .contains("objekt")
                  .contains("spec.validations[2].expression");
            });
    assertThat(admin.resources(SandboxPolicy.class).withName("admission-it-broken").get()).isNull();
  }

  @Test
  void aDryRunIsJudgedAndMutatedButLeavesNoTrace(KubernetesClient client) {
    GenericKubernetesResource hostNetwork = sandbox("dry-host-network");
    podSpec(hostNetwork).put("hostNetwork", true);
    assertThatThrownBy(() -> sandboxes(client).resource(hostNetwork).dryRun().create())
        .isInstanceOfSatisfying(
            KubernetesClientException.class,
            e ->
                assertThat(e.getStatus().getMessage())
                    .contains("sandboxes may not use the host network"));

    GenericKubernetesResource answered =
        sandboxes(client).resource(sandbox("dry-plain")).dryRun().create();
    assertThat(runtimeClassOf(answered.getAdditionalProperties())).isEqualTo("gvisor");

    ApiServerCalls.Reply warned = dryRun(client, SandboxObjects.minimal("dry-warned"));
    assertThat(warned.warnings()).anyMatch(w -> w.contains("owner label"));

    assertThat(sandboxes(client).list().getItems()).isEmpty();
    assertThat(sandboxes(client).withName("dry-plain").get()).isNull();
  }

  private static ApiServerCalls.Reply dryRun(KubernetesClient client, Map<String, Object> object) {
    return ApiServerCalls.create(
        client, SANDBOXES, "sandboxes", client.getNamespace(), object, true);
  }

  private static MixedOperation<
          GenericKubernetesResource,
          GenericKubernetesResourceList,
          Resource<GenericKubernetesResource>>
      sandboxes(KubernetesClient client) {
    return client.genericKubernetesResources(SANDBOXES, "Sandbox");
  }

  private static GenericKubernetesResource sandbox(String name) {
    return Serialization.unmarshal(
        Serialization.asJson(SandboxObjects.minimal(name)), GenericKubernetesResource.class);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> podSpec(GenericKubernetesResource sandbox) {
    Map<String, Object> spec = (Map<String, Object>) sandbox.getAdditionalProperties().get("spec");
    return (Map<String, Object>) ((Map<String, Object>) spec.get("podTemplate")).get("spec");
  }

  @SuppressWarnings("unchecked")
  private static Object runtimeClassOf(Map<String, Object> sandbox) {
    Map<String, Object> spec = (Map<String, Object>) sandbox.get("spec");
    Map<String, Object> podSpec =
        (Map<String, Object>) ((Map<String, Object>) spec.get("podTemplate")).get("spec");
    return podSpec.get("runtimeClassName");
  }
}
