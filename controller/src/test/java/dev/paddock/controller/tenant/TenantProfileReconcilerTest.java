package dev.paddock.controller.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.paddock.api.policy.TenantNetwork;
import dev.paddock.api.policy.TenantProfile;
import dev.paddock.api.policy.TenantProfileSpec;
import dev.paddock.api.policy.TenantQuotas;
import dev.paddock.controller.ControllerSettings;
import dev.paddock.controller.PaddockOperator;
import dev.paddock.controller.testing.MockCluster;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRuleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** TenantProfile → NetworkPolicy + ResourceQuota in every matching namespace, on the mock. */
class TenantProfileReconcilerTest {
  private static final String OBJECT = "paddock-tenant-team-a";

  private MockCluster cluster;
  private KubernetesClient client;
  private PaddockOperator operator;

  @BeforeEach
  void start() {
    cluster = MockCluster.start();
    client = cluster.client();
    namespace("team-a-dev", Map.of("tenant", "a"));
    namespace("team-a-prod", Map.of("tenant", "a"));
    namespace("team-b", Map.of("tenant", "b"));
    operator =
        PaddockOperator.builder(
                client,
                ControllerSettings.defaults().withProbePort(-1).withServerSideApplyStatus(false))
            .onlyReconcilers(List.of(TenantProfileReconciler::new))
            .build();
    operator.start();
  }

  @AfterEach
  void stop() {
    operator.stop();
    cluster.close();
  }

  @Test
  void materializesTheProfileInEveryMatchingNamespaceOnly() {
    client.resource(profile(5, "2", "10.0.0.0/8")).create();

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              for (String ns : List.of("team-a-dev", "team-a-prod")) {
                ResourceQuota quota = quota(ns);
                assertThat(quota).as("quota in " + ns).isNotNull();
                assertThat(quota.getSpec().getHard())
                    .containsEntry(TenantResources.SANDBOX_COUNT, new Quantity("5"))
                    .containsEntry(TenantResources.CLAIM_COUNT, new Quantity("5"))
                    .containsEntry("requests.cpu", new Quantity("2"));
                NetworkPolicy policy = networkPolicy(ns);
                assertThat(policy).as("network policy in " + ns).isNotNull();
                assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Egress");
                assertThat(
                        policy.getSpec().getEgress().get(0).getTo().get(0).getIpBlock().getCidr())
                    .isEqualTo("10.0.0.0/8");
                assertThat(policy.getSpec().getPodSelector().getMatchExpressions().get(0).getKey())
                    .isEqualTo("agents.x-k8s.io/sandbox-name-hash");
              }
              assertThat(quota("team-b")).isNull();
              assertThat(networkPolicy("team-b")).isNull();
              TenantProfile live = client.resources(TenantProfile.class).withName("team-a").get();
              assertThat(live.getStatus().getNamespaces())
                  .containsExactly("team-a-dev", "team-a-prod");
            });
    assertThat(quota("team-a-dev").getMetadata().getOwnerReferences().get(0).getName())
        .as("owned by the profile, so the garbage collector removes it with the profile")
        .isEqualTo("team-a");
  }

  @Test
  void followsChangesOfTheProfileAndOfNamespaceLabels() {
    client.resource(profile(5, "2", "10.0.0.0/8")).create();
    await().atMost(Duration.ofSeconds(20)).until(() -> quota("team-a-prod") != null);

    // the profile tightens its quota and changes its egress rule
    TenantProfile changed = client.resources(TenantProfile.class).withName("team-a").get();
    changed.setSpec(profile(2, "2", "192.168.0.0/16").getSpec());
    client.resource(changed).update();
    // team-a-prod leaves the tenant; team-b joins it
    relabel("team-a-prod", Map.of("tenant", "retired"));
    relabel("team-b", Map.of("tenant", "a"));

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              assertThat(quota("team-a-dev").getSpec().getHard())
                  .containsEntry(TenantResources.SANDBOX_COUNT, new Quantity("2"));
              assertThat(
                      networkPolicy("team-a-dev")
                          .getSpec()
                          .getEgress()
                          .get(0)
                          .getTo()
                          .get(0)
                          .getIpBlock()
                          .getCidr())
                  .isEqualTo("192.168.0.0/16");
              assertThat(quota("team-a-prod")).as("removed where it no longer applies").isNull();
              assertThat(networkPolicy("team-a-prod")).isNull();
              assertThat(quota("team-b")).as("made where it now applies").isNotNull();
            });
  }

  @Test
  void aSettledProfileMakesNoWritesOnResync() {
    client.resource(profile(5, "2", "10.0.0.0/8")).create();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              TenantProfile live = client.resources(TenantProfile.class).withName("team-a").get();
              return live.getStatus() != null && live.getStatus().getNamespaces().size() == 2;
            });
    await().pollDelay(Duration.ofMillis(500)).until(() -> true);
    cluster.drainRequests();

    // an unrelated namespace change triggers reconciles of the profile that selects nothing new
    relabel("team-a-dev", Map.of("tenant", "a", "cost-center", "42"));
    await().pollDelay(Duration.ofSeconds(2)).until(() -> true);

    assertThat(cluster.drainWrites())
        .as("writes after the only change was an irrelevant label")
        .filteredOn(w -> !w.contains("/namespaces/team-a-dev "))
        .filteredOn(w -> !w.endsWith("/namespaces/team-a-dev"))
        .isEmpty();
  }

  private TenantProfile profile(int maxSandboxes, String cpu, String egressCidr) {
    TenantProfile profile = new TenantProfile();
    profile.getMetadata().setName("team-a");
    TenantProfileSpec spec = new TenantProfileSpec();
    spec.setNamespaceSelector(new LabelSelectorBuilder().addToMatchLabels("tenant", "a").build());
    TenantQuotas quotas = new TenantQuotas();
    quotas.setMaxSandboxes(maxSandboxes);
    quotas.setNamespaceTotals(Map.of("requests.cpu", new Quantity(cpu)));
    spec.setQuotas(quotas);
    TenantNetwork network = new TenantNetwork();
    network.setEgress(
        List.of(
            new NetworkPolicyEgressRuleBuilder()
                .addNewTo()
                .withNewIpBlock()
                .withCidr(egressCidr)
                .endIpBlock()
                .endTo()
                .build()));
    spec.setNetwork(network);
    profile.setSpec(spec);
    return profile;
  }

  private void namespace(String name, Map<String, String> labels) {
    client
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(name)
                .withLabels(labels)
                .endMetadata()
                .build())
        .create();
  }

  private void relabel(String name, Map<String, String> labels) {
    client
        .namespaces()
        .withName(name)
        .edit(
            ns -> {
              ns.getMetadata().setLabels(labels);
              return ns;
            });
  }

  private ResourceQuota quota(String namespace) {
    return client.resourceQuotas().inNamespace(namespace).withName(OBJECT).get();
  }

  private NetworkPolicy networkPolicy(String namespace) {
    return client.network().v1().networkPolicies().inNamespace(namespace).withName(OBJECT).get();
  }
}
