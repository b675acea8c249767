package dev.paddock.certs;

import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.WebhookClientConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the CA bundle into every webhook of the named Validating and Mutating webhook
 * configurations, so that the API server trusts the serving certificate. Writes only when the
 * bundle differs, so calling it on every check is cheap and repairs a configuration that a GitOps
 * sync reset.
 */
public final class CaBundleInjector {
  private static final Logger LOG = LoggerFactory.getLogger(CaBundleInjector.class);

  private final KubernetesClient client;
  private final List<String> validatingConfigurations;
  private final List<String> mutatingConfigurations;

  public CaBundleInjector(
      KubernetesClient client,
      List<String> validatingConfigurations,
      List<String> mutatingConfigurations) {
    this.client = client;
    this.validatingConfigurations = List.copyOf(validatingConfigurations);
    this.mutatingConfigurations = List.copyOf(mutatingConfigurations);
  }

  /**
   * Sets {@code caBundle} (base64 PEM) on every webhook of the configurations that exist. A
   * configuration not (yet) created is skipped: its creator is expected to include the bundle.
   *
   * @return how many configurations were changed
   */
  public int inject(String caBundleBase64) {
    int changed = 0;
    for (String name : validatingConfigurations) {
      changed += injectValidating(name, caBundleBase64) ? 1 : 0;
    }
    for (String name : mutatingConfigurations) {
      changed += injectMutating(name, caBundleBase64) ? 1 : 0;
    }
    return changed;
  }

  private boolean injectValidating(String name, String bundle) {
    var resource =
        client.admissionRegistration().v1().validatingWebhookConfigurations().withName(name);
    ValidatingWebhookConfiguration existing = resource.get();
    if (existing == null) {
      LOG.info("caBundle: ValidatingWebhookConfiguration {} not found, skipped", name);
      return false;
    }
    if (existing.getWebhooks().stream()
        .allMatch(w -> bundle.equals(bundleOf(w.getClientConfig())))) {
      return false;
    }
    try {
      resource.edit(
          cfg -> {
            for (ValidatingWebhook webhook : cfg.getWebhooks()) {
              clientConfig(webhook.getClientConfig(), webhook::setClientConfig).setCaBundle(bundle);
            }
            return cfg;
          });
    } catch (KubernetesClientException e) {
      throw new KubernetesClientException(
          "cannot write caBundle of ValidatingWebhookConfiguration " + name, e);
    }
    LOG.info("caBundle: ValidatingWebhookConfiguration {} updated", name);
    return true;
  }

  private boolean injectMutating(String name, String bundle) {
    var resource =
        client.admissionRegistration().v1().mutatingWebhookConfigurations().withName(name);
    MutatingWebhookConfiguration existing = resource.get();
    if (existing == null) {
      LOG.info("caBundle: MutatingWebhookConfiguration {} not found, skipped", name);
      return false;
    }
    if (existing.getWebhooks().stream()
        .allMatch(w -> bundle.equals(bundleOf(w.getClientConfig())))) {
      return false;
    }
    try {
      resource.edit(
          cfg -> {
            for (MutatingWebhook webhook : cfg.getWebhooks()) {
              clientConfig(webhook.getClientConfig(), webhook::setClientConfig).setCaBundle(bundle);
            }
            return cfg;
          });
    } catch (KubernetesClientException e) {
      throw new KubernetesClientException(
          "cannot write caBundle of MutatingWebhookConfiguration " + name, e);
    }
    LOG.info("caBundle: MutatingWebhookConfiguration {} updated", name);
    return true;
  }

  private static String bundleOf(WebhookClientConfig config) {
    return config == null ? null : config.getCaBundle();
  }

  private static WebhookClientConfig clientConfig(
      WebhookClientConfig config, java.util.function.Consumer<WebhookClientConfig> setter) {
    if (config != null) {
      return config;
    }
    WebhookClientConfig created = new WebhookClientConfig();
    setter.accept(created);
    return Objects.requireNonNull(created);
  }
}
