package dev.paddock.controller.tenant;

import dev.paddock.api.LabelSelectors;
import dev.paddock.api.policy.TenantProfile;
import dev.paddock.api.policy.TenantProfileStatus;
import dev.paddock.controller.ControllerSettings;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.retry.GradualRetry;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Materializes each TenantProfile in every namespace its selector matches: a NetworkPolicy over the
 * sandbox pods and a ResourceQuota (see {@link TenantResources}). Removes them from a namespace
 * that stops matching; the garbage collector removes them with the profile (they are owned by it).
 * Writes only what differs, so a resync of a settled profile makes no API write.
 */
@ControllerConfiguration(name = TenantProfileReconciler.NAME)
@GradualRetry(maxAttempts = 10, initialInterval = 500, intervalMultiplier = 2, maxInterval = 60_000)
public class TenantProfileReconciler implements Reconciler<TenantProfile> {
  public static final String NAME = "tenantprofile";
  static final String READY = "Ready";

  private static final Logger log = LoggerFactory.getLogger(TenantProfileReconciler.class);

  private final Clock clock;
  private InformerEventSource<Namespace, TenantProfile> namespaces;
  private InformerEventSource<NetworkPolicy, TenantProfile> networkPolicies;
  private InformerEventSource<ResourceQuota, TenantProfile> quotas;

  public TenantProfileReconciler(ControllerSettings settings) {
    this(Clock.systemUTC());
  }

  TenantProfileReconciler(Clock clock) {
    this.clock = clock;
  }

  @Override
  public List<EventSource<?, TenantProfile>> prepareEventSources(
      EventSourceContext<TenantProfile> context) {
    IndexedResourceCache<TenantProfile> profiles = context.getPrimaryCache();
    // a namespace concerns the profiles that select it now and those that selected it before
    namespaces =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Namespace.class, TenantProfile.class)
                .withName("namespaces")
                .withSecondaryToPrimaryMapper(
                    namespace ->
                        profiles
                            .list(
                                profile ->
                                    selects(profile, namespace)
                                        || governs(profile, namespace.getMetadata().getName()))
                            .map(ResourceID::fromResource)
                            .collect(Collectors.toSet()))
                .build(),
            context);
    networkPolicies =
        new InformerEventSource<>(madeByProfiles(NetworkPolicy.class, "networkpolicies"), context);
    quotas =
        new InformerEventSource<>(madeByProfiles(ResourceQuota.class, "resourcequotas"), context);
    return List.of(namespaces, networkPolicies, quotas);
  }

  private static <R extends HasMetadata> InformerEventSourceConfiguration<R> madeByProfiles(
      Class<R> type, String name) {
    return InformerEventSourceConfiguration.from(type, TenantProfile.class)
        .withName(name)
        .withLabelSelector(TenantResources.PROFILE_LABEL)
        .withSecondaryToPrimaryMapper(
            made ->
                Set.of(
                    new ResourceID(
                        made.getMetadata().getLabels().get(TenantResources.PROFILE_LABEL))))
        .build();
  }

  @Override
  public UpdateControl<TenantProfile> reconcile(
      TenantProfile profile, Context<TenantProfile> context) {
    KubernetesClient client = context.getClient();
    String profileName = profile.getMetadata().getName();
    Set<String> matched =
        namespaces
            .list(ns -> selects(profile, ns) && ns.getMetadata().getDeletionTimestamp() == null)
            .map(ns -> ns.getMetadata().getName())
            .collect(Collectors.toCollection(TreeSet::new));

    for (String namespace : matched) {
      converge(
          client,
          networkPolicies,
          TenantResources.networkPolicy(profile, namespace),
          profile,
          namespace);
      converge(
          client, quotas, TenantResources.resourceQuota(profile, namespace), profile, namespace);
    }
    removeOutside(client, networkPolicies, profileName, matched);
    removeOutside(client, quotas, profileName, matched);

    TenantProfileStatus desired = status(profile, matched);
    if (desired.equals(profile.getStatus())) {
      return UpdateControl.noUpdate();
    }
    TenantProfile patch = new TenantProfile();
    patch.getMetadata().setName(profileName);
    patch.setStatus(desired);
    return UpdateControl.patchStatus(patch);
  }

  /** Creates, updates or deletes one object so that the namespace holds exactly what's desired. */
  private <R extends HasMetadata> void converge(
      KubernetesClient client,
      InformerEventSource<R, TenantProfile> cache,
      Optional<R> desired,
      TenantProfile profile,
      String namespace) {
    String name = TenantResources.objectName(profile);
    Optional<R> live = cache.get(new ResourceID(name, namespace));
    if (desired.isEmpty()) {
      live.ifPresent(
          r -> {
            client.resource(r).delete();
            log.info("{}/{}: removed {} (no longer in the profile)", namespace, name, r.getKind());
          });
      return;
    }
    R want = desired.get();
    if (live.isEmpty()) {
      client.resource(want).create();
      log.info(
          "{}/{}: created {} for tenant profile {}",
          namespace,
          name,
          want.getKind(),
          profile.getMetadata().getName());
    } else if (!TenantResources.upToDate(want, live.get())) {
      want.getMetadata().setResourceVersion(live.get().getMetadata().getResourceVersion());
      client.resource(want).update();
      log.info(
          "{}/{}: updated {} to tenant profile {}",
          namespace,
          name,
          want.getKind(),
          profile.getMetadata().getName());
    }
  }

  private static <R extends HasMetadata> void removeOutside(
      KubernetesClient client,
      InformerEventSource<R, TenantProfile> cache,
      String profileName,
      Set<String> matched) {
    List<R> stale =
        cache
            .list(
                r ->
                    profileName.equals(
                            r.getMetadata().getLabels().get(TenantResources.PROFILE_LABEL))
                        && !matched.contains(r.getMetadata().getNamespace()))
            .toList();
    for (R r : stale) {
      client.resource(r).delete();
      log.info(
          "{}/{}: removed {}: the namespace no longer matches tenant profile {}",
          r.getMetadata().getNamespace(),
          r.getMetadata().getName(),
          r.getKind(),
          profileName);
    }
  }

  private TenantProfileStatus status(TenantProfile profile, Set<String> matched) {
    TenantProfileStatus previous = profile.getStatus();
    long generation = Objects.requireNonNullElse(profile.getMetadata().getGeneration(), 0L);
    String message =
        matched.isEmpty()
            ? "no namespace matches the profile's namespaceSelector"
            : "materialized in " + matched.size() + " namespace(s)";
    Condition ready =
        new ConditionBuilder()
            .withType(READY)
            .withStatus("True")
            .withReason(matched.isEmpty() ? "NoMatchingNamespace" : "Materialized")
            .withMessage(message)
            .withObservedGeneration(generation)
            .build();
    Condition before =
        previous == null || previous.getConditions() == null
            ? null
            : previous.getConditions().stream()
                .filter(c -> READY.equals(c.getType()))
                .findFirst()
                .orElse(null);
    // the transition time moves only when the condition's status does
    ready.setLastTransitionTime(
        before != null && before.getStatus().equals(ready.getStatus())
            ? before.getLastTransitionTime()
            : Instant.now(clock).toString());
    TenantProfileStatus status = new TenantProfileStatus();
    status.setObservedGeneration(generation);
    status.setNamespaces(new ArrayList<>(matched));
    status.setConditions(List.of(ready));
    return status;
  }

  private static boolean selects(TenantProfile profile, Namespace namespace) {
    return profile.getSpec() != null
        && LabelSelectors.matches(
            profile.getSpec().getNamespaceSelector(), namespace.getMetadata().getLabels());
  }

  private static boolean governs(TenantProfile profile, String namespace) {
    return profile.getStatus() != null
        && profile.getStatus().getNamespaces() != null
        && profile.getStatus().getNamespaces().contains(namespace);
  }
}
