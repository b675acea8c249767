package dev.paddock.certs;

import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * What a TLS server needs, plus the CA bundle that clients (the API server) must trust.
 *
 * @param certificate the serving (leaf) certificate
 * @param privateKey the serving certificate's key
 * @param caCertificates the CAs that clients should trust: the issuer of {@code certificate} first,
 *     then any earlier CA kept while a rotation is rolling out
 */
public record TlsMaterial(
    X509Certificate certificate, PrivateKey privateKey, List<X509Certificate> caCertificates) {

  public TlsMaterial {
    if (certificate == null || privateKey == null) {
      throw new InvalidTlsMaterialException("a certificate and its private key are required");
    }
    caCertificates = List.copyOf(caCertificates);
    if (caCertificates.isEmpty()) {
      throw new InvalidTlsMaterialException("a CA certificate is required");
    }
  }

  /** Reads PEM texts as found in a {@code kubernetes.io/tls} Secret or a cert-manager volume. */
  public static TlsMaterial fromPem(String certificatePem, String privateKeyPem, String caPem) {
    List<X509Certificate> chain = Pem.parseCertificates(certificatePem);
    List<X509Certificate> cas = new ArrayList<>();
    if (caPem != null && !caPem.isBlank()) {
      cas.addAll(Pem.parseCertificates(caPem));
    } else if (chain.size() > 1) {
      cas.add(chain.get(chain.size() - 1));
    } else {
      throw new InvalidTlsMaterialException("no CA certificate (ca.crt) given");
    }
    return new TlsMaterial(chain.get(0), Pem.parsePrivateKey(privateKeyPem), cas);
  }

  public String certificatePem() {
    return Pem.encodeCertificates(List.of(certificate));
  }

  public String privateKeyPem() {
    return Pem.encodePrivateKey(privateKey);
  }

  /** The CA bundle in PEM, as written to {@code ca.crt} and to a webhook's {@code caBundle}. */
  public String caBundlePem() {
    return Pem.encodeCertificates(caCertificates);
  }

  /** The CA bundle base64-encoded, the form of {@code clientConfig.caBundle}. */
  public String caBundleBase64() {
    return Base64.getEncoder().encodeToString(caBundlePem().getBytes(StandardCharsets.UTF_8));
  }

  /** The certificate chain a server presents: the leaf, then its issuer. */
  public X509Certificate[] serverChain() {
    return new X509Certificate[] {certificate, caCertificates.get(0)};
  }

  /** Whether both hold the same leaf certificate and CA bundle. */
  public boolean sameAs(TlsMaterial other) {
    return other != null
        && Arrays.equals(encoded(certificate), encoded(other.certificate))
        && caBundlePem().equals(other.caBundlePem());
  }

  private static byte[] encoded(X509Certificate certificate) {
    try {
      return certificate.getEncoded();
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new InvalidTlsMaterialException("unencodable certificate", e);
    }
  }
}
