package dev.paddock.certs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class CertificateCheckTest {
  private static final Instant ISSUED = Instant.parse("2026-01-01T00:00:00Z");
  private static final SubjectAltNames NAMES =
      SubjectAltNames.forService("webhook", "paddock-system", "cluster.local");
  private static final Duration RENEW_BEFORE = Duration.ofDays(30);

  private final TlsMaterial material =
      new CertificateIssuer(Clock.fixed(ISSUED, ZoneOffset.UTC))
          .issue("webhook", NAMES, Duration.ofDays(90), List.of());

  @Test
  void freshCertificateIsKept() {
    var verdict =
        CertificateCheck.evaluate(material, NAMES, ISSUED.plus(Duration.ofDays(1)), RENEW_BEFORE);

    assertThat(verdict.renew()).isFalse();
  }

  @Test
  void certificateInsideTheRenewalWindowIsRenewed() {
    var justBefore =
        CertificateCheck.evaluate(material, NAMES, ISSUED.plus(Duration.ofDays(59)), RENEW_BEFORE);
    var inside =
        CertificateCheck.evaluate(material, NAMES, ISSUED.plus(Duration.ofDays(61)), RENEW_BEFORE);

    assertThat(justBefore.renew()).isFalse();
    assertThat(inside.renew()).isTrue();
    assertThat(inside.reason()).contains("renewal window");
  }

  @Test
  void expiredCertificateIsRenewed() {
    var verdict =
        CertificateCheck.evaluate(material, NAMES, ISSUED.plus(Duration.ofDays(91)), Duration.ZERO);

    assertThat(verdict.renew()).isTrue();
    assertThat(verdict.reason()).contains("expired");
  }

  @Test
  void missingCertificateIsIssued() {
    assertThat(CertificateCheck.evaluate(null, NAMES, ISSUED, RENEW_BEFORE).renew()).isTrue();
  }

  @Test
  void certificateLackingARequiredNameIsRenewed() {
    SubjectAltNames wider = NAMES.with(List.of("127.0.0.1"));

    var verdict =
        CertificateCheck.evaluate(material, wider, ISSUED.plus(Duration.ofDays(1)), RENEW_BEFORE);

    assertThat(verdict.renew()).isTrue();
    assertThat(verdict.reason()).contains("lack");
  }

  @Test
  void namesAreComparedCaseInsensitivelyAndIpsCanonically() {
    TlsMaterial v6 =
        new CertificateIssuer(Clock.fixed(ISSUED, ZoneOffset.UTC))
            .issue("w", SubjectAltNames.loopback(), Duration.ofDays(90), List.of());
    SubjectAltNames required =
        new SubjectAltNames(List.of("LOCALHOST"), List.of("0:0:0:0:0:0:0:1"));

    assertThat(CertificateCheck.evaluate(v6, required, ISSUED, RENEW_BEFORE).renew()).isFalse();
  }

  @Test
  void keyOfAnotherCertificateIsRenewed() {
    TlsMaterial other =
        new CertificateIssuer(Clock.fixed(ISSUED, ZoneOffset.UTC))
            .issue("webhook", NAMES, Duration.ofDays(90), List.of());
    TlsMaterial mixed =
        new TlsMaterial(material.certificate(), other.privateKey(), material.caCertificates());

    var verdict =
        CertificateCheck.evaluate(mixed, NAMES, ISSUED.plus(Duration.ofDays(1)), RENEW_BEFORE);

    assertThat(verdict.renew()).isTrue();
    assertThat(verdict.reason()).contains("private key");
  }

  @Test
  void certificateNotSignedByTheBundlesCaIsRenewed() {
    TlsMaterial other =
        new CertificateIssuer(Clock.fixed(ISSUED, ZoneOffset.UTC))
            .issue("webhook", NAMES, Duration.ofDays(90), List.of());
    TlsMaterial foreignCa =
        new TlsMaterial(material.certificate(), material.privateKey(), other.caCertificates());

    var verdict =
        CertificateCheck.evaluate(foreignCa, NAMES, ISSUED.plus(Duration.ofDays(1)), RENEW_BEFORE);

    assertThat(verdict.renew()).isTrue();
    assertThat(verdict.reason()).contains("CA");
  }
}
