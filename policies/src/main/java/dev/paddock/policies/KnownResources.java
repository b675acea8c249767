package dev.paddock.policies;

import java.util.Locale;
import java.util.Map;

/** Plural resource names and groups of the kinds Paddock's policies deal with. */
final class KnownResources {
  static final String AGENTS_GROUP = "agents.x-k8s.io";
  static final String EXTENSIONS_GROUP = "extensions.agents.x-k8s.io";

  private static final Map<String, String> PLURALS =
      Map.of(
          "Sandbox", "sandboxes",
          "SandboxTemplate", "sandboxtemplates",
          "SandboxClaim", "sandboxclaims",
          "SandboxWarmPool", "sandboxwarmpools",
          "SandboxPolicy", "sandboxpolicies",
          "TenantProfile", "tenantprofiles",
          "NetworkPolicy", "networkpolicies",
          "Ingress", "ingresses");

  private static final Map<String, String> GROUPS =
      Map.of(
          "sandboxes", AGENTS_GROUP,
          "sandboxtemplates", EXTENSIONS_GROUP,
          "sandboxclaims", EXTENSIONS_GROUP,
          "sandboxwarmpools", EXTENSIONS_GROUP,
          "pods", "");

  private KnownResources() {}

  static String plural(String kind) {
    String known = PLURALS.get(kind);
    if (known != null) {
      return known;
    }
    String lower = kind.toLowerCase(Locale.ROOT);
    if (lower.endsWith("s")) {
      return lower + "es";
    }
    if (lower.endsWith("y")) {
      return lower.substring(0, lower.length() - 1) + "ies";
    }
    return lower + "s";
  }

  /** The group of a plural name in the sandbox groups (or pods), else null: any group. */
  static String groupOf(String plural) {
    return GROUPS.get(plural);
  }
}
