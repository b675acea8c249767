package dev.paddock.certs;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Paddock's self-managed certificate: kept in a {@code kubernetes.io/tls} Secret (with {@code
 * ca.crt}), created when missing, reused while valid, renewed before it expires. Every replica runs
 * this; writes use optimistic locking, so when two replicas renew at once one wins and the other
 * adopts its result.
 *
 * <p>On renewal the CA bundle (new CA plus the previous one) is written to the webhook
 * configurations <em>before</em> the Secret, so the API server already trusts the new certificate
 * when any replica starts serving it.
 */
public final class SecretTlsSource implements TlsMaterialSource {
  private static final Logger LOG = LoggerFactory.getLogger(SecretTlsSource.class);
  static final String TLS_CRT = "tls.crt";
  static final String TLS_KEY = "tls.key";
  static final String CA_CRT = "ca.crt";

  private final KubernetesClient client;
  private final ManagedCertificateSettings settings;
  private final CaBundleInjector injector;
  private final Clock clock;
  private final CertificateIssuer issuer;
  private final List<Consumer<TlsMaterial>> listeners = new CopyOnWriteArrayList<>();
  private volatile TlsMaterial current;
  private ScheduledExecutorService scheduler;

  /**
   * @param injector writes the CA bundle into the webhook configurations; null to leave them alone
   */
  public SecretTlsSource(
      KubernetesClient client,
      ManagedCertificateSettings settings,
      CaBundleInjector injector,
      Clock clock) {
    this.client = client;
    this.settings = settings;
    this.injector = injector;
    this.clock = clock;
    this.issuer = new CertificateIssuer(clock);
  }

  @Override
  public TlsMaterial current() {
    TlsMaterial material = current;
    if (material == null) {
      throw new IllegalStateException("SecretTlsSource not started");
    }
    return material;
  }

  @Override
  public synchronized void start() {
    if (scheduler != null) {
      return;
    }
    current = reconcile();
    if (injector != null) {
      injector.inject(current.caBundleBase64());
    }
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "paddock-certificate-check");
              thread.setDaemon(true);
              return thread;
            });
    long interval = settings.checkInterval().toMillis();
    scheduler.scheduleWithFixedDelay(this::check, interval, interval, TimeUnit.MILLISECONDS);
  }

  @Override
  public void onRotation(Consumer<TlsMaterial> listener) {
    listeners.add(listener);
  }

  @Override
  public synchronized void close() {
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
  }

  /** One periodic check: re-read, renew when due, publish what changed. Never throws. */
  void check() {
    try {
      TlsMaterial next = reconcile();
      if (injector != null) {
        injector.inject(next.caBundleBase64());
      }
      if (!next.sameAs(current)) {
        current = next;
        LOG.info(
            "certificate: Secret {}/{} rotated, serving certificate valid until {}",
            settings.namespace(),
            settings.secretName(),
            next.certificate().getNotAfter().toInstant());
        for (Consumer<TlsMaterial> listener : listeners) {
          listener.accept(next);
        }
      }
    } catch (RuntimeException e) {
      LOG.warn(
          "certificate: check of Secret {}/{} failed, will retry: {}",
          settings.namespace(),
          settings.secretName(),
          e.toString());
    }
  }

  /**
   * Makes the Secret hold valid material and returns it: the stored material when it passes {@link
   * CertificateCheck}, otherwise freshly issued material.
   */
  public TlsMaterial reconcile() {
    for (int attempt = 0; attempt < 3; attempt++) {
      Secret secret = secrets().get();
      TlsMaterial stored = read(secret);
      CertificateCheck.Verdict verdict =
          CertificateCheck.evaluate(
              stored, settings.names(), clock.instant(), settings.renewBefore());
      if (!verdict.renew()) {
        return stored;
      }
      LOG.info(
          "certificate: issuing for Secret {}/{}: {}",
          settings.namespace(),
          settings.secretName(),
          verdict.reason());
      List<X509Certificate> previousCas = stored == null ? List.of() : stored.caCertificates();
      TlsMaterial issued =
          issuer.issue(
              settings.names().dnsNames().isEmpty()
                  ? settings.names().ipAddresses().get(0)
                  : settings.names().dnsNames().get(0),
              settings.names(),
              settings.validity(),
              previousCas.isEmpty() ? List.of() : List.of(previousCas.get(0)));
      if (injector != null && stored != null) {
        injector.inject(issued.caBundleBase64());
      }
      try {
        write(secret, issued);
        return issued;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
        LOG.info(
            "certificate: Secret {}/{} was written by another replica, re-reading",
            settings.namespace(),
            settings.secretName());
      }
    }
    throw new IllegalStateException(
        "certificate: Secret "
            + settings.namespace()
            + "/"
            + settings.secretName()
            + " kept changing under us");
  }

  private io.fabric8.kubernetes.client.dsl.Resource<Secret> secrets() {
    return client.secrets().inNamespace(settings.namespace()).withName(settings.secretName());
  }

  private TlsMaterial read(Secret secret) {
    if (secret == null || secret.getData() == null) {
      return null;
    }
    try {
      Map<String, String> data = secret.getData();
      return TlsMaterial.fromPem(
          decode(data.get(TLS_CRT)), decode(data.get(TLS_KEY)), decode(data.get(CA_CRT)));
    } catch (InvalidTlsMaterialException | IllegalArgumentException e) {
      LOG.warn(
          "certificate: Secret {}/{} holds unusable material, replacing it: {}",
          settings.namespace(),
          settings.secretName(),
          e.getMessage());
      return null;
    }
  }

  private void write(Secret existing, TlsMaterial material) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put(TLS_CRT, encode(material.certificatePem()));
    data.put(TLS_KEY, encode(material.privateKeyPem()));
    data.put(CA_CRT, encode(material.caBundlePem()));
    if (existing == null) {
      Secret secret =
          new SecretBuilder()
              .withMetadata(
                  new ObjectMetaBuilder()
                      .withName(settings.secretName())
                      .withNamespace(settings.namespace())
                      .addToLabels("app.kubernetes.io/managed-by", "paddock")
                      .addToLabels("app.kubernetes.io/component", "webhook")
                      .build())
              .withType("kubernetes.io/tls")
              .withData(data)
              .build();
      client.secrets().inNamespace(settings.namespace()).resource(secret).create();
      return;
    }
    if (!"kubernetes.io/tls".equals(existing.getType()) && existing.getType() != null) {
      // the type of a Secret is immutable: replace one that was created with another type
      secrets().withGracePeriod(0).delete();
      write(null, material);
      return;
    }
    Secret updated =
        new SecretBuilder(existing).withType("kubernetes.io/tls").withData(data).build();
    // resourceVersion is kept: a concurrent writer makes this fail with 409
    client.secrets().inNamespace(settings.namespace()).resource(updated).update();
  }

  private static String decode(String base64) {
    return base64 == null
        ? null
        : new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
  }

  private static String encode(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
