package dev.paddock.certs;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/** PEM text for certificates and private keys, as Kubernetes TLS Secrets and cert-manager hold. */
public final class Pem {
  private Pem() {}

  public static String encodeCertificates(List<X509Certificate> certificates) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      for (X509Certificate certificate : certificates) {
        writer.writeObject(certificate);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** A private key as PKCS#8 ({@code BEGIN PRIVATE KEY}), which every TLS stack reads. */
  public static String encodePrivateKey(PrivateKey key) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(new JcaPKCS8Generator(key, null));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** Every certificate in a PEM text, in order; other PEM objects are an error. */
  public static List<X509Certificate> parseCertificates(String pem) {
    List<X509Certificate> certificates = new ArrayList<>();
    JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      Object object;
      while ((object = parser.readObject()) != null) {
        if (!(object instanceof X509CertificateHolder holder)) {
          throw new InvalidTlsMaterialException(
              "expected a CERTIFICATE in PEM, found " + object.getClass().getSimpleName());
        }
        certificates.add(converter.getCertificate(holder));
      }
    } catch (IOException | CertificateException | RuntimeException e) {
      if (e instanceof InvalidTlsMaterialException invalid) {
        throw invalid;
      }
      throw new InvalidTlsMaterialException("unreadable certificate PEM: " + e.getMessage(), e);
    }
    if (certificates.isEmpty()) {
      throw new InvalidTlsMaterialException("no certificate in PEM");
    }
    return certificates;
  }

  /** A private key in PKCS#8 or the traditional PKCS#1/SEC1 forms (cert-manager writes either). */
  public static PrivateKey parsePrivateKey(String pem) {
    JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      Object object = parser.readObject();
      if (object instanceof PEMKeyPair pair) {
        return converter.getKeyPair(pair).getPrivate();
      }
      if (object instanceof PrivateKeyInfo info) {
        return converter.getPrivateKey(info);
      }
      throw new InvalidTlsMaterialException(
          object == null
              ? "no private key in PEM"
              : "expected a PRIVATE KEY in PEM, found " + object.getClass().getSimpleName());
    } catch (IOException | RuntimeException e) {
      if (e instanceof InvalidTlsMaterialException invalid) {
        throw invalid;
      }
      throw new InvalidTlsMaterialException("unreadable private key PEM: " + e.getMessage(), e);
    }
  }
}
