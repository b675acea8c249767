package dev.paddock.controller.sandbox;

import dev.paddock.api.AgentsLabels;
import dev.paddock.api.NameHash;
import dev.paddock.api.sandbox.Sandbox;
import dev.paddock.api.sandbox.SandboxStatus;
import dev.paddock.api.sandbox.ShutdownPolicy;
import dev.paddock.controller.ControllerSettings;
import dev.paddock.controller.template.FailedPodRestartPolicy;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.retry.GradualRetry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each Sandbox's Pod, headless Service and PVCs in line with its spec, and reports what it
 * sees in the status upstream clients read. Writes only what differs from the desired state: a
 * reconcile of a Sandbox whose world has not changed makes no API write.
 */
@ControllerConfiguration(name = SandboxReconciler.NAME)
@GradualRetry(maxAttempts = 10, initialInterval = 500, intervalMultiplier = 2, maxInterval = 60_000)
public class SandboxReconciler implements Reconciler<Sandbox> {
  public static final String NAME = "sandbox";

  /**
   * When a Sandbox blocked by something no informer reports on (a foreign object without the label,
   * a quota or policy refusal) looks again.
   */
  static final Duration RECHECK = Duration.ofMinutes(1);

  private static final Logger log = LoggerFactory.getLogger(SandboxReconciler.class);
  private static final String HASH_INDEX = "paddock-sandbox-name-hash";

  private final ControllerSettings settings;
  private final Clock clock;
  private final SandboxEvents events;
  private final FailedPodRestartPolicy failedPodRestarts = new FailedPodRestartPolicy();
  private InformerEventSource<Pod, Sandbox> pods;
  private InformerEventSource<Service, Sandbox> services;
  private InformerEventSource<PersistentVolumeClaim, Sandbox> claims;

  public SandboxReconciler(ControllerSettings settings) {
    this(settings, Clock.systemUTC());
  }

  public SandboxReconciler(ControllerSettings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
    this.events = new SandboxEvents(clock);
  }

  @Override
  public List<EventSource<?, Sandbox>> prepareEventSources(EventSourceContext<Sandbox> context) {
    IndexedResourceCache<Sandbox> sandboxes = context.getPrimaryCache();
    context
        .getPrimaryCache()
        .addIndexer(
            HASH_INDEX,
            s ->
                List.of(
                    hashKey(
                        s.getMetadata().getNamespace(), NameHash.of(s.getMetadata().getName()))));
    pods = new InformerEventSource<>(dependentInformer(Pod.class, "pods", sandboxes), context);
    services =
        new InformerEventSource<>(dependentInformer(Service.class, "services", sandboxes), context);
    claims =
        new InformerEventSource<>(
            dependentInformer(PersistentVolumeClaim.class, "pvcs", sandboxes), context);
    Map<String, java.util.function.Function<Pod, List<String>>> podIndex =
        Map.of(HASH_INDEX, SandboxReconciler::hashKeys);
    pods.addIndexers(podIndex);
    return List.of(pods, services, claims);
  }

  /**
   * Only objects carrying the name-hash label are cached: Paddock labels everything it creates or
   * adopts, so the cache holds a Sandbox's own objects and not the whole cluster's.
   */
  private <R extends HasMetadata> InformerEventSourceConfiguration<R> dependentInformer(
      Class<R> type, String name, IndexedResourceCache<Sandbox> sandboxes) {
    var config =
        InformerEventSourceConfiguration.from(type, Sandbox.class)
            .withName(name)
            .withLabelSelector(AgentsLabels.SANDBOX_NAME_HASH)
            .withSecondaryToPrimaryMapper(toSandbox(sandboxes));
    // JOSDK hands the one configured store to every per-namespace informer, and a shared store
    // would mix their caches: prune only when a single informer serves all namespaces watched
    if (settings.namespaces().size() <= 1) {
      config.withItemStore(new ManagedFieldsPruningStore<>());
    }
    return config.build();
  }

  /** Owner reference to a Sandbox first, else the Sandbox whose name hashes to the label. */
  static <R extends HasMetadata> SecondaryToPrimaryMapper<R> toSandbox(
      IndexedResourceCache<Sandbox> sandboxes) {
    return resource -> {
      String namespace = resource.getMetadata().getNamespace();
      Set<ResourceID> primaries = new HashSet<>();
      List<OwnerReference> refs = resource.getMetadata().getOwnerReferences();
      if (refs != null) {
        for (OwnerReference ref : refs) {
          if ("Sandbox".equals(ref.getKind())
              && ref.getApiVersion() != null
              && ref.getApiVersion().startsWith(Sandbox.GROUP + "/")) {
            primaries.add(new ResourceID(ref.getName(), namespace));
          }
        }
      }
      for (String key : hashKeys(resource)) {
        sandboxes.byIndex(HASH_INDEX, key).stream()
            .map(ResourceID::fromResource)
            .forEach(primaries::add);
      }
      return primaries;
    };
  }

  private static List<String> hashKeys(HasMetadata resource) {
    Map<String, String> labels = resource.getMetadata().getLabels();
    String hash = labels == null ? null : labels.get(AgentsLabels.SANDBOX_NAME_HASH);
    return hash == null ? List.of() : List.of(hashKey(resource.getMetadata().getNamespace(), hash));
  }

  private static String hashKey(String namespace, String hash) {
    return namespace + "/" + hash;
  }

  @Override
  public UpdateControl<Sandbox> reconcile(Sandbox sandbox, Context<Sandbox> context) {
    KubernetesClient client = context.getClient();
    Instant now = clock.instant();
    String ns = sandbox.getMetadata().getNamespace();
    String name = sandbox.getMetadata().getName();

    Instant shutdown;
    try {
      shutdown = shutdownTime(sandbox);
    } catch (DateTimeParseException e) {
      throw new PermanentSandboxError(
          SandboxProblem.invalidSpec(
              "spec.shutdownTime " + sandbox.getSpec().getShutdownTime() + " is not RFC 3339"),
          null);
    }
    if (shutdown != null && !now.isBefore(shutdown)) {
      return expire(sandbox, client, now);
    }

    SandboxProblem problem = reconcileClaims(sandbox, client);

    String podName = SandboxNames.podName(sandbox);
    String hash = SandboxNames.nameHash(sandbox);
    List<Pod> labelled =
        pods.byIndex(HASH_INDEX, hashKey(ns, hash)).stream()
            .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
            .toList();
    Pod pod = cached(pods, podName, ns).orElse(null);
    int matchingPods = labelled.size();
    boolean multiplePods = matchingPods > 1;
    Duration restartRecheck = null;
    if (multiplePods) {
      pod = pod != null && SandboxNames.isControlledBy(pod, sandbox) ? pod : null;
    } else if (problem == null) {
      PodOutcome outcome = reconcilePod(sandbox, client, pod, podName);
      pod = outcome.pod();
      problem = outcome.problem();
      restartRecheck = outcome.recheckIn();
    }
    if (pod != null && !SandboxNames.isControlledBy(pod, sandbox)) {
      pod = null; // a foreign pod never shows in this Sandbox's status
    }

    Service service = null;
    if (!multiplePods) {
      ServiceOutcome outcome = reconcileService(sandbox, client);
      service = outcome.service();
      problem = problem == null ? outcome.problem() : problem;
    }

    if (pod != null && !podName.equals(annotation(sandbox, AgentsLabels.POD_NAME))) {
      recordPodName(sandbox, client, podName);
    }

    var seen = new SandboxStatusBuilder.Observed(pod, service, matchingPods, problem, now);
    SandboxStatus desired = SandboxStatusBuilder.desired(sandbox, seen, settings.clusterDomain());
    if (problem != null) {
      throw new PermanentSandboxError(problem, desired);
    }
    if (multiplePods) {
      events.warnOnChange(client, sandbox, desired, SandboxConditions.MULTIPLE_PODS);
    }
    UpdateControl<Sandbox> control =
        desired.equals(sandbox.getStatus())
            ? UpdateControl.noUpdate()
            : UpdateControl.patchStatus(statusOnly(sandbox, desired));
    Duration wakeUp = restartRecheck;
    if (shutdown != null) {
      // wake up exactly at the shutdown time; nothing polls for it
      Duration untilShutdown = Duration.between(now, shutdown);
      wakeUp = wakeUp == null || untilShutdown.compareTo(wakeUp) < 0 ? untilShutdown : wakeUp;
    }
    if (wakeUp != null) {
      control.rescheduleAfter(wakeUp);
    }
    log.debug("reconciled sandbox {}/{}", ns, name);
    return control;
  }

  @Override
  public ErrorStatusUpdateControl<Sandbox> updateErrorStatus(
      Sandbox sandbox, Context<Sandbox> context, Exception e) {
    Instant now = clock.instant();
    PermanentSandboxError permanent = permanentCause(e);
    if (permanent != null) {
      SandboxProblem problem = permanent.problem();
      SandboxStatus status =
          permanent.status() != null
              ? permanent.status()
              : SandboxStatusBuilder.withReconcilerError(sandbox, problem.message(), now);
      log.warn(
          "sandbox {}/{}: {}",
          sandbox.getMetadata().getNamespace(),
          sandbox.getMetadata().getName(),
          problem.message());
      events.warnOnChange(context.getClient(), sandbox, status, problem.eventReason());
      ErrorStatusUpdateControl<Sandbox> control =
          status.equals(sandbox.getStatus())
              ? ErrorStatusUpdateControl.noStatusUpdate()
              : ErrorStatusUpdateControl.patchStatus(statusOnly(sandbox, status));
      // nothing watched will change for a foreign object or a refusal (quota, policy): look again
      return problem.recheck() ? control.rescheduleAfter(RECHECK) : control.withNoRetry();
    }
    // transient: say so in the status, and let @GradualRetry try again
    SandboxStatus status =
        SandboxStatusBuilder.withReconcilerError(
            sandbox, "Error seen: " + describe(rootCause(e)), now);
    log.warn(
        "sandbox {}/{}: reconcile failed, will retry: {}",
        sandbox.getMetadata().getNamespace(),
        sandbox.getMetadata().getName(),
        describe(rootCause(e)));
    return status.equals(sandbox.getStatus())
        ? ErrorStatusUpdateControl.defaultErrorProcessing()
        : ErrorStatusUpdateControl.patchStatus(statusOnly(sandbox, status));
  }

  /** JOSDK hands over the reconciler's exception wrapped (in an OperatorException, by metrics). */
  private static PermanentSandboxError permanentCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof PermanentSandboxError permanent) {
        return permanent;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return null;
  }

  // ---------------------------------------------------------------- expiry

  private UpdateControl<Sandbox> expire(Sandbox sandbox, KubernetesClient client, Instant now) {
    String ns = sandbox.getMetadata().getNamespace();
    cached(pods, SandboxNames.podName(sandbox), ns)
        .filter(p -> SandboxNames.isControlledBy(p, sandbox))
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .ifPresent(p -> delete(client, p, sandbox, "expired"));
    cached(services, SandboxNames.serviceName(sandbox), ns)
        .filter(s -> SandboxNames.isControlledBy(s, sandbox))
        .ifPresent(s -> delete(client, s, sandbox, "expired"));
    SandboxStatus expired = SandboxStatusBuilder.expired(sandbox, now);
    boolean marked = expired.equals(sandbox.getStatus());
    if (sandbox.getSpec().getShutdownPolicy() == ShutdownPolicy.Delete) {
      if (!marked) {
        // say why first, so a watcher (a claim, the SDK) sees SandboxExpired before it goes
        client.resource(statusOnly(sandbox, expired)).patchStatus();
      }
      log.info("sandbox {}/{} expired: deleting it (shutdownPolicy Delete)", ns, name(sandbox));
      client.resource(sandbox).delete();
      return UpdateControl.noUpdate();
    }
    if (marked) {
      return UpdateControl.noUpdate();
    }
    log.info("sandbox {}/{} expired: retained with cleared status", ns, name(sandbox));
    return UpdateControl.patchStatus(statusOnly(sandbox, expired));
  }

  // ---------------------------------------------------------------- PVCs

  private SandboxProblem reconcileClaims(Sandbox sandbox, KubernetesClient client) {
    for (PersistentVolumeClaim desired : SandboxPvcBuilder.desired(sandbox)) {
      String pvcName = desired.getMetadata().getName();
      PersistentVolumeClaim live =
          cached(claims, pvcName, sandbox.getMetadata().getNamespace())
              .orElseGet(() -> client.resource(desired).get());
      if (live == null) {
        try {
          PersistentVolumeClaim created = client.resource(desired).create();
          claims.handleRecentResourceCreate(ResourceID.fromResource(created), created);
          log.info("sandbox {}/{}: created PVC {}", ns(sandbox), name(sandbox), pvcName);
          continue;
        } catch (KubernetesClientException e) {
          if (isRejection(e)) {
            return SandboxProblem.rejected(
                "PersistentVolumeClaim", pvcName, e.getCode(), serverMessage(e));
          }
          if (e.getCode() != 409) {
            throw e;
          }
          live = client.resource(desired).get(); // created meanwhile: judge it below
          if (live == null) {
            throw e;
          }
        }
      }
      if (SandboxNames.isControlledBy(live, sandbox)) {
        continue; // a PVC's spec is immutable, and volumeClaimTemplates are too
      }
      if (!SandboxNames.isAdoptable(live, sandbox)) {
        return SandboxProblem.foreign("PersistentVolumeClaim", pvcName);
      }
      adopt(client, live, sandbox);
    }
    return null;
  }

  // ---------------------------------------------------------------- Pod

  /**
   * What became of the pod: the pod (or null), a problem, and when to look again for a failed pod
   * waiting out its restart backoff (or null).
   */
  private record PodOutcome(Pod pod, SandboxProblem problem, Duration recheckIn) {
    PodOutcome(Pod pod, SandboxProblem problem) {
      this(pod, problem, null);
    }
  }

  private PodOutcome reconcilePod(
      Sandbox sandbox, KubernetesClient client, Pod cachedPod, String podName) {
    Pod pod = cachedPod;
    if (SandboxStatusBuilder.isSuspended(sandbox)) {
      if (pod != null
          && SandboxNames.isControlledBy(pod, sandbox)
          && pod.getMetadata().getDeletionTimestamp() == null) {
        delete(client, pod, sandbox, "suspended");
      }
      return new PodOutcome(pod, null);
    }
    Pod desired = SandboxPodBuilder.desired(sandbox);
    if (pod == null) {
      pod = client.pods().inNamespace(ns(sandbox)).withName(podName).get();
    }
    if (pod == null) {
      try {
        Pod created = client.resource(desired).create();
        pods.handleRecentResourceCreate(ResourceID.fromResource(created), created);
        log.info("sandbox {}/{}: created pod {}", ns(sandbox), name(sandbox), podName);
        return new PodOutcome(created, null);
      } catch (KubernetesClientException e) {
        if (isRejection(e)) {
          return new PodOutcome(
              null, SandboxProblem.rejected("Pod", podName, e.getCode(), serverMessage(e)));
        }
        throw e;
      }
    }
    if (SandboxNames.isControlledBy(pod, sandbox)) {
      if (pod.getMetadata().getDeletionTimestamp() != null) {
        return new PodOutcome(pod, null); // its deletion event brings the next reconcile
      }
      FailedPodRestartPolicy.Decision restart =
          failedPodRestarts.decide(sandbox, pod, clock.instant());
      if (restart.action() == FailedPodRestartPolicy.Action.RECREATE) {
        // beyond upstream, opted in per template: a failed pod makes way for a new one; the
        // PVCs stay, and the restart count on the Sandbox drives the backoff of the next one
        delete(client, pod, sandbox, "failed; restart " + (restart.restartsSoFar() + 1));
        mergePatch(
            client,
            sandbox,
            Map.of(
                "metadata",
                Map.of(
                    "annotations",
                    failedPodRestarts.annotationsAfterRestart(restart, clock.instant()))));
        return new PodOutcome(null, null);
      }
      ensureMetadata(client, pod, desired.getMetadata(), sandbox);
      return new PodOutcome(
          pod,
          null,
          restart.action() == FailedPodRestartPolicy.Action.WAIT ? restart.delay() : null);
    }
    if (!SandboxNames.isAdoptable(pod, sandbox)) {
      return new PodOutcome(pod, SandboxProblem.foreign("Pod", podName));
    }
    return new PodOutcome(adopt(client, pod, sandbox), null);
  }

  /** Adds labels and annotations the template asks for and the live pod lacks; removes none. */
  private void ensureMetadata(
      KubernetesClient client, Pod pod, ObjectMeta desired, Sandbox sandbox) {
    Map<String, String> labels = missing(desired.getLabels(), pod.getMetadata().getLabels());
    Map<String, String> annotations =
        missing(desired.getAnnotations(), pod.getMetadata().getAnnotations());
    if (labels.isEmpty() && annotations.isEmpty()) {
      return;
    }
    Map<String, Object> metadata = new LinkedHashMap<>();
    if (!labels.isEmpty()) {
      metadata.put("labels", labels);
    }
    if (!annotations.isEmpty()) {
      metadata.put("annotations", annotations);
    }
    mergePatch(client, pod, Map.of("metadata", metadata));
    log.info(
        "sandbox {}/{}: updated pod {} labels/annotations",
        ns(sandbox),
        name(sandbox),
        pod.getMetadata().getName());
  }

  private static Map<String, String> missing(Map<String, String> want, Map<String, String> have) {
    Map<String, String> out = new LinkedHashMap<>();
    if (want != null) {
      want.forEach(
          (k, v) -> {
            if (have == null || !Objects.equals(have.get(k), v)) {
              out.put(k, v);
            }
          });
    }
    return out;
  }

  // ---------------------------------------------------------------- Service

  private record ServiceOutcome(Service service, SandboxProblem problem) {}

  private ServiceOutcome reconcileService(Sandbox sandbox, KubernetesClient client) {
    String svcName = SandboxNames.serviceName(sandbox);
    Service live = cached(services, svcName, ns(sandbox)).orElse(null);
    boolean owned = live != null && SandboxNames.isControlledBy(live, sandbox);
    Boolean wanted = sandbox.getSpec().getService();
    if (wanted == null) {
      return new ServiceOutcome(owned ? live : null, null); // keep an owned one, never create
    }
    if (!wanted) {
      if (owned) {
        delete(client, live, sandbox, "spec.service is false");
      }
      return new ServiceOutcome(null, null);
    }
    Service desired = SandboxServiceBuilder.desired(sandbox);
    if (live == null) {
      live = client.services().inNamespace(ns(sandbox)).withName(svcName).get();
      owned = live != null && SandboxNames.isControlledBy(live, sandbox);
    }
    if (live == null) {
      try {
        Service created = client.resource(desired).create();
        services.handleRecentResourceCreate(ResourceID.fromResource(created), created);
        log.info("sandbox {}/{}: created service {}", ns(sandbox), name(sandbox), svcName);
        return new ServiceOutcome(created, null);
      } catch (KubernetesClientException e) {
        if (isRejection(e)) {
          return new ServiceOutcome(
              null, SandboxProblem.rejected("Service", svcName, e.getCode(), serverMessage(e)));
        }
        throw e;
      }
    }
    if (!owned) {
      return new ServiceOutcome(null, SandboxProblem.foreign("Service", svcName));
    }
    if (!SandboxServiceBuilder.matches(live, desired)) {
      Map<String, Object> spec = new LinkedHashMap<>();
      spec.put("ports", desired.getSpec().getPorts());
      spec.put("selector", desired.getSpec().getSelector());
      live = mergePatch(client, live, Map.of("spec", spec));
      log.info("sandbox {}/{}: updated service {} ports", ns(sandbox), name(sandbox), svcName);
    }
    return new ServiceOutcome(live, null);
  }

  // ---------------------------------------------------------------- writes

  /** Makes this Sandbox the controller of an unowned object and gives it the name-hash label. */
  private <R extends HasMetadata> R adopt(KubernetesClient client, R object, Sandbox sandbox) {
    List<OwnerReference> refs = new ArrayList<>();
    if (object.getMetadata().getOwnerReferences() != null) {
      refs.addAll(object.getMetadata().getOwnerReferences());
    }
    refs.add(SandboxNames.ownerReference(sandbox));
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("ownerReferences", refs);
    metadata.put("labels", Map.of(AgentsLabels.SANDBOX_NAME_HASH, SandboxNames.nameHash(sandbox)));
    R adopted = mergePatch(client, object, Map.of("metadata", metadata));
    log.info(
        "sandbox {}/{}: adopted {} {}",
        ns(sandbox),
        name(sandbox),
        object.getKind(),
        object.getMetadata().getName());
    return adopted;
  }

  private static <R extends HasMetadata> R mergePatch(
      KubernetesClient client, R object, Map<String, Object> patch) {
    return client
        .resource(object)
        .patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(patch));
  }

  private static void delete(
      KubernetesClient client, HasMetadata object, Sandbox sandbox, String why) {
    client.resource(object).delete();
    log.info(
        "sandbox {}/{}: deleted {} {} ({})",
        ns(sandbox),
        name(sandbox),
        object.getKind(),
        object.getMetadata().getName(),
        why);
  }

  private void recordPodName(Sandbox sandbox, KubernetesClient client, String podName) {
    String patch =
        Serialization.asJson(
            Map.of("metadata", Map.of("annotations", Map.of(AgentsLabels.POD_NAME, podName))));
    client
        .resources(Sandbox.class)
        .inNamespace(ns(sandbox))
        .withName(name(sandbox))
        .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
  }

  /** A fresh object with only name, namespace and status: what a status patch should carry. */
  static Sandbox statusOnly(Sandbox sandbox, SandboxStatus status) {
    Sandbox fresh = new Sandbox();
    fresh.setMetadata(new ObjectMeta());
    fresh.getMetadata().setName(sandbox.getMetadata().getName());
    fresh.getMetadata().setNamespace(sandbox.getMetadata().getNamespace());
    fresh.setSpec(null);
    fresh.setStatus(status);
    return fresh;
  }

  // ---------------------------------------------------------------- helpers

  private static <R extends HasMetadata> Optional<R> cached(
      InformerEventSource<R, Sandbox> source, String name, String namespace) {
    return source.get(new ResourceID(name, namespace));
  }

  static Instant shutdownTime(Sandbox sandbox) {
    String text = sandbox.getSpec().getShutdownTime();
    return text == null || text.isEmpty() ? null : OffsetDateTime.parse(text).toInstant();
  }

  /**
   * Answers retrying at once cannot change: the object as built is invalid (400, 422), or a quota
   * or admission policy forbids it for now (403).
   */
  private static boolean isRejection(KubernetesClientException e) {
    return e.getCode() == 400 || e.getCode() == 422 || e.getCode() == 403;
  }

  private static String serverMessage(KubernetesClientException e) {
    if (e.getStatus() != null && e.getStatus().getMessage() != null) {
      return e.getStatus().getMessage();
    }
    return describe(e);
  }

  private static Throwable rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }

  private static String describe(Throwable e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  private static String annotation(Sandbox sandbox, String key) {
    Map<String, String> annotations = sandbox.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(key);
  }

  private static String ns(Sandbox sandbox) {
    return sandbox.getMetadata().getNamespace();
  }

  private static String name(Sandbox sandbox) {
    return sandbox.getMetadata().getName();
  }
}
