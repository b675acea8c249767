package dev.paddock.certs;

import java.time.Duration;

/**
 * How Paddock keeps its own serving certificate in a Secret.
 *
 * @param namespace the Secret's namespace (the webhook's own)
 * @param secretName the {@code kubernetes.io/tls} Secret that holds tls.crt, tls.key and ca.crt
 * @param names the SANs the certificate must carry
 * @param validity how long a newly issued certificate (and its CA) is valid
 * @param renewBefore renew when the certificate expires within this window
 * @param checkInterval how often the Secret is re-read and the decision re-made
 */
public record ManagedCertificateSettings(
    String namespace,
    String secretName,
    SubjectAltNames names,
    Duration validity,
    Duration renewBefore,
    Duration checkInterval) {

  public ManagedCertificateSettings {
    if (namespace == null || namespace.isBlank() || secretName == null || secretName.isBlank()) {
      throw new IllegalArgumentException("the Secret's namespace and name are required");
    }
    if (!renewBefore.isNegative() && renewBefore.compareTo(validity) >= 0) {
      throw new IllegalArgumentException(
          "renewBefore (" + renewBefore + ") must be shorter than validity (" + validity + ")");
    }
    if (checkInterval.isNegative() || checkInterval.isZero()) {
      throw new IllegalArgumentException("checkInterval must be positive");
    }
  }

  /**
   * Defaults for the Service {@code service} in {@code namespace}: Secret {@code <service>-tls},
   * SANs of the Service, valid 1 year, renewed 30 days before expiry, checked every 10 minutes.
   */
  public static ManagedCertificateSettings forService(String service, String namespace) {
    return new ManagedCertificateSettings(
        namespace,
        service + "-tls",
        SubjectAltNames.forService(service, namespace, "cluster.local"),
        Duration.ofDays(365),
        Duration.ofDays(30),
        Duration.ofMinutes(10));
  }

  public ManagedCertificateSettings withSecretName(String name) {
    return new ManagedCertificateSettings(
        namespace, name, names, validity, renewBefore, checkInterval);
  }

  public ManagedCertificateSettings withNames(SubjectAltNames sans) {
    return new ManagedCertificateSettings(
        namespace, secretName, sans, validity, renewBefore, checkInterval);
  }

  public ManagedCertificateSettings withValidity(Duration valid, Duration renewWindow) {
    return new ManagedCertificateSettings(
        namespace, secretName, names, valid, renewWindow, checkInterval);
  }

  public ManagedCertificateSettings withCheckInterval(Duration interval) {
    return new ManagedCertificateSettings(
        namespace, secretName, names, validity, renewBefore, interval);
  }
}
