package dev.paddock.certs;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The DNS names and IP addresses a serving certificate must carry.
 *
 * @param dnsNames DNS subject alternative names, in order, without duplicates
 * @param ipAddresses IP address subject alternative names (literal IPv4 or IPv6)
 */
public record SubjectAltNames(List<String> dnsNames, List<String> ipAddresses) {

  public SubjectAltNames {
    dnsNames = List.copyOf(new LinkedHashSet<>(dnsNames));
    ipAddresses = List.copyOf(new LinkedHashSet<>(ipAddresses));
    if (dnsNames.isEmpty() && ipAddresses.isEmpty()) {
      throw new IllegalArgumentException("a serving certificate needs at least one DNS or IP SAN");
    }
  }

  /**
   * The names by which the API server and in-cluster clients reach a Service: {@code <service>},
   * {@code <service>.<ns>}, {@code <service>.<ns>.svc} and {@code <service>.<ns>.svc.<domain>}.
   */
  public static SubjectAltNames forService(String service, String namespace, String clusterDomain) {
    requireLabel(service, "service");
    requireLabel(namespace, "namespace");
    List<String> names = new ArrayList<>();
    names.add(service);
    names.add(service + "." + namespace);
    names.add(service + "." + namespace + ".svc");
    if (clusterDomain != null && !clusterDomain.isBlank()) {
      names.add(service + "." + namespace + ".svc." + clusterDomain);
    }
    return new SubjectAltNames(names, List.of());
  }

  /** {@code localhost} and the loopback addresses, for a webhook that runs outside a cluster. */
  public static SubjectAltNames loopback() {
    return new SubjectAltNames(List.of("localhost"), List.of("127.0.0.1", "::1"));
  }

  /** These names plus extra ones; a value that parses as an IP literal becomes an IP SAN. */
  public SubjectAltNames with(List<String> extra) {
    List<String> dns = new ArrayList<>(dnsNames);
    List<String> ips = new ArrayList<>(ipAddresses);
    for (String value : extra) {
      String v = value.trim();
      if (v.isEmpty()) {
        continue;
      }
      if (IpLiterals.isIpLiteral(v)) {
        ips.add(v);
      } else {
        dns.add(v);
      }
    }
    return new SubjectAltNames(dns, ips);
  }

  /** Whether every name here is also in {@code other}. */
  public boolean coveredBy(SubjectAltNames other) {
    Set<String> dns = new LinkedHashSet<>();
    other.dnsNames.forEach(n -> dns.add(n.toLowerCase(java.util.Locale.ROOT)));
    Set<String> ips = new LinkedHashSet<>();
    other.ipAddresses.forEach(ip -> ips.add(IpLiterals.canonical(ip)));
    return dnsNames.stream().allMatch(n -> dns.contains(n.toLowerCase(java.util.Locale.ROOT)))
        && ipAddresses.stream().allMatch(ip -> ips.contains(IpLiterals.canonical(ip)));
  }

  private static void requireLabel(String value, String what) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(what + " name is required");
    }
  }
}
