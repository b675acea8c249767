package dev.paddock.webhook;

import dev.paddock.certs.CaBundleInjector;
import dev.paddock.certs.DirectoryTlsSource;
import dev.paddock.certs.FixedTlsSource;
import dev.paddock.certs.ManagedCertificateSettings;
import dev.paddock.certs.SecretTlsSource;
import dev.paddock.certs.SubjectAltNames;
import dev.paddock.certs.TlsMaterialSource;
import dev.paddock.policies.PolicyCompiler;
import dev.paddock.webhook.policy.InformerPolicySource;
import dev.paddock.webhook.policy.PaddockObjectValidator;
import dev.paddock.webhook.policy.PolicyAdmissionHandler;
import dev.paddock.webhook.registration.WebhookRegistration;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The webhook as {@code paddock run} and end-to-end tests start it against a cluster: policies and
 * tenant profiles from informers, a certificate from one of three sources, and (optionally) the
 * webhook configurations registered with the API server.
 *
 * <pre>{@code
 * // in a cluster: the self-managed certificate in Secret paddock-webhook-tls
 * ClusterWebhook webhook = ClusterWebhook.builder(client)
 *     .managedCertificate(ManagedCertificateSettings.forService("paddock-webhook", "paddock-system"))
 *     .start();
 *
 * // on loopback, registered with a local kube-apiserver (end-to-end tests, paddock up)
 * ClusterWebhook webhook = ClusterWebhook.builder(client)
 *     .settings(WebhookServerSettings.defaults().withAddress("127.0.0.1", 0))
 *     .selfSigned(SubjectAltNames.loopback())
 *     .registerLocally()
 *     .start();
 * }</pre>
 */
public final class ClusterWebhook implements AutoCloseable {
  private final InformerPolicySource policies;
  private final WebhookServer server;
  private final WebhookRegistration registration;
  private final KubernetesClient client;

  private ClusterWebhook(
      InformerPolicySource policies,
      WebhookServer server,
      WebhookRegistration registration,
      KubernetesClient client) {
    this.policies = policies;
    this.server = server;
    this.registration = registration;
    this.client = client;
  }

  public static Builder builder(KubernetesClient client) {
    return new Builder(client);
  }

  public WebhookServer server() {
    return server;
  }

  /** The registration applied at start, or null when none was. */
  public WebhookRegistration registration() {
    return registration;
  }

  /** Stops serving; the webhook configurations stay (remove them with {@link #unregister()}). */
  @Override
  public void close() {
    server.close();
    policies.close();
  }

  /** Deletes the webhook configurations (local runs and tests). */
  public void unregister() {
    WebhookRegistration.delete(client);
  }

  /** Builds and starts a {@link ClusterWebhook}. */
  public static final class Builder {
    private final KubernetesClient client;
    private WebhookServerSettings settings = WebhookServerSettings.defaults();
    private TlsChoice tls;
    private WebhookRegistration registration;
    private boolean registerLocally;
    private PrometheusMeterRegistry registry;
    private Duration syncTimeout = Duration.ofSeconds(30);

    private interface TlsChoice {
      TlsMaterialSource create(KubernetesClient client, CaBundleInjector injector);
    }

    private Builder(KubernetesClient client) {
      this.client = Objects.requireNonNull(client);
    }

    public Builder settings(WebhookServerSettings value) {
      this.settings = value;
      return this;
    }

    /** A CA and certificate made in memory at start (local runs; register with a URL). */
    public Builder selfSigned(SubjectAltNames names) {
      this.tls = (c, injector) -> FixedTlsSource.selfSigned(names);
      return this;
    }

    /** The self-managed certificate in a Secret, renewed before expiry, caBundle injected. */
    public Builder managedCertificate(ManagedCertificateSettings certificate) {
      this.tls = (c, injector) -> new SecretTlsSource(c, certificate, injector, Clock.systemUTC());
      return this;
    }

    /**
     * Files from cert-manager (tls.crt, tls.key, ca.crt) in {@code directory}, re-read on change;
     * {@code injectCaBundle} when cert-manager's CA injector is not used.
     */
    public Builder certificateDirectory(Path directory, boolean injectCaBundle) {
      this.tls =
          (c, injector) ->
              new DirectoryTlsSource(
                  directory, Duration.ofSeconds(30), injectCaBundle ? injector : null);
      return this;
    }

    /** Applies these webhook configurations at start, with the served CA bundle. */
    public Builder register(WebhookRegistration value) {
      this.registration = value;
      return this;
    }

    /** Registers {@code https://127.0.0.1:<bound port>} (for a local API server). */
    public Builder registerLocally() {
      this.registerLocally = true;
      return this;
    }

    public Builder meterRegistry(PrometheusMeterRegistry value) {
      this.registry = value;
      return this;
    }

    /** How long to wait for the informers' first list (default 30 s). */
    public Builder syncTimeout(Duration value) {
      this.syncTimeout = value;
      return this;
    }

    public ClusterWebhook start() {
      if (tls == null) {
        throw new IllegalStateException(
            "choose a certificate: selfSigned, managedCertificate or certificateDirectory");
      }
      CaBundleInjector injector =
          new CaBundleInjector(
              client,
              List.of(WebhookRegistration.VALIDATING_NAME),
              List.of(WebhookRegistration.MUTATING_NAME));
      TlsMaterialSource source = tls.create(client, injector);
      PolicyCompiler compiler = new PolicyCompiler();
      InformerPolicySource policies = new InformerPolicySource(client, compiler);
      policies.start(syncTimeout);
      PolicyAdmissionHandler handler =
          new PolicyAdmissionHandler(
              policies.snapshot(),
              policies::ready,
              policies.namespaces(),
              new PaddockObjectValidator(compiler));
      WebhookServer server;
      try {
        server =
            WebhookServer.builder()
                .settings(settings)
                .tls(source)
                .handler(handler)
                .meterRegistry(registry)
                .start();
      } catch (RuntimeException e) {
        policies.close();
        throw e;
      }
      WebhookRegistration applied = registration;
      if (registerLocally) {
        applied = WebhookRegistration.forUrl(server.localUri().toString());
      }
      if (applied != null) {
        applied = applied.withCaBundle(server.tlsMaterial().caBundleBase64());
        try {
          applied.apply(client);
        } catch (RuntimeException e) {
          server.close();
          policies.close();
          throw e;
        }
        // later rotations go through the injector (Secret and directory sources)
        source.onRotation(material -> injector.inject(material.caBundleBase64()));
      }
      return new ClusterWebhook(policies, server, applied, client);
    }
  }
}
