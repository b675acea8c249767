package dev.paddock.webhook.registration;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.RuleWithOperations;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.RuleWithOperationsBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.WebhookClientConfig;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.WebhookClientConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Paddock's ValidatingWebhookConfiguration and MutatingWebhookConfiguration: built here (and
 * applied, for local runs and end-to-end tests), the same shape as {@code deploy/webhook/}.
 *
 * <pre>{@code
 * WebhookRegistration registration = WebhookRegistration.forUrl(server.localUri().toString())
 *     .withCaBundle(server.tlsMaterial().caBundleBase64());
 * registration.apply(client);
 * }</pre>
 *
 * <p>Sandbox kinds (and the warm pool's {@code scale} subresource, so that {@code kubectl scale}
 * cannot bypass a replica limit) go to {@code /validate} and {@code /mutate}; Paddock's own policy
 * kinds go to {@code /validate}, which rejects a policy that does not compile. Namespaces {@code
 * kube-system} and Paddock's own are excluded, so that the webhook can never block its own
 * recovery.
 */
public final class WebhookRegistration {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookRegistration.class);
  public static final String VALIDATING_NAME = "paddock-validating";
  public static final String MUTATING_NAME = "paddock-mutating";
  public static final String SANDBOX_GROUP = "agents.x-k8s.io";
  public static final String EXTENSIONS_GROUP = "extensions.agents.x-k8s.io";
  public static final String POLICY_GROUP = "policy.paddock.dev";

  private final String serviceNamespace;
  private final String serviceName;
  private final int servicePort;
  private final String url;
  private final String caBundle;
  private final String failurePolicy;
  private final int timeoutSeconds;
  private final List<String> excludedNamespaces;

  private WebhookRegistration(
      String serviceNamespace,
      String serviceName,
      int servicePort,
      String url,
      String caBundle,
      String failurePolicy,
      int timeoutSeconds,
      List<String> excludedNamespaces) {
    if (!"Fail".equals(failurePolicy) && !"Ignore".equals(failurePolicy)) {
      throw new IllegalArgumentException("failurePolicy must be Fail or Ignore");
    }
    if (timeoutSeconds < 1 || timeoutSeconds > 30) {
      throw new IllegalArgumentException("timeoutSeconds must be between 1 and 30");
    }
    this.serviceNamespace = serviceNamespace;
    this.serviceName = serviceName;
    this.servicePort = servicePort;
    this.url = url;
    this.caBundle = caBundle;
    this.failurePolicy = failurePolicy;
    this.timeoutSeconds = timeoutSeconds;
    this.excludedNamespaces = List.copyOf(new LinkedHashSet<>(excludedNamespaces));
  }

  /** In-cluster: the API server calls the Service {@code name} in {@code namespace}. */
  public static WebhookRegistration forService(String namespace, String name, int port) {
    return new WebhookRegistration(
        namespace, name, port, null, null, "Fail", 10, List.of("kube-system", namespace));
  }

  /**
   * Local runs: the API server calls {@code baseUrl} (e.g. {@code https://127.0.0.1:8443}); the
   * webhook's own namespace defaults to {@code paddock-system} for the exclusion.
   */
  public static WebhookRegistration forUrl(String baseUrl) {
    String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    if (!base.startsWith("https://")) {
      throw new IllegalArgumentException("a webhook URL must be https://, got " + baseUrl);
    }
    return new WebhookRegistration(
        null, null, 0, base, null, "Fail", 10, List.of("kube-system", "paddock-system"));
  }

  /** The base64 PEM CA bundle the API server verifies the serving certificate with. */
  public WebhookRegistration withCaBundle(String caBundleBase64) {
    return new WebhookRegistration(
        serviceNamespace,
        serviceName,
        servicePort,
        url,
        caBundleBase64,
        failurePolicy,
        timeoutSeconds,
        excludedNamespaces);
  }

  /** {@code Fail} (default: a webhook outage blocks changes) or {@code Ignore}. */
  public WebhookRegistration withFailurePolicy(String policy, int timeout) {
    return new WebhookRegistration(
        serviceNamespace,
        serviceName,
        servicePort,
        url,
        caBundle,
        policy,
        timeout,
        excludedNamespaces);
  }

  /** Namespaces never sent to the webhook (in addition to kube-system). */
  public WebhookRegistration withExcludedNamespaces(List<String> namespaces) {
    List<String> all = new ArrayList<>(List.of("kube-system"));
    all.addAll(namespaces);
    return new WebhookRegistration(
        serviceNamespace,
        serviceName,
        servicePort,
        url,
        caBundle,
        failurePolicy,
        timeoutSeconds,
        all);
  }

  public ValidatingWebhookConfiguration validating() {
    ValidatingWebhook sandboxes =
        new ValidatingWebhookBuilder()
            .withName("sandboxes.validate.paddock.dev")
            .withClientConfig(clientConfig("/validate"))
            .withRules(sandboxRules(List.of("CREATE", "UPDATE", "DELETE")))
            .withNamespaceSelector(namespaceSelector())
            .withFailurePolicy(failurePolicy)
            .withMatchPolicy("Equivalent")
            .withSideEffects("None")
            .withTimeoutSeconds(timeoutSeconds)
            .withAdmissionReviewVersions("v1")
            .build();
    ValidatingWebhook policies =
        new ValidatingWebhookBuilder()
            .withName("policies.validate.paddock.dev")
            .withClientConfig(clientConfig("/validate"))
            .withRules(
                new RuleWithOperationsBuilder()
                    .withApiGroups(POLICY_GROUP)
                    .withApiVersions("*")
                    .withResources("sandboxpolicies", "tenantprofiles")
                    .withOperations("CREATE", "UPDATE")
                    .withScope("Cluster")
                    .build())
            // a policy that does not compile must never be stored: always Fail here
            .withFailurePolicy("Fail")
            .withMatchPolicy("Equivalent")
            .withSideEffects("None")
            .withTimeoutSeconds(timeoutSeconds)
            .withAdmissionReviewVersions("v1")
            .build();
    return new ValidatingWebhookConfigurationBuilder()
        .withMetadata(metadata(VALIDATING_NAME))
        .withWebhooks(sandboxes, policies)
        .build();
  }

  public MutatingWebhookConfiguration mutating() {
    MutatingWebhook sandboxes =
        new MutatingWebhookBuilder()
            .withName("sandboxes.mutate.paddock.dev")
            .withClientConfig(clientConfig("/mutate"))
            .withRules(sandboxRules(List.of("CREATE", "UPDATE")))
            .withNamespaceSelector(namespaceSelector())
            .withFailurePolicy(failurePolicy)
            .withMatchPolicy("Equivalent")
            .withSideEffects("None")
            .withTimeoutSeconds(timeoutSeconds)
            .withAdmissionReviewVersions("v1")
            // another mutating webhook may change what a policy injects: look again then
            .withReinvocationPolicy("IfNeeded")
            .build();
    return new MutatingWebhookConfigurationBuilder()
        .withMetadata(metadata(MUTATING_NAME))
        .withWebhooks(sandboxes)
        .build();
  }

  /** Creates both configurations, or replaces them when they exist. */
  public void apply(KubernetesClient client) {
    var validatingApi = client.admissionRegistration().v1().validatingWebhookConfigurations();
    ValidatingWebhookConfiguration validating = validating();
    ValidatingWebhookConfiguration existingValidating =
        validatingApi.withName(VALIDATING_NAME).get();
    if (existingValidating == null) {
      validatingApi.resource(validating).create();
    } else {
      validating
          .getMetadata()
          .setResourceVersion(existingValidating.getMetadata().getResourceVersion());
      validatingApi.resource(validating).update();
    }
    var mutatingApi = client.admissionRegistration().v1().mutatingWebhookConfigurations();
    MutatingWebhookConfiguration mutating = mutating();
    MutatingWebhookConfiguration existingMutating = mutatingApi.withName(MUTATING_NAME).get();
    if (existingMutating == null) {
      mutatingApi.resource(mutating).create();
    } else {
      mutating
          .getMetadata()
          .setResourceVersion(existingMutating.getMetadata().getResourceVersion());
      mutatingApi.resource(mutating).update();
    }
    LOG.info(
        "webhook: registered {} and {} ({})",
        VALIDATING_NAME,
        MUTATING_NAME,
        url != null ? url : serviceNamespace + "/" + serviceName);
  }

  /** Removes both configurations (for tests and {@code paddock down}). */
  public static void delete(KubernetesClient client) {
    client
        .admissionRegistration()
        .v1()
        .validatingWebhookConfigurations()
        .withName(VALIDATING_NAME)
        .delete();
    client
        .admissionRegistration()
        .v1()
        .mutatingWebhookConfigurations()
        .withName(MUTATING_NAME)
        .delete();
  }

  private List<RuleWithOperations> sandboxRules(List<String> operations) {
    return List.of(
        new RuleWithOperationsBuilder()
            .withApiGroups(SANDBOX_GROUP)
            .withApiVersions("*")
            .withResources("sandboxes")
            .withOperations(operations)
            .withScope("Namespaced")
            .build(),
        new RuleWithOperationsBuilder()
            .withApiGroups(EXTENSIONS_GROUP)
            .withApiVersions("*")
            .withResources(
                "sandboxtemplates", "sandboxclaims", "sandboxwarmpools", "sandboxwarmpools/scale")
            .withOperations(operations)
            .withScope("Namespaced")
            .build());
  }

  private LabelSelector namespaceSelector() {
    return new LabelSelectorBuilder()
        .addNewMatchExpression()
        .withKey("kubernetes.io/metadata.name")
        .withOperator("NotIn")
        .withValues(excludedNamespaces.stream().filter(Objects::nonNull).toList())
        .endMatchExpression()
        .build();
  }

  private WebhookClientConfig clientConfig(String path) {
    WebhookClientConfigBuilder config = new WebhookClientConfigBuilder();
    if (url != null) {
      config.withUrl(url + path);
    } else {
      config
          .withNewService()
          .withNamespace(serviceNamespace)
          .withName(serviceName)
          .withPort(servicePort)
          .withPath(path)
          .endService();
    }
    if (caBundle != null) {
      config.withCaBundle(caBundle);
    }
    return config.build();
  }

  private static ObjectMeta metadata(String name) {
    return new ObjectMetaBuilder()
        .withName(name)
        .addToLabels("app.kubernetes.io/name", "paddock")
        .addToLabels("app.kubernetes.io/component", "webhook")
        .build();
  }
}
