package dev.paddock.controller.template;

import dev.paddock.api.extensions.SandboxTemplate;
import dev.paddock.controller.ControllerSettings;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import io.javaoperatorsdk.operator.processing.retry.GradualRetry;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each SandboxTemplate's managed NetworkPolicy in line with the template, and deletes it when
 * the template switches to {@code networkPolicyManagement: Unmanaged}. A template has no status; a
 * no-op resync writes nothing.
 */
@ControllerConfiguration(name = SandboxTemplateReconciler.NAME)
@GradualRetry(maxAttempts = 20, initialInterval = 500, intervalMultiplier = 2, maxInterval = 30_000)
public class SandboxTemplateReconciler implements Reconciler<SandboxTemplate> {
  public static final String NAME = "sandboxtemplate";
  private static final Logger log = LoggerFactory.getLogger(SandboxTemplateReconciler.class);

  private InformerEventSource<NetworkPolicy, SandboxTemplate> policies;

  public SandboxTemplateReconciler() {}

  public SandboxTemplateReconciler(ControllerSettings settings) {
    Objects.requireNonNull(settings);
  }

  @Override
  public List<EventSource<?, SandboxTemplate>> prepareEventSources(
      EventSourceContext<SandboxTemplate> context) {
    policies =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(NetworkPolicy.class, SandboxTemplate.class)
                .withName("template-network-policies")
                .withSecondaryToPrimaryMapper(
                    Mappers.fromOwnerReferences(SandboxTemplate.class, false))
                .build(),
            context);
    return List.of(policies);
  }

  @Override
  public UpdateControl<SandboxTemplate> reconcile(
      SandboxTemplate template, Context<SandboxTemplate> context) {
    KubernetesClient client = context.getClient();
    String namespace = template.getMetadata().getNamespace();
    String name = TemplateNetworkPolicy.name(template.getMetadata().getName());
    Optional<NetworkPolicy> existing = policies.get(new ResourceID(name, namespace));

    if (!TemplateNetworkPolicy.managed(template)) {
      if (existing.isPresent() && controlledBy(existing.get(), template)) {
        client.resource(existing.get()).delete();
        log.info(
            "{}/{}: deleted NetworkPolicy {} (Unmanaged)",
            namespace,
            template.getMetadata().getName(),
            name);
      }
      return UpdateControl.noUpdate();
    }

    NetworkPolicy desired = TemplateNetworkPolicy.desired(template);
    if (existing.isEmpty()) {
      try {
        client.resource(desired).create();
        log.info(
            "{}/{}: created NetworkPolicy {}", namespace, template.getMetadata().getName(), name);
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
        // created meanwhile (our cache lags): the informer event brings us back to compare
      }
      return UpdateControl.noUpdate();
    }
    NetworkPolicy current = existing.get();
    boolean ownerMissing = !controlledBy(current, template);
    if (Objects.equals(current.getSpec(), desired.getSpec()) && !ownerMissing) {
      return UpdateControl.noUpdate();
    }
    NetworkPolicy updated = client.getKubernetesSerialization().clone(current);
    updated.setSpec(desired.getSpec());
    if (ownerMissing) {
      List<OwnerReference> owners =
          new ArrayList<>(
              updated.getMetadata().getOwnerReferences() == null
                  ? List.of()
                  : updated.getMetadata().getOwnerReferences());
      owners.removeIf(o -> Boolean.TRUE.equals(o.getController()));
      owners.addAll(desired.getMetadata().getOwnerReferences());
      updated.getMetadata().setOwnerReferences(owners);
    }
    client.resource(updated).update();
    log.info("{}/{}: updated NetworkPolicy {}", namespace, template.getMetadata().getName(), name);
    return UpdateControl.noUpdate();
  }

  static boolean controlledBy(NetworkPolicy policy, SandboxTemplate template) {
    List<OwnerReference> owners = policy.getMetadata().getOwnerReferences();
    return owners != null
        && owners.stream()
            .anyMatch(
                o ->
                    Boolean.TRUE.equals(o.getController())
                        && Objects.equals(o.getUid(), template.getMetadata().getUid()));
  }
}
