package dev.paddock.controller.template;

import static dev.paddock.controller.claim.PoolsAndClaims.NS;
import static dev.paddock.controller.claim.PoolsAndClaims.template;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.paddock.api.extensions.NetworkPolicyManagement;
import dev.paddock.api.extensions.NetworkPolicySpec;
import dev.paddock.api.extensions.SandboxTemplate;
import dev.paddock.controller.PaddockOperator;
import dev.paddock.controller.claim.PoolsAndClaims;
import dev.paddock.controller.testing.MockCluster;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRuleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SandboxTemplateReconcilerTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private MockCluster cluster;
  private KubernetesClient client;
  private PaddockOperator operator;

  @BeforeEach
  void start() {
    cluster = MockCluster.start();
    client = cluster.client();
    operator =
        PoolsAndClaims.operator(
            cluster.newClient(), PoolsAndClaims.settings(), true, false, false, Duration.ZERO);
    operator.start();
  }

  @AfterEach
  void stop() {
    operator.stop();
    cluster.close();
  }

  private NetworkPolicy policy(String name) {
    return client.network().v1().networkPolicies().inNamespace(NS).withName(name).get();
  }

  @Test
  void aTemplatesNetworkPolicyFollowsItsRulesAndGoesAwayWhenUnmanaged() {
    client.resource(template("python", "python:3.12")).create();
    await().atMost(WAIT).until(() -> policy("python-network-policy") != null);
    assertThat(policy("python-network-policy").getSpec().getEgress().get(0).getTo())
        .hasSize(2); // the default: the IPv4 and IPv6 internet minus private ranges

    var dnsOnly =
        new NetworkPolicyEgressRuleBuilder()
            .addNewPort()
            .withProtocol("UDP")
            .withNewPort(53)
            .endPort()
            .build();
    client
        .resources(SandboxTemplate.class)
        .inNamespace(NS)
        .withName("python")
        .edit(
            t -> {
              t.getSpec().setNetworkPolicy(new NetworkPolicySpec(List.of(), List.of(dnsOnly)));
              return t;
            });
    await()
        .atMost(WAIT)
        .until(
            () -> policy("python-network-policy").getSpec().getEgress().equals(List.of(dnsOnly)));
    assertThat(policy("python-network-policy").getSpec().getIngress()).isEmpty();

    client
        .resources(SandboxTemplate.class)
        .inNamespace(NS)
        .withName("python")
        .edit(
            t -> {
              t.getSpec().setNetworkPolicyManagement(NetworkPolicyManagement.Unmanaged);
              return t;
            });
    await().atMost(WAIT).until(() -> policy("python-network-policy") == null);
  }
}
