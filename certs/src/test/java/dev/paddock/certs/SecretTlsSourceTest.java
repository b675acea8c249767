package dev.paddock.certs;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class SecretTlsSourceTest {
  private static final String NS = "paddock-system";
  private static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");

  KubernetesClient client;

  private final MutableClock clock = new MutableClock(T0);
  private final ManagedCertificateSettings settings =
      ManagedCertificateSettings.forService("paddock-webhook", NS)
          .withValidity(Duration.ofDays(90), Duration.ofDays(30));
  private CaBundleInjector injector;

  @BeforeEach
  void webhookConfigurations() {
    client
        .admissionRegistration()
        .v1()
        .validatingWebhookConfigurations()
        .resource(
            new ValidatingWebhookConfigurationBuilder()
                .withNewMetadata()
                .withName("paddock-validating")
                .endMetadata()
                .addNewWebhook()
                .withName("validate.paddock.dev")
                .withNewClientConfig()
                .withNewService()
                .withName("paddock-webhook")
                .withNamespace(NS)
                .withPath("/validate")
                .endService()
                .endClientConfig()
                .endWebhook()
                .addNewWebhook()
                .withName("validate-policy.paddock.dev")
                .withNewClientConfig()
                .withNewService()
                .withName("paddock-webhook")
                .withNamespace(NS)
                .withPath("/validate")
                .endService()
                .endClientConfig()
                .endWebhook()
                .build())
        .create();
    client
        .admissionRegistration()
        .v1()
        .mutatingWebhookConfigurations()
        .resource(
            new MutatingWebhookConfigurationBuilder()
                .withNewMetadata()
                .withName("paddock-mutating")
                .endMetadata()
                .addNewWebhook()
                .withName("mutate.paddock.dev")
                .withNewClientConfig()
                .withNewService()
                .withName("paddock-webhook")
                .withNamespace(NS)
                .withPath("/mutate")
                .endService()
                .endClientConfig()
                .endWebhook()
                .build())
        .create();
    injector =
        new CaBundleInjector(client, List.of("paddock-validating"), List.of("paddock-mutating"));
  }

  @Test
  void missingSecretIsCreatedAsATlsSecretWithTheCaAndTheBundleIsInjected() {
    SecretTlsSource source = new SecretTlsSource(client, settings, injector, clock);
    source.start();
    source.close();

    Secret secret = secret();
    assertThat(secret.getType()).isEqualTo("kubernetes.io/tls");
    assertThat(secret.getData()).containsOnlyKeys("tls.crt", "tls.key", "ca.crt");
    TlsMaterial stored = stored(secret);
    assertThat(stored.sameAs(source.current())).isTrue();
    assertThat(CertificateCheck.sansOf(stored.certificate()).dnsNames())
        .contains("paddock-webhook.paddock-system.svc");
    assertThat(validatingBundles()).containsOnly(source.current().caBundleBase64()).hasSize(2);
    assertThat(mutatingBundles()).containsExactly(source.current().caBundleBase64());
  }

  @Test
  void validSecretIsReusedAcrossRestarts() {
    SecretTlsSource first = new SecretTlsSource(client, settings, injector, clock);
    first.start();
    first.close();
    String resourceVersion = secret().getMetadata().getResourceVersion();

    clock.advance(Duration.ofDays(10));
    SecretTlsSource second = new SecretTlsSource(client, settings, injector, clock);
    second.start();
    second.close();

    assertThat(second.current().sameAs(first.current())).isTrue();
    assertThat(secret().getMetadata().getResourceVersion()).isEqualTo(resourceVersion);
  }

  @Test
  void certificateIsRenewedInsideTheWindowAndListenersAndWebhooksGetTheNewBundle() {
    SecretTlsSource source = new SecretTlsSource(client, settings, injector, clock);
    source.start();
    source.close();
    TlsMaterial original = source.current();
    List<TlsMaterial> published = new ArrayList<>();
    source.onRotation(published::add);

    clock.advance(Duration.ofDays(59));
    source.check();
    assertThat(published).isEmpty();

    clock.advance(Duration.ofDays(2));
    source.check();

    assertThat(published).hasSize(1);
    TlsMaterial renewed = published.get(0);
    assertThat(renewed.sameAs(original)).isFalse();
    assertThat(renewed.certificate().getNotAfter().toInstant())
        .isEqualTo(T0.plus(Duration.ofDays(61 + 90)));
    assertThat(renewed.caCertificates())
        .as("new CA first, the old one kept while replicas roll over")
        .containsExactly(renewed.caCertificates().get(0), original.caCertificates().get(0));
    assertThat(stored(secret()).sameAs(renewed)).isTrue();
    assertThat(validatingBundles()).containsOnly(renewed.caBundleBase64());
    assertThat(mutatingBundles()).containsOnly(renewed.caBundleBase64());
  }

  @Test
  void unusableSecretIsReplaced() {
    client
        .secrets()
        .inNamespace(NS)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(settings.secretName())
                .withNamespace(NS)
                .endMetadata()
                .withType("kubernetes.io/tls")
                .withData(Map.of("tls.crt", b64("garbage"), "tls.key", b64("garbage")))
                .build())
        .create();

    SecretTlsSource source = new SecretTlsSource(client, settings, injector, clock);
    source.start();
    source.close();

    assertThat(stored(secret()).sameAs(source.current())).isTrue();
  }

  @Test
  void caBundleResetByAGitOpsSyncIsRepairedOnTheNextCheck() {
    SecretTlsSource source = new SecretTlsSource(client, settings, injector, clock);
    source.start();
    source.close();
    client
        .admissionRegistration()
        .v1()
        .mutatingWebhookConfigurations()
        .withName("paddock-mutating")
        .edit(
            c -> {
              c.getWebhooks().get(0).getClientConfig().setCaBundle(null);
              return c;
            });

    source.check();

    assertThat(mutatingBundles()).containsExactly(source.current().caBundleBase64());
  }

  @Test
  void secondReplicaAdoptsTheCertificateTheFirstStored() {
    SecretTlsSource first = new SecretTlsSource(client, settings, injector, clock);
    SecretTlsSource second = new SecretTlsSource(client, settings, injector, clock);
    first.start();
    first.close();

    TlsMaterial adopted = second.reconcile();

    assertThat(adopted.sameAs(first.current())).isTrue();
  }

  @Test
  void missingWebhookConfigurationsAreSkipped() {
    CaBundleInjector absent = new CaBundleInjector(client, List.of("nope"), List.of("nope-either"));

    assertThat(absent.inject("Zm9v")).isZero();
  }

  private Secret secret() {
    return client.secrets().inNamespace(NS).withName(settings.secretName()).get();
  }

  private static TlsMaterial stored(Secret secret) {
    return TlsMaterial.fromPem(
        unb64(secret.getData().get("tls.crt")),
        unb64(secret.getData().get("tls.key")),
        unb64(secret.getData().get("ca.crt")));
  }

  private List<String> validatingBundles() {
    ValidatingWebhookConfiguration cfg =
        client
            .admissionRegistration()
            .v1()
            .validatingWebhookConfigurations()
            .withName("paddock-validating")
            .get();
    return cfg.getWebhooks().stream().map(w -> w.getClientConfig().getCaBundle()).toList();
  }

  private List<String> mutatingBundles() {
    MutatingWebhookConfiguration cfg =
        client
            .admissionRegistration()
            .v1()
            .mutatingWebhookConfigurations()
            .withName("paddock-mutating")
            .get();
    return cfg.getWebhooks().stream().map(w -> w.getClientConfig().getCaBundle()).toList();
  }

  private static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String unb64(String text) {
    return new String(Base64.getDecoder().decode(text), StandardCharsets.UTF_8);
  }

  static final class MutableClock extends Clock {
    private volatile Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
