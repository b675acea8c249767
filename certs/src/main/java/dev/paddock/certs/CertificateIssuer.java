package dev.paddock.certs;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Issues a fresh CA and a serving certificate signed by it, with ECDSA P-256 keys (fast to make,
 * small handshakes, accepted by the API server and every TLS client).
 *
 * <p>The CA's private key is used once and then dropped: a renewal issues a new CA too, and the CA
 * bundle carries the old CA alongside until every replica serves the new certificate. So no CA key
 * is ever stored in the cluster.
 */
public final class CertificateIssuer {
  /** Validity is back-dated a little so that a client whose clock lags still accepts it. */
  static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

  private static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  public CertificateIssuer(Clock clock) {
    this.clock = clock;
  }

  public CertificateIssuer() {
    this(Clock.systemUTC());
  }

  /**
   * A new CA and a serving certificate for {@code names}, both valid for {@code validity}.
   *
   * @param commonName the subject CN of the serving certificate (the CA's is derived from it)
   * @param names the serving certificate's SANs
   * @param previousCas CAs to keep in the bundle after the new one (for a rolling rotation)
   */
  public TlsMaterial issue(
      String commonName,
      SubjectAltNames names,
      Duration validity,
      List<X509Certificate> previousCas) {
    if (validity.isNegative() || validity.isZero()) {
      throw new IllegalArgumentException("validity must be positive");
    }
    try {
      Instant now = clock.instant();
      Date notBefore = Date.from(now.minus(CLOCK_SKEW));
      Date notAfter = Date.from(now.plus(validity));
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();

      KeyPair caKeys = newKeyPair();
      X500Name caName = name("paddock-ca-" + now.getEpochSecond() + " for " + commonName);
      X509v3CertificateBuilder ca =
          new JcaX509v3CertificateBuilder(
              caName, serial(), notBefore, notAfter, caName, caKeys.getPublic());
      ca.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      ca.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      ca.addExtension(
          Extension.subjectKeyIdentifier,
          false,
          extensions.createSubjectKeyIdentifier(caKeys.getPublic()));
      X509Certificate caCertificate = sign(ca, caKeys);

      KeyPair leafKeys = newKeyPair();
      X509v3CertificateBuilder leaf =
          new JcaX509v3CertificateBuilder(
              caCertificate, serial(), notBefore, notAfter, name(commonName), leafKeys.getPublic());
      leaf.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      leaf.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      leaf.addExtension(
          Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
      leaf.addExtension(Extension.subjectAlternativeName, false, generalNames(names));
      leaf.addExtension(
          Extension.subjectKeyIdentifier,
          false,
          extensions.createSubjectKeyIdentifier(leafKeys.getPublic()));
      leaf.addExtension(
          Extension.authorityKeyIdentifier,
          false,
          extensions.createAuthorityKeyIdentifier(caCertificate));
      X509Certificate leafCertificate = sign(leaf, caKeys);

      List<X509Certificate> bundle = new ArrayList<>();
      bundle.add(caCertificate);
      for (X509Certificate previous : previousCas) {
        if (previous.getNotAfter().toInstant().isAfter(now)) {
          bundle.add(previous);
        }
      }
      return new TlsMaterial(leafCertificate, leafKeys.getPrivate(), bundle);
    } catch (GeneralSecurityException | OperatorCreationException | CertIOException e) {
      throw new IllegalStateException("cannot issue a certificate: " + e.getMessage(), e);
    }
  }

  private X509Certificate sign(X509v3CertificateBuilder builder, KeyPair signer)
      throws OperatorCreationException, GeneralSecurityException {
    ContentSigner contentSigner =
        new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).build(signer.getPrivate());
    return new JcaX509CertificateConverter().getCertificate(builder.build(contentSigner));
  }

  private KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"), random);
    return generator.generateKeyPair();
  }

  private BigInteger serial() {
    return new BigInteger(127, random).add(BigInteger.ONE);
  }

  private static X500Name name(String commonName) {
    String cn = commonName.length() > 64 ? commonName.substring(0, 64) : commonName;
    return new X500NameBuilder(BCStyle.INSTANCE)
        .addRDN(BCStyle.O, "Paddock")
        .addRDN(BCStyle.CN, cn)
        .build();
  }

  private static GeneralNames generalNames(SubjectAltNames names) {
    List<GeneralName> all = new ArrayList<>();
    for (String dns : names.dnsNames()) {
      all.add(new GeneralName(GeneralName.dNSName, dns));
    }
    for (String ip : names.ipAddresses()) {
      all.add(new GeneralName(GeneralName.iPAddress, new DEROctetString(IpLiterals.bytes(ip))));
    }
    return new GeneralNames(all.toArray(GeneralName[]::new));
  }
}
