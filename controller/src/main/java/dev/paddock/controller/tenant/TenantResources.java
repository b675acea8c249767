package dev.paddock.controller.tenant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.paddock.api.AgentsLabels;
import dev.paddock.api.policy.TenantNetwork;
import dev.paddock.api.policy.TenantProfile;
import dev.paddock.api.policy.TenantQuotas;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a TenantProfile makes in each namespace it governs: a NetworkPolicy over the namespace's
 * sandbox pods with the tenant's rules, and a ResourceQuota with its counts and totals. Pure
 * functions of the profile, so the reconciler writes only when the cluster differs.
 */
public final class TenantResources {
  /** Marks the objects a profile made, with the profile's name as value. */
  public static final String PROFILE_LABEL = "paddock.dev/tenant-profile";

  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";

  public static final String SANDBOX_COUNT = "count/sandboxes.agents.x-k8s.io";
  public static final String CLAIM_COUNT = "count/sandboxclaims.extensions.agents.x-k8s.io";

  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  private TenantResources() {}

  /** The name of both objects in every namespace: {@code paddock-tenant-<profile>}. */
  public static String objectName(TenantProfile profile) {
    return "paddock-tenant-" + profile.getMetadata().getName();
  }

  /** The NetworkPolicy, when the profile has network rules. */
  public static Optional<NetworkPolicy> networkPolicy(TenantProfile profile, String namespace) {
    TenantNetwork network = profile.getSpec() == null ? null : profile.getSpec().getNetwork();
    if (network == null || (network.getIngress() == null && network.getEgress() == null)) {
      return Optional.empty();
    }
    List<String> policyTypes = new ArrayList<>();
    if (network.getIngress() != null) {
      policyTypes.add("Ingress");
    }
    if (network.getEgress() != null) {
      policyTypes.add("Egress");
    }
    return Optional.of(
        new NetworkPolicyBuilder()
            .withMetadata(metadata(profile, namespace))
            .withNewSpec()
            // every sandbox pod carries the name-hash label; nothing else in the namespace does
            .withNewPodSelector()
            .addNewMatchExpression()
            .withKey(AgentsLabels.SANDBOX_NAME_HASH)
            .withOperator("Exists")
            .endMatchExpression()
            .endPodSelector()
            .withPolicyTypes(policyTypes)
            .withIngress(network.getIngress())
            .withEgress(network.getEgress())
            .endSpec()
            .build());
  }

  /** The ResourceQuota, when the profile sets a sandbox count or a namespace total. */
  public static Optional<ResourceQuota> resourceQuota(TenantProfile profile, String namespace) {
    TenantQuotas quotas = profile.getSpec() == null ? null : profile.getSpec().getQuotas();
    if (quotas == null) {
      return Optional.empty();
    }
    Map<String, Quantity> hard = new TreeMap<>();
    if (quotas.getMaxSandboxes() != null) {
      Quantity count = new Quantity(Integer.toString(quotas.getMaxSandboxes()));
      hard.put(SANDBOX_COUNT, count);
      // every claim holds at most one sandbox: as many claims as sandboxes
      hard.put(CLAIM_COUNT, count);
    }
    if (quotas.getNamespaceTotals() != null) {
      hard.putAll(quotas.getNamespaceTotals());
    }
    if (hard.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new ResourceQuotaBuilder()
            .withMetadata(metadata(profile, namespace))
            .withNewSpec()
            .withHard(hard)
            .endSpec()
            .build());
  }

  /**
   * Whether a live object already is what is desired: labels, owner and spec (quantities compared
   * by value, since the API server may rewrite {@code 1000m} as {@code 1}).
   */
  public static boolean upToDate(HasMetadata desired, HasMetadata live) {
    if (!live.getMetadata()
        .getLabels()
        .entrySet()
        .containsAll(desired.getMetadata().getLabels().entrySet())) {
      return false;
    }
    if (!desired
        .getMetadata()
        .getOwnerReferences()
        .equals(live.getMetadata().getOwnerReferences())) {
      return false;
    }
    if (desired instanceof ResourceQuota want && live instanceof ResourceQuota have) {
      return sameQuantities(want.getSpec().getHard(), have.getSpec().getHard());
    }
    if (desired instanceof NetworkPolicy want && live instanceof NetworkPolicy have) {
      return pruned(want.getSpec()).equals(pruned(have.getSpec()));
    }
    return false;
  }

  /** The object as JSON without nulls and empty lists or maps, which the API server drops. */
  private static JsonNode pruned(Object value) {
    JsonNode tree = JSON.convertValue(value, JsonNode.class);
    prune(tree);
    return tree;
  }

  private static void prune(JsonNode node) {
    if (node instanceof ObjectNode object) {
      List<String> empty = new ArrayList<>();
      object
          .fields()
          .forEachRemaining(
              field -> {
                prune(field.getValue());
                JsonNode child = field.getValue();
                if (child.isNull() || (child.isContainerNode() && child.isEmpty())) {
                  empty.add(field.getKey());
                }
              });
      object.remove(empty);
    } else if (node instanceof ArrayNode array) {
      array.forEach(TenantResources::prune);
    }
  }

  private static boolean sameQuantities(Map<String, Quantity> want, Map<String, Quantity> have) {
    if (have == null || want.size() != have.size()) {
      return false;
    }
    for (Map.Entry<String, Quantity> entry : want.entrySet()) {
      Quantity other = have.get(entry.getKey());
      if (other == null
          || entry.getValue().getNumericalAmount().compareTo(other.getNumericalAmount()) != 0) {
        return false;
      }
    }
    return true;
  }

  private static ObjectMeta metadata(TenantProfile profile, String namespace) {
    return new ObjectMetaBuilder()
        .withName(objectName(profile))
        .withNamespace(namespace)
        .addToLabels(PROFILE_LABEL, profile.getMetadata().getName())
        .addToLabels(MANAGED_BY, "paddock")
        // a cluster-scoped owner: the garbage collector removes these with the profile
        .withOwnerReferences(
            new OwnerReferenceBuilder()
                .withApiVersion(profile.getApiVersion())
                .withKind(profile.getKind())
                .withName(profile.getMetadata().getName())
                .withUid(profile.getMetadata().getUid())
                .withController(true)
                .withBlockOwnerDeletion(false)
                .build())
        .build();
  }
}
