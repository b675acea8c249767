package dev.paddock.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.paddock.certs.SubjectAltNames;
import dev.paddock.policies.Manifests;
import dev.paddock.webhook.registration.WebhookRegistration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class ClusterWebhookTest {
  KubernetesClient client;

  @Test
  void localRunRegistersItsUrlAndCaAndJudgesByTheClustersPolicies() throws Exception {
    ClusterWebhook webhook =
        ClusterWebhook.builder(client)
            .settings(WebhookServerSettings.defaults().withAddress("127.0.0.1", 0))
            .selfSigned(SubjectAltNames.loopback())
            .registerLocally()
            .syncTimeout(Duration.ofSeconds(20))
            .start();
    try {
      ValidatingWebhookConfiguration registered =
          client
              .admissionRegistration()
              .v1()
              .validatingWebhookConfigurations()
              .withName(WebhookRegistration.VALIDATING_NAME)
              .get();
      assertThat(registered.getWebhooks().get(0).getClientConfig().getUrl())
          .isEqualTo("https://127.0.0.1:" + webhook.server().port() + "/validate");
      assertThat(registered.getWebhooks().get(0).getClientConfig().getCaBundle())
          .isEqualTo(webhook.server().tlsMaterial().caBundleBase64());

      Map<String, Object> policy =
          Manifests.parse(
                  """
                  apiVersion: policy.paddock.dev/v1alpha1
                  kind: SandboxPolicy
                  metadata: {name: needs-owner}
                  spec:
                    validationActions: [Deny]
                    match: {resources: [sandboxes]}
                    validations:
                      - expression: "has(object.metadata.labels) && 'owner' in object.metadata.labels"
                        message: "an owner label is required"
                  """,
                  "policy")
              .get(0);
      client
          .resource(Manifests.fromMap(policy, dev.paddock.api.policy.SandboxPolicy.class))
          .create();
      TestClient https = new TestClient(webhook.server().tlsMaterial(), webhook.server().port());

      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(
                          https.postJson("/validate", Reviews.sandbox("u", "CREATE", "{}")).body())
                      .contains("\"allowed\":false")
                      .contains("needs-owner"));
      assertThat(
              https
                  .postJson("/validate", Reviews.sandbox("u", "CREATE", "{\"owner\":\"a\"}"))
                  .body())
          .contains("\"allowed\":true");
      assertThat(https.get("/readyz").statusCode()).isEqualTo(200);

      webhook.unregister();
      assertThat(
              client
                  .admissionRegistration()
                  .v1()
                  .mutatingWebhookConfigurations()
                  .withName(WebhookRegistration.MUTATING_NAME)
                  .get())
          .isNull();
    } finally {
      webhook.close();
    }
  }
}
