package dev.paddock.certs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class CertificateIssuerTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private final CertificateIssuer issuer = new CertificateIssuer(Clock.fixed(NOW, ZoneOffset.UTC));

  @Test
  void servingCertificateCarriesEveryNameOfTheServiceAndTheExtraOnes() throws Exception {
    SubjectAltNames names =
        SubjectAltNames.forService("paddock-webhook", "paddock-system", "cluster.local")
            .with(List.of("127.0.0.1", "webhook.example.test"));

    TlsMaterial material = issuer.issue("paddock-webhook", names, Duration.ofDays(90), List.of());

    X509Certificate leaf = material.certificate();
    assertThat(CertificateCheck.sansOf(leaf).dnsNames())
        .containsExactly(
            "paddock-webhook",
            "paddock-webhook.paddock-system",
            "paddock-webhook.paddock-system.svc",
            "paddock-webhook.paddock-system.svc.cluster.local",
            "webhook.example.test");
    assertThat(CertificateCheck.sansOf(leaf).ipAddresses()).containsExactly("127.0.0.1");
    assertThat(leaf.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
    assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
    leaf.verify(material.caCertificates().get(0).getPublicKey());
  }

  @Test
  void caIsACertificateAuthorityValidForTheSamePeriod() {
    TlsMaterial material =
        issuer.issue("svc", SubjectAltNames.loopback(), Duration.ofDays(30), List.of());

    X509Certificate ca = material.caCertificates().get(0);
    assertThat(ca.getBasicConstraints()).isGreaterThanOrEqualTo(0);
    assertThat(ca.getKeyUsage()[5]).as("keyCertSign").isTrue();
    assertThat(material.certificate().getNotAfter().toInstant())
        .isEqualTo(NOW.plus(Duration.ofDays(30)));
    assertThat(material.certificate().getNotBefore().toInstant()).isBefore(NOW);
    assertThat(material.certificate().getIssuerX500Principal())
        .isEqualTo(ca.getSubjectX500Principal());
  }

  @Test
  void renewalKeepsThePreviousUnexpiredCaInTheBundleAfterTheNewOne() {
    TlsMaterial first =
        issuer.issue("svc", SubjectAltNames.loopback(), Duration.ofDays(30), List.of());
    TlsMaterial second =
        issuer.issue(
            "svc", SubjectAltNames.loopback(), Duration.ofDays(30), first.caCertificates());

    assertThat(second.caCertificates()).hasSize(2);
    assertThat(second.caCertificates().get(1)).isEqualTo(first.caCertificates().get(0));
    assertThat(second.caCertificates().get(0)).isNotEqualTo(first.caCertificates().get(0));
  }

  @Test
  void expiredPreviousCaIsDroppedFromTheBundle() {
    TlsMaterial old =
        new CertificateIssuer(Clock.fixed(NOW.minus(Duration.ofDays(60)), ZoneOffset.UTC))
            .issue("svc", SubjectAltNames.loopback(), Duration.ofDays(30), List.of());

    TlsMaterial renewed =
        issuer.issue("svc", SubjectAltNames.loopback(), Duration.ofDays(30), old.caCertificates());

    assertThat(renewed.caCertificates()).hasSize(1);
  }

  @Test
  void pemRoundTripGivesTheSameMaterial() {
    TlsMaterial material =
        issuer.issue("svc", SubjectAltNames.loopback(), Duration.ofDays(30), List.of());

    TlsMaterial read =
        TlsMaterial.fromPem(
            material.certificatePem(), material.privateKeyPem(), material.caBundlePem());

    assertThat(read.sameAs(material)).isTrue();
    assertThat(read.privateKey().getEncoded()).isEqualTo(material.privateKey().getEncoded());
    assertThat(material.privateKeyPem()).startsWith("-----BEGIN PRIVATE KEY-----");
  }

  @Test
  void garbagePemIsRejectedWithAReason() {
    assertThatThrownBy(() -> TlsMaterial.fromPem("not a pem", "nor this", "x"))
        .isInstanceOf(InvalidTlsMaterialException.class)
        .hasMessageContaining("certificate");
    TlsMaterial material =
        issuer.issue("svc", SubjectAltNames.loopback(), Duration.ofDays(30), List.of());
    assertThatThrownBy(
            () ->
                TlsMaterial.fromPem(
                    material.certificatePem(), material.certificatePem(), material.caBundlePem()))
        .isInstanceOf(InvalidTlsMaterialException.class)
        .hasMessageContaining("PRIVATE KEY");
  }

  @Test
  void serviceNamesRequireServiceAndNamespace() {
    assertThatThrownBy(() -> SubjectAltNames.forService("", "ns", "cluster.local"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(SubjectAltNames.forService("a", "b", null).dnsNames())
        .containsExactly("a", "a.b", "a.b.svc");
  }
}
