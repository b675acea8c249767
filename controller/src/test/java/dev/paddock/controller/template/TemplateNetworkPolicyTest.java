package dev.paddock.controller.template;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paddock.api.AgentsLabels;
import dev.paddock.api.NameHash;
import dev.paddock.api.common.PodTemplate;
import dev.paddock.api.extensions.NetworkPolicySpec;
import dev.paddock.api.extensions.SandboxTemplate;
import dev.paddock.api.extensions.SandboxTemplateSpec;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRuleBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TemplateNetworkPolicyTest {
  static SandboxTemplate template(String name) {
    SandboxTemplate template = new SandboxTemplate();
    template.setMetadata(
        new ObjectMetaBuilder().withName(name).withNamespace("agents").withUid("uid-1").build());
    SandboxTemplateSpec spec = new SandboxTemplateSpec();
    spec.setPodTemplate(
        new PodTemplate(
            null,
            new PodSpecBuilder()
                .withContainers(new ContainerBuilder().withName("a").withImage("i").build())
                .build()));
    template.setSpec(spec);
    return template;
  }

  @Test
  void theDefaultPolicyAdmitsOnlyTheRouterAndLetsOutOnlyToTheInternet() {
    NetworkPolicy policy = TemplateNetworkPolicy.desired(template("python"));
    assertThat(policy.getMetadata().getName()).isEqualTo("python-network-policy");
    assertThat(policy.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(o -> assertThat(o.getUid()).isEqualTo("uid-1"));
    assertThat(policy.getSpec().getPodSelector().getMatchLabels())
        .isEqualTo(Map.of(AgentsLabels.SANDBOX_TEMPLATE_REF_HASH, NameHash.of("python")));
    assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress", "Egress");

    var from = policy.getSpec().getIngress().get(0).getFrom().get(0);
    assertThat(from.getNamespaceSelector().getMatchLabels())
        .isEqualTo(Map.of("kubernetes.io/metadata.name", "agent-sandbox-system"));
    assertThat(from.getPodSelector().getMatchLabels()).isEqualTo(Map.of("app", "sandbox-router"));

    var to = policy.getSpec().getEgress().get(0).getTo();
    assertThat(to.get(0).getIpBlock().getCidr()).isEqualTo("0.0.0.0/0");
    assertThat(to.get(0).getIpBlock().getExcept())
        .containsExactly("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16");
    assertThat(to.get(1).getIpBlock().getCidr()).isEqualTo("::/0");
    assertThat(to.get(1).getIpBlock().getExcept()).containsExactly("fc00::/7", "fe80::/10");
  }

  @Test
  void aTemplatesOwnRulesAreUsedVerbatim() {
    SandboxTemplate template = template("dns-only");
    var dns =
        new NetworkPolicyEgressRuleBuilder()
            .addNewPort()
            .withProtocol("UDP")
            .withNewPort(53)
            .endPort()
            .build();
    template.getSpec().setNetworkPolicy(new NetworkPolicySpec(null, List.of(dns)));
    NetworkPolicy policy = TemplateNetworkPolicy.desired(template);
    assertThat(policy.getSpec().getEgress()).containsExactly(dns);
    assertThat(policy.getSpec().getIngress()).isEmpty();
    assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress", "Egress");
  }

  @Test
  void sandboxesBuiltFromATemplateDoNotMountTheServiceAccountTokenUnlessTheTemplateSaysSo() {
    SandboxTemplate template = template("python");
    assertThat(
            SandboxBlueprints.sandboxSpec(template)
                .getPodTemplate()
                .getSpec()
                .getAutomountServiceAccountToken())
        .isFalse();
    template.getSpec().getPodTemplate().getSpec().setAutomountServiceAccountToken(true);
    assertThat(
            SandboxBlueprints.sandboxSpec(template)
                .getPodTemplate()
                .getSpec()
                .getAutomountServiceAccountToken())
        .isTrue();
    // the template itself is not modified
    assertThat(
            template("python")
                .getSpec()
                .getPodTemplate()
                .getSpec()
                .getAutomountServiceAccountToken())
        .isNull();
  }

  @Test
  void theBlueprintHashFollowsWhatATemplateBuildsAndIgnoresItsNetworkPolicy() {
    SandboxTemplate a = template("python");
    SandboxTemplate b = template("python");
    assertThat(SandboxBlueprints.blueprintHash(a)).isEqualTo(SandboxBlueprints.blueprintHash(b));
    b.getSpec().setNetworkPolicy(new NetworkPolicySpec(List.of(), List.of()));
    assertThat(SandboxBlueprints.blueprintHash(a)).isEqualTo(SandboxBlueprints.blueprintHash(b));
    b.getSpec().getPodTemplate().getSpec().getContainers().get(0).setImage("other");
    assertThat(SandboxBlueprints.blueprintHash(a)).isNotEqualTo(SandboxBlueprints.blueprintHash(b));
  }

  @Test
  void theRestartOptInTravelsFromTheTemplateToItsSandboxes() {
    SandboxTemplate template = template("python");
    template
        .getMetadata()
        .setAnnotations(Map.of(FailedPodRestartPolicy.ENABLED_ANNOTATION, "true"));
    assertThat(SandboxBlueprints.sandboxAnnotations(template))
        .containsEntry(FailedPodRestartPolicy.ENABLED_ANNOTATION, "true")
        .containsEntry(AgentsLabels.SANDBOX_TEMPLATE_REF, "python");
  }
}
