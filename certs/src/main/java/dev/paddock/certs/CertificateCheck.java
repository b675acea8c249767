package dev.paddock.certs;

import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Decides whether stored TLS material can keep serving or must be (re)issued. */
public final class CertificateCheck {
  private CertificateCheck() {}

  /** The outcome: keep the material, or renew it and why. */
  public record Verdict(boolean renew, String reason) {
    static Verdict keep() {
      return new Verdict(false, "valid");
    }

    static Verdict renew(String reason) {
      return new Verdict(true, reason);
    }
  }

  /**
   * Whether {@code material} can keep serving at {@code now}: it must be inside its validity and
   * more than {@code renewBefore} away from expiry (for the leaf and its CA), carry every name of
   * {@code required}, have a private key that matches the certificate and be signed by the first CA
   * of the bundle.
   */
  public static Verdict evaluate(
      TlsMaterial material, SubjectAltNames required, Instant now, Duration renewBefore) {
    if (material == null) {
      return Verdict.renew("no certificate yet");
    }
    X509Certificate leaf = material.certificate();
    X509Certificate ca = material.caCertificates().get(0);
    if (now.isBefore(leaf.getNotBefore().toInstant())) {
      return Verdict.renew("certificate is not valid before " + leaf.getNotBefore().toInstant());
    }
    for (X509Certificate certificate : List.of(leaf, ca)) {
      Instant notAfter = certificate.getNotAfter().toInstant();
      if (!now.isBefore(notAfter)) {
        return Verdict.renew(describe(certificate, leaf) + " expired at " + notAfter);
      }
      if (!now.plus(renewBefore).isBefore(notAfter)) {
        return Verdict.renew(
            describe(certificate, leaf)
                + " expires at "
                + notAfter
                + ", within the renewal window of "
                + renewBefore);
      }
    }
    try {
      leaf.verify(ca.getPublicKey());
    } catch (GeneralSecurityException e) {
      return Verdict.renew("certificate is not signed by the bundle's first CA");
    }
    if (!keyMatches(material)) {
      return Verdict.renew("private key does not match the certificate");
    }
    SubjectAltNames present = sansOf(leaf);
    if (present == null || !required.coveredBy(present)) {
      return Verdict.renew(
          "certificate names "
              + (present == null ? "none" : present)
              + " lack some of "
              + required);
    }
    return Verdict.keep();
  }

  /** The SANs in a certificate, or null when it has none. */
  public static SubjectAltNames sansOf(X509Certificate certificate) {
    Collection<List<?>> entries;
    try {
      entries = certificate.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      return null;
    }
    if (entries == null) {
      return null;
    }
    List<String> dns = new ArrayList<>();
    List<String> ips = new ArrayList<>();
    for (List<?> entry : entries) {
      int type = (Integer) entry.get(0);
      if (type == 2) {
        dns.add((String) entry.get(1));
      } else if (type == 7) {
        ips.add((String) entry.get(1));
      }
    }
    return dns.isEmpty() && ips.isEmpty() ? null : new SubjectAltNames(dns, ips);
  }

  private static String describe(X509Certificate certificate, X509Certificate leaf) {
    return certificate == leaf ? "certificate" : "CA certificate";
  }

  /** Signs a probe with the private key and verifies it with the certificate's public key. */
  static boolean keyMatches(TlsMaterial material) {
    String algorithm =
        "EC".equals(material.privateKey().getAlgorithm()) ? "SHA256withECDSA" : "SHA256withRSA";
    try {
      byte[] probe = "paddock".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(material.privateKey());
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(material.certificate().getPublicKey());
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
