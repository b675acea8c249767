package dev.paddock.controller.template;

import dev.paddock.api.AgentsLabels;
import dev.paddock.api.NameHash;
import dev.paddock.api.extensions.NetworkPolicyManagement;
import dev.paddock.api.extensions.NetworkPolicySpec;
import dev.paddock.api.extensions.SandboxTemplate;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IPBlockBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import java.util.Map;

/**
 * The NetworkPolicy a template manages: {@code <template>-network-policy}, selecting the template's
 * sandbox pods by {@code agents.x-k8s.io/sandbox-template-ref-hash}, with the template's rules
 * verbatim or, when it gives none, the secure default.
 */
public final class TemplateNetworkPolicy {
  /** Where the upstream sandbox router runs and how its pods are labelled. */
  public static final String ROUTER_NAMESPACE = "agent-sandbox-system";

  public static final Map<String, String> ROUTER_POD_LABELS = Map.of("app", "sandbox-router");

  /** Private, link-local and unique-local ranges the default egress rule refuses. */
  public static final List<String> PRIVATE_IPV4 =
      List.of("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16");

  public static final List<String> PRIVATE_IPV6 = List.of("fc00::/7", "fe80::/10");

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private TemplateNetworkPolicy() {}

  public static String name(String templateName) {
    return templateName + "-network-policy";
  }

  /** True when the template asks Paddock to manage its NetworkPolicy (the default). */
  public static boolean managed(SandboxTemplate template) {
    return template.getSpec() == null
        || template.getSpec().getNetworkPolicyManagement() != NetworkPolicyManagement.Unmanaged;
  }

  /** The desired NetworkPolicy, owned by (and garbage-collected with) the template. */
  public static NetworkPolicy desired(SandboxTemplate template) {
    String templateName = template.getMetadata().getName();
    NetworkPolicySpec rules =
        template.getSpec() == null ? null : template.getSpec().getNetworkPolicy();
    List<NetworkPolicyIngressRule> ingress;
    List<NetworkPolicyEgressRule> egress;
    if (rules == null) {
      ingress = defaultIngress();
      egress = defaultEgress();
    } else {
      ingress = copy(rules.getIngress());
      egress = copy(rules.getEgress());
    }
    return new NetworkPolicyBuilder()
        .withMetadata(
            new ObjectMetaBuilder()
                .withName(name(templateName))
                .withNamespace(template.getMetadata().getNamespace())
                .withOwnerReferences(
                    new OwnerReferenceBuilder()
                        .withApiVersion(SandboxTemplate.API_VERSION)
                        .withKind("SandboxTemplate")
                        .withName(templateName)
                        .withUid(template.getMetadata().getUid())
                        .withController(true)
                        .withBlockOwnerDeletion(true)
                        .build())
                .build())
        .withNewSpec()
        .withPodSelector(
            new LabelSelectorBuilder()
                .withMatchLabels(
                    Map.of(AgentsLabels.SANDBOX_TEMPLATE_REF_HASH, NameHash.of(templateName)))
                .build())
        .withPolicyTypes("Ingress", "Egress")
        .withIngress(ingress)
        .withEgress(egress)
        .endSpec()
        .build();
  }

  /** Ingress only from the sandbox router: pods {@code app: sandbox-router} in its namespace. */
  static List<NetworkPolicyIngressRule> defaultIngress() {
    return List.of(
        new NetworkPolicyIngressRuleBuilder()
            .withFrom(
                new NetworkPolicyPeerBuilder()
                    .withNamespaceSelector(
                        new LabelSelectorBuilder()
                            .withMatchLabels(
                                Map.of("kubernetes.io/metadata.name", ROUTER_NAMESPACE))
                            .build())
                    .withPodSelector(
                        new LabelSelectorBuilder().withMatchLabels(ROUTER_POD_LABELS).build())
                    .build())
            .build());
  }

  /**
   * Egress to the internet only: every IPv4 and IPv6 address except the private, link-local (cloud
   * metadata servers) and unique-local ranges. Cluster DNS is refused too, on purpose: an agent
   * should not enumerate internal service names.
   */
  static List<NetworkPolicyEgressRule> defaultEgress() {
    return List.of(
        new NetworkPolicyEgressRuleBuilder()
            .withTo(
                new NetworkPolicyPeerBuilder()
                    .withIpBlock(
                        new IPBlockBuilder().withCidr("0.0.0.0/0").withExcept(PRIVATE_IPV4).build())
                    .build(),
                new NetworkPolicyPeerBuilder()
                    .withIpBlock(
                        new IPBlockBuilder().withCidr("::/0").withExcept(PRIVATE_IPV6).build())
                    .build())
            .build());
  }

  private static <T> List<T> copy(List<T> rules) {
    if (rules == null) {
      return List.of();
    }
    return rules.stream().map(SERIALIZATION::clone).toList();
  }
}
