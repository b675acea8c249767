package dev.paddock.e2e.cluster;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
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
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The certificates of one local control plane: a cluster CA, the API server's serving certificate,
 * one client certificate per component, and the service-account signing key.
 *
 * <p>Everything is made fresh per control plane and lives only in its work dir; nothing here is
 * meant to protect anything beyond a loopback test cluster.
 */
final class ClusterPki {

  /** A key pair with its certificate, as PEM text. */
  record Credential(X509Certificate certificate, KeyPair keyPair) {
    String certificatePem() {
      return pem(certificate);
    }

    String privateKeyPem() {
      return pem(keyPair.getPrivate());
    }
  }

  private static final Duration VALIDITY = Duration.ofDays(365);
  private static final String SIGNATURE_ALGORITHM = "SHA256withRSA";

  private final SecureRandom random = new SecureRandom();
  private final KeyPairGenerator rsa;
  private final Credential ca;
  private final Credential frontProxyCa;
  private final KeyPair serviceAccountKey;

  ClusterPki() {
    try {
      rsa = KeyPairGenerator.getInstance("RSA");
      rsa.initialize(2048, random);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("RSA key generation is not available", e);
    }
    ca = newCa("paddock-local-ca");
    frontProxyCa = newCa("paddock-front-proxy-ca");
    serviceAccountKey = rsa.generateKeyPair();
  }

  Credential ca() {
    return ca;
  }

  /** The CA of the aggregation layer's request-header authentication, apart from {@link #ca()}. */
  Credential frontProxyCa() {
    return frontProxyCa;
  }

  private Credential newCa(String commonName) {
    KeyPair key = rsa.generateKeyPair();
    X500Name name = name(commonName, null);
    return new Credential(
        sign(
            name,
            name,
            key,
            key,
            b -> {
              b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
              b.addExtension(
                  Extension.keyUsage,
                  true,
                  new KeyUsage(
                      KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
            }),
        key);
  }

  KeyPair serviceAccountKey() {
    return serviceAccountKey;
  }

  /** A serving certificate for the given DNS names and IP addresses. */
  Credential serving(String commonName, List<String> dnsNames, List<String> ipAddresses) {
    KeyPair key = rsa.generateKeyPair();
    List<GeneralName> sans = new ArrayList<>();
    dnsNames.forEach(d -> sans.add(new GeneralName(GeneralName.dNSName, d)));
    ipAddresses.forEach(ip -> sans.add(new GeneralName(GeneralName.iPAddress, ip)));
    return new Credential(
        sign(
            name(commonName, null),
            x500(ca.certificate()),
            key,
            ca.keyPair(),
            b -> {
              b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
              b.addExtension(
                  Extension.keyUsage,
                  true,
                  new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
              b.addExtension(
                  Extension.extendedKeyUsage,
                  false,
                  new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
              b.addExtension(
                  Extension.subjectAlternativeName,
                  false,
                  new GeneralNames(sans.toArray(GeneralName[]::new)));
            }),
        key);
  }

  /**
   * A client certificate; Kubernetes reads the user from the common name and the groups from the
   * organisation.
   */
  Credential client(String user, String group) {
    return client(ca, user, group);
  }

  /** A client certificate signed by the given CA. */
  Credential client(Credential issuer, String user, String group) {
    KeyPair key = rsa.generateKeyPair();
    return new Credential(
        sign(
            name(user, group),
            x500(issuer.certificate()),
            key,
            issuer.keyPair(),
            b -> {
              b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
              b.addExtension(
                  Extension.keyUsage,
                  true,
                  new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
              b.addExtension(
                  Extension.extendedKeyUsage,
                  false,
                  new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
            }),
        key);
  }

  /** An SSL context that trusts the cluster CA and presents the given client credential. */
  SSLContext sslContext(Credential clientCredential) {
    try {
      char[] password = "paddock".toCharArray();
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", ca.certificate());
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry(
          "client",
          clientCredential.keyPair().getPrivate(),
          password,
          new X509Certificate[] {clientCredential.certificate(), ca.certificate()});
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, password);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), random);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build an SSL context from the cluster CA", e);
    }
  }

  static void writePem(Path file, String pem) {
    try {
      Files.writeString(file, pem, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String pem(Object object) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private interface Extensions {
    void add(X509v3CertificateBuilder builder) throws IOException;
  }

  private X509Certificate sign(
      X500Name subject, X500Name issuer, KeyPair subjectKey, KeyPair issuerKey, Extensions ext) {
    Instant now = Instant.now();
    try {
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              issuer,
              new BigInteger(127, random).add(BigInteger.ONE),
              // a little back-dating keeps clocks that disagree by a few seconds happy
              Date.from(now.minus(Duration.ofMinutes(5))),
              Date.from(now.plus(VALIDITY)),
              subject,
              subjectKey.getPublic());
      JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
      builder.addExtension(
          Extension.subjectKeyIdentifier,
          false,
          utils.createSubjectKeyIdentifier(subjectKey.getPublic()));
      builder.addExtension(
          Extension.authorityKeyIdentifier,
          false,
          utils.createAuthorityKeyIdentifier(issuerKey.getPublic()));
      ext.add(builder);
      return new JcaX509CertificateConverter()
          .getCertificate(
              builder.build(
                  new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).build(issuerKey.getPrivate())));
    } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot sign a certificate for " + subject, e);
    }
  }

  private static X500Name name(String commonName, String organisation) {
    X500NameBuilder builder = new X500NameBuilder(BCStyle.INSTANCE);
    if (organisation != null) {
      builder.addRDN(BCStyle.O, organisation);
    }
    builder.addRDN(BCStyle.CN, commonName);
    return builder.build();
  }

  private static X500Name x500(X509Certificate certificate) {
    return X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
  }
}
