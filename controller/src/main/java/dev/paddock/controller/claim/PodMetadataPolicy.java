package dev.paddock.controller.claim;

import dev.paddock.api.common.PodMetadata;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Validates and merges a claim's {@code additionalPodMetadata}. Label keys need a domain prefix
 * from an allow-list (so a claim cannot opt its pod into someone else's NetworkPolicy or Service
 * selector); annotations in the reserved domains (kubernetes.io, k8s.io, agents.x-k8s.io and their
 * subdomains) are refused; nothing may override a value the template set.
 */
public final class PodMetadataPolicy {
  /** Upstream's default label domain allow-list. */
  public static final List<String> DEFAULT_ALLOWED_LABEL_DOMAINS = List.of("sandbox.users.io");

  static final List<String> RESERVED_DOMAINS =
      List.of("kubernetes.io", "k8s.io", "agents.x-k8s.io");
  static final List<String> EXEMPT_ANNOTATIONS =
      List.of("cluster-autoscaler.kubernetes.io/safe-to-evict");

  private static final Pattern NAME = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern LABEL_VALUE =
      Pattern.compile("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");

  private final List<String> allowedLabelDomains;

  public PodMetadataPolicy(List<String> allowedLabelDomains) {
    this.allowedLabelDomains =
        allowedLabelDomains == null || allowedLabelDomains.isEmpty()
            ? DEFAULT_ALLOWED_LABEL_DOMAINS
            : List.copyOf(allowedLabelDomains);
  }

  /** Throws an {@code InvalidMetadata} rejection naming the first bad key. */
  public void validate(PodMetadata metadata) throws ClaimRejection {
    if (metadata == null) {
      return;
    }
    if (metadata.getLabels() != null) {
      for (Map.Entry<String, String> label : metadata.getLabels().entrySet()) {
        validateLabel(label.getKey(), label.getValue());
      }
    }
    if (metadata.getAnnotations() != null) {
      for (String key : metadata.getAnnotations().keySet()) {
        validateAnnotation(key);
      }
    }
  }

  private void validateLabel(String key, String value) throws ClaimRejection {
    String domain = qualifiedNamePrefix(key, "label");
    if (domain == null) {
      throw invalid(
          "label "
              + key
              + " must have a domain prefix from "
              + allowedLabelDomains
              + " (e.g. "
              + allowedLabelDomains.get(0)
              + "/my-label)");
    }
    if (allowedLabelDomains.stream().noneMatch(d -> inDomain(domain, d))) {
      throw invalid("label domain " + domain + " of " + key + " is not in " + allowedLabelDomains);
    }
    if (value == null || value.length() > 63 || !LABEL_VALUE.matcher(value).matches()) {
      throw invalid("label " + key + " has an invalid value " + value);
    }
  }

  private void validateAnnotation(String key) throws ClaimRejection {
    String domain = qualifiedNamePrefix(key, "annotation");
    if (domain != null
        && RESERVED_DOMAINS.stream().anyMatch(d -> inDomain(domain, d))
        && !EXEMPT_ANNOTATIONS.contains(key)) {
      throw invalid("annotation " + key + " is in a reserved domain " + RESERVED_DOMAINS);
    }
  }

  /** Checks a qualified name and returns its lower-cased prefix, or null when it has none. */
  private static String qualifiedNamePrefix(String key, String kind) throws ClaimRejection {
    if (key == null || key.isEmpty()) {
      throw invalid(kind + " key must not be empty");
    }
    String[] parts = key.split("/", -1);
    if (parts.length > 2) {
      throw invalid(kind + " key " + key + " has more than one '/'");
    }
    String name = parts[parts.length - 1];
    if (name.length() > 63 || !NAME.matcher(name).matches()) {
      throw invalid(kind + " key " + key + " is not a qualified name");
    }
    if (parts.length == 1) {
      return null;
    }
    String prefix = parts[0].toLowerCase(Locale.ROOT);
    if (prefix.length() > 253 || !DNS_SUBDOMAIN.matcher(prefix).matches()) {
      throw invalid(kind + " key " + key + " has an invalid prefix");
    }
    return prefix;
  }

  private static boolean inDomain(String domain, String parent) {
    return domain.equals(parent) || domain.endsWith("." + parent);
  }

  /**
   * Merges the claim's metadata into the pod template's, refusing to change a value the template
   * set (a claim adds; it never overrides).
   */
  public static PodMetadata merge(PodMetadata template, PodMetadata claim) throws ClaimRejection {
    Map<String, String> labels =
        new LinkedHashMap<>(
            template == null || template.getLabels() == null ? Map.of() : template.getLabels());
    Map<String, String> annotations =
        new LinkedHashMap<>(
            template == null || template.getAnnotations() == null
                ? Map.of()
                : template.getAnnotations());
    if (claim != null) {
      mergeInto(labels, claim.getLabels(), "label");
      mergeInto(annotations, claim.getAnnotations(), "annotation");
    }
    return new PodMetadata(
        labels.isEmpty() ? null : labels, annotations.isEmpty() ? null : annotations);
  }

  private static void mergeInto(Map<String, String> target, Map<String, String> extra, String kind)
      throws ClaimRejection {
    if (extra == null) {
      return;
    }
    for (Map.Entry<String, String> e : extra.entrySet()) {
      String existing = target.get(e.getKey());
      if (existing != null && !existing.equals(e.getValue())) {
        throw invalid(
            kind
                + " "
                + e.getKey()
                + " is set to "
                + existing
                + " by the template; the claim may not change it to "
                + e.getValue());
      }
      target.put(e.getKey(), e.getValue());
    }
  }

  private static ClaimRejection invalid(String message) {
    return new ClaimRejection(
        ClaimReasons.INVALID_METADATA, "invalid additionalPodMetadata: " + message);
  }
}
