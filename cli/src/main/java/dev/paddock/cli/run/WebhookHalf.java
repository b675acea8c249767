package dev.paddock.cli.run;

import dev.paddock.certs.ManagedCertificateSettings;
import dev.paddock.webhook.ClusterWebhook;
import dev.paddock.webhook.WebhookServerSettings;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admission webhook half of {@code paddock run}: the webhook module's {@link ClusterWebhook}
 * (policies from informers, HTTPS server) with its certificate from cert-manager files or a
 * self-managed Secret. It serves on every replica, leader or not; the webhook configurations
 * themselves come from the manifests.
 */
final class WebhookHalf {
  private static final Logger log = LoggerFactory.getLogger(WebhookHalf.class);

  /** What the webhook half is configured with, from the command line. */
  record Options(int port, Path certDir, String service, String namespace) {}

  private WebhookHalf() {}

  static ClusterWebhook start(
      KubernetesClient client, Options options, PrometheusMeterRegistry registry) {
    ClusterWebhook.Builder builder =
        ClusterWebhook.builder(client)
            .settings(WebhookServerSettings.defaults().withAddress("0.0.0.0", options.port()))
            .meterRegistry(registry);
    if (options.certDir() != null) {
      // cert-manager's CA injector writes the caBundle into the webhook configurations
      builder.certificateDirectory(options.certDir(), false);
    } else {
      builder.managedCertificate(
          ManagedCertificateSettings.forService(options.service(), options.namespace()));
    }
    ClusterWebhook webhook = builder.start();
    log.info(
        "admission webhook serving HTTPS on port {}, certificate from {}",
        webhook.server().port(),
        options.certDir() != null
            ? options.certDir()
            : "Secret " + options.namespace() + "/" + options.service() + "-tls");
    return webhook;
  }
}
