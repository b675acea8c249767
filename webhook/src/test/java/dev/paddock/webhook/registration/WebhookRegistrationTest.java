package dev.paddock.webhook.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paddock.certs.CaBundleInjector;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.RuleWithOperations;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class WebhookRegistrationTest {
  /** The manifests GitOps applies; they must stay what the code registers. */
  static final Path MANIFEST = Path.of("..", "deploy", "webhook", "webhook-configurations.yaml");

  KubernetesClient client;

  @Test
  void inClusterRegistrationCallsTheServiceWithExplicitSafetySettings() {
    WebhookRegistration registration =
        WebhookRegistration.forService("paddock-system", "paddock-webhook", 443);

    ValidatingWebhookConfiguration validating = registration.validating();

    assertThat(validating.getWebhooks()).hasSize(2);
    for (ValidatingWebhook webhook : validating.getWebhooks()) {
      assertThat(webhook.getSideEffects()).isEqualTo("None");
      assertThat(webhook.getAdmissionReviewVersions()).containsExactly("v1");
      assertThat(webhook.getFailurePolicy()).isEqualTo("Fail");
      assertThat(webhook.getTimeoutSeconds()).isEqualTo(10);
      assertThat(webhook.getClientConfig().getService().getName()).isEqualTo("paddock-webhook");
      assertThat(webhook.getClientConfig().getService().getPath()).isEqualTo("/validate");
    }
    ValidatingWebhook sandboxes = validating.getWebhooks().get(0);
    assertThat(sandboxes.getNamespaceSelector().getMatchExpressions().get(0).getValues())
        .containsExactly("kube-system", "paddock-system");
    assertThat(sandboxes.getRules().stream().flatMap(r -> r.getResources().stream()))
        .containsExactlyInAnyOrder(
            "sandboxes",
            "sandboxtemplates",
            "sandboxclaims",
            "sandboxwarmpools",
            "sandboxwarmpools/scale");
    RuleWithOperations policyRule = validating.getWebhooks().get(1).getRules().get(0);
    assertThat(policyRule.getApiGroups()).containsExactly("policy.paddock.dev");
    assertThat(policyRule.getResources()).containsExactly("sandboxpolicies", "tenantprofiles");

    MutatingWebhookConfiguration mutating = registration.mutating();
    assertThat(mutating.getWebhooks().get(0).getClientConfig().getService().getPath())
        .isEqualTo("/mutate");
    assertThat(mutating.getWebhooks().get(0).getReinvocationPolicy()).isEqualTo("IfNeeded");
  }

  @Test
  void localRegistrationUsesTheUrlAndTheCaBundle() {
    WebhookRegistration registration =
        WebhookRegistration.forUrl("https://127.0.0.1:9443/").withCaBundle("Q0E=");

    ValidatingWebhook webhook = registration.validating().getWebhooks().get(0);

    assertThat(webhook.getClientConfig().getUrl()).isEqualTo("https://127.0.0.1:9443/validate");
    assertThat(webhook.getClientConfig().getService()).isNull();
    assertThat(webhook.getClientConfig().getCaBundle()).isEqualTo("Q0E=");
    assertThat(registration.mutating().getWebhooks().get(0).getClientConfig().getUrl())
        .isEqualTo("https://127.0.0.1:9443/mutate");
    assertThatThrownBy(() -> WebhookRegistration.forUrl("http://127.0.0.1:1"))
        .hasMessageContaining("https");
  }

  @Test
  void applyCreatesThenReplacesAndTheInjectorUpdatesTheBundle() {
    WebhookRegistration.forUrl("https://127.0.0.1:9443").withCaBundle("b2xk").apply(client);
    WebhookRegistration.forUrl("https://127.0.0.1:9444")
        .withFailurePolicy("Ignore", 5)
        .withCaBundle("b2xk")
        .apply(client);

    ValidatingWebhookConfiguration stored =
        client
            .admissionRegistration()
            .v1()
            .validatingWebhookConfigurations()
            .withName(WebhookRegistration.VALIDATING_NAME)
            .get();
    assertThat(stored.getWebhooks().get(0).getClientConfig().getUrl())
        .isEqualTo("https://127.0.0.1:9444/validate");
    assertThat(stored.getWebhooks().get(0).getFailurePolicy()).isEqualTo("Ignore");
    assertThat(stored.getWebhooks().get(1).getFailurePolicy())
        .as("policies that do not compile are always refused")
        .isEqualTo("Fail");

    new CaBundleInjector(
            client,
            List.of(WebhookRegistration.VALIDATING_NAME),
            List.of(WebhookRegistration.MUTATING_NAME))
        .inject("bmV3");

    assertThat(
            client
                .admissionRegistration()
                .v1()
                .mutatingWebhookConfigurations()
                .withName(WebhookRegistration.MUTATING_NAME)
                .get()
                .getWebhooks()
                .get(0)
                .getClientConfig()
                .getCaBundle())
        .isEqualTo("bmV3");

    WebhookRegistration.delete(client);
    assertThat(
            client
                .admissionRegistration()
                .v1()
                .validatingWebhookConfigurations()
                .withName(WebhookRegistration.VALIDATING_NAME)
                .get())
        .isNull();
  }

  @Test
  void deployManifestsMatchTheInClusterRegistration() throws IOException {
    WebhookRegistration registration =
        WebhookRegistration.forService("paddock-system", "paddock-webhook", 443);
    String expected =
        "# Generated from WebhookRegistration.forService(\"paddock-system\", \"paddock-webhook\","
            + " 443)\n# (WebhookRegistrationTest checks it); the caBundle is injected at run time.\n"
            + Serialization.asYaml(registration.validating())
            + Serialization.asYaml(registration.mutating());
    if (Boolean.getBoolean("paddock.writeManifests")) {
      Files.createDirectories(MANIFEST.getParent());
      Files.writeString(MANIFEST, expected);
    }

    List<HasMetadata> manifests = client.load(Files.newInputStream(MANIFEST)).items();

    assertThat(manifests).hasSize(2);
    assertThat(manifests.get(0)).isEqualTo(registration.validating());
    assertThat(manifests.get(1)).isEqualTo(registration.mutating());
  }
}
