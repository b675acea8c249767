package dev.paddock.controller.claim;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.paddock.api.AgentsLabels;
import dev.paddock.api.common.PodMetadata;
import dev.paddock.api.extensions.ClaimShutdownPolicy;
import dev.paddock.api.extensions.ClaimedSandbox;
import dev.paddock.api.extensions.SandboxClaim;
import dev.paddock.api.extensions.SandboxClaimStatus;
import dev.paddock.api.extensions.SandboxTemplate;
import dev.paddock.api.extensions.SandboxWarmPool;
import dev.paddock.api.sandbox.Sandbox;
import dev.paddock.controller.ControllerSettings;
import dev.paddock.controller.pool.WarmPoolMembers;
import dev.paddock.controller.pool.WarmPoolPlanner;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import io.javaoperatorsdk.operator.processing.retry.GradualRetry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves SandboxClaims: binds each claim to exactly one Sandbox, warm from its pool or cold from
 * the pool's template, mirrors the sandbox's state into the claim's status and runs the claim's
 * lifecycle.
 *
 * <p>Exclusivity: a warm sandbox moves to a claim in one JSON patch that carries the sandbox's
 * resourceVersion, so of two claims racing for one sandbox the API server accepts exactly one; the
 * other gets 409 and takes the next candidate. Before that patch the claim records the binding in
 * its {@code agents.x-k8s.io/sandbox-name} annotation, so a controller that stops between the two
 * writes finishes the adoption after a restart instead of leaving a sandbox behind. Inside one
 * process, candidates are reserved so concurrent claims do not all race for the oldest member.
 *
 * <p>Speed: the claim path reads only informer caches, makes three writes for a warm claim whose
 * sandbox is Ready (binding annotation, adoption patch, status) and never waits on a timer: the
 * Sandbox informer maps a sandbox to its claim by owner reference, and the pool and template
 * informers wake the claims that were waiting for them.
 */
@ControllerConfiguration(name = SandboxClaimReconciler.NAME)
@GradualRetry(maxAttempts = 20, initialInterval = 100, intervalMultiplier = 2, maxInterval = 30_000)
public class SandboxClaimReconciler implements Reconciler<SandboxClaim> {
  public static final String NAME = "sandboxclaim";

  static final String CLAIMS_BY_POOL = "claims-by-pool";
  static final String SANDBOXES_BY_CLAIM = "sandboxes-by-claim";
  static final String SANDBOXES_BY_POOL = "sandboxes-by-pool";
  static final String POOLS_BY_TEMPLATE = "pools-by-template";

  private static final Logger log = LoggerFactory.getLogger(SandboxClaimReconciler.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration RESERVATION_TTL = Duration.ofMinutes(5);

  private final PodMetadataPolicy metadataPolicy;
  private final ClaimMetrics metrics;
  private final Clock clock;

  private InformerEventSource<Sandbox, SandboxClaim> sandboxes;
  private InformerEventSource<SandboxWarmPool, SandboxClaim> pools;
  private InformerEventSource<SandboxTemplate, SandboxClaim> templates;

  /** Sandboxes this process bound, by claim uid: the truth while the informer catches up. */
  private final Map<String, Binding> bindings = new ConcurrentHashMap<>();

  /** The status this process last wrote, by claim uid (the cached claim may not show it yet). */
  private final Map<String, SandboxClaimStatus> writtenStatus = new ConcurrentHashMap<>();

  /** Warm sandboxes being (or just) adopted here, by sandbox uid, so claims do not collide. */
  private final Map<String, Instant> reservations = new ConcurrentHashMap<>();

  private final Map<String, Instant> firstSeen = new ConcurrentHashMap<>();
  private final Map<String, String> launchTypes = new ConcurrentHashMap<>();
  private final Set<String> firstReadyWritten = ConcurrentHashMap.newKeySet();
  private final Set<String> firstReadyRecorded = ConcurrentHashMap.newKeySet();
  private final AtomicLong reconcileCount = new AtomicLong();

  private record Binding(Sandbox sandbox, boolean seen) {}

  /** The claim's annotations as this reconcile last wrote them, and the claim's version since. */
  private static final class ClaimAnnotations {
    final Map<String, String> values;
    final boolean hadFirstReady;
    String resourceVersion;

    ClaimAnnotations(SandboxClaim claim) {
      values =
          new LinkedHashMap<>(
              claim.getMetadata().getAnnotations() == null
                  ? Map.of()
                  : claim.getMetadata().getAnnotations());
      hadFirstReady = values.containsKey(AgentsLabels.CLAIM_FIRST_READY_AT);
      resourceVersion = claim.getMetadata().getResourceVersion();
    }
  }

  public SandboxClaimReconciler(ControllerSettings settings) {
    this(
        PodMetadataPolicy.DEFAULT_ALLOWED_LABEL_DOMAINS,
        new ClaimMetrics(settings.meterRegistry()),
        Clock.systemUTC());
  }

  public SandboxClaimReconciler(
      List<String> allowedLabelDomains, ClaimMetrics metrics, Clock clock) {
    this.metadataPolicy = new PodMetadataPolicy(allowedLabelDomains);
    this.metrics = metrics;
    this.clock = clock;
  }

  public ClaimMetrics metrics() {
    return metrics;
  }

  @Override
  public List<EventSource<?, SandboxClaim>> prepareEventSources(
      EventSourceContext<SandboxClaim> context) {
    IndexerResourceCache<SandboxClaim> claims = context.getPrimaryCache();
    claims.addIndexer(
        CLAIMS_BY_POOL,
        claim ->
            List.of(
                key(
                    claim.getMetadata().getNamespace(),
                    claim.getSpec().getWarmPoolRef().getName())));

    sandboxes =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Sandbox.class, SandboxClaim.class)
                .withName("claim-sandboxes")
                .withSecondaryToPrimaryMapper(
                    Mappers.fromOwnerReferences(SandboxClaim.class, false))
                .build(),
            context);
    sandboxes.addIndexers(
        Map.of(
            SANDBOXES_BY_CLAIM, SandboxClaimReconciler::claimIndexKeys,
            SANDBOXES_BY_POOL, WarmPoolMembers::poolIndexKeys));

    pools =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(SandboxWarmPool.class, SandboxClaim.class)
                .withName("claim-pools")
                .withSecondaryToPrimaryMapper(
                    (SandboxWarmPool pool) ->
                        waitingClaims(
                            claims,
                            key(pool.getMetadata().getNamespace(), pool.getMetadata().getName())))
                .withOnUpdateFilter(SandboxClaimReconciler::specChanged)
                .build(),
            context);
    pools.addIndexers(
        Map.of(
            POOLS_BY_TEMPLATE,
            pool ->
                List.of(
                    key(
                        pool.getMetadata().getNamespace(),
                        pool.getSpec().getSandboxTemplateRef().getName()))));

    templates =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(SandboxTemplate.class, SandboxClaim.class)
                .withName("claim-templates")
                .withSecondaryToPrimaryMapper(
                    (SandboxTemplate template) ->
                        pools
                            .byIndex(
                                POOLS_BY_TEMPLATE,
                                key(
                                    template.getMetadata().getNamespace(),
                                    template.getMetadata().getName()))
                            .stream()
                            .flatMap(
                                pool ->
                                    waitingClaims(
                                        claims,
                                        key(
                                            pool.getMetadata().getNamespace(),
                                            pool.getMetadata().getName()))
                                        .stream())
                            .collect(Collectors.toSet()))
                .withOnUpdateFilter(SandboxClaimReconciler::specChanged)
                .build(),
            context);
    return List.of(sandboxes, pools, templates);
  }

  private static boolean specChanged(
      io.fabric8.kubernetes.api.model.HasMetadata newer,
      io.fabric8.kubernetes.api.model.HasMetadata older) {
    return !Objects.equals(
        newer.getMetadata().getGeneration(), older.getMetadata().getGeneration());
  }

  /** Claims of a pool that are not bound yet: the ones a pool or template event may unblock. */
  private static Set<ResourceID> waitingClaims(
      IndexerResourceCache<SandboxClaim> claims, String pool) {
    return claims.byIndex(CLAIMS_BY_POOL, pool).stream()
        .filter(
            c ->
                c.getStatus() == null
                    || c.getStatus().getSandbox() == null
                    || !isReady(c.getStatus()))
        .map(ResourceID::fromResource)
        .collect(Collectors.toSet());
  }

  private static List<String> claimIndexKeys(Sandbox sandbox) {
    if (sandbox.getMetadata().getDeletionTimestamp() != null) {
      return List.of();
    }
    return controllingClaimUid(sandbox).map(List::of).orElse(List.of());
  }

  static Optional<String> controllingClaimUid(Sandbox sandbox) {
    List<OwnerReference> owners = sandbox.getMetadata().getOwnerReferences();
    if (owners == null) {
      return Optional.empty();
    }
    return owners.stream()
        .filter(o -> Boolean.TRUE.equals(o.getController()) && "SandboxClaim".equals(o.getKind()))
        .map(OwnerReference::getUid)
        .findFirst();
  }

  private static String key(String namespace, String name) {
    return namespace + "/" + name;
  }

  @Override
  public UpdateControl<SandboxClaim> reconcile(SandboxClaim claim, Context<SandboxClaim> context) {
    String uid = claim.getMetadata().getUid();
    Instant now = clock.instant();
    firstSeen.putIfAbsent(uid, now);
    metrics.reconciled(uid);
    sweep(context);
    if (claim.getMetadata().getDeletionTimestamp() != null) {
      return UpdateControl.noUpdate();
    }
    KubernetesClient client = context.getClient();
    SandboxClaimStatus current = writtenStatus.getOrDefault(uid, claim.getStatus());

    Optional<Instant> expiry = ClaimExpiry.of(withStatus(claim, current));
    if (expiry.isPresent() && !now.isBefore(expiry.get())) {
      return expire(claim, current, client, now);
    }

    Sandbox sandbox;
    try {
      sandbox = boundSandbox(claim, client, now);
      if (sandbox == null) {
        sandbox = bind(claim, client, now);
      }
    } catch (ClaimRejection rejection) {
      log.info(
          "{}/{}: {} ({})",
          claim.getMetadata().getNamespace(),
          claim.getMetadata().getName(),
          rejection.reason(),
          rejection.getMessage());
      SandboxClaimStatus rejected = new SandboxClaimStatus();
      rejected.setConditions(
          List.of(
              condition(
                  claim,
                  current,
                  "Ready",
                  "False",
                  rejection.reason(),
                  rejection.getMessage(),
                  now)));
      writeStatus(claim, current, rejected, client);
      return UpdateControl.noUpdate();
    }

    SandboxClaimStatus desired = mirror(claim, current, sandbox, now);
    if (isReady(desired)) {
      ensureFirstReadyAnnotation(claim, client, now);
    }
    writeStatus(claim, current, desired, client);
    if (isReady(desired) && firstReadyWritten.contains(uid) && firstReadyRecorded.add(uid)) {
      metrics.firstReady(
          uid,
          launchTypes.getOrDefault(uid, launchType(sandbox)),
          Duration.between(firstSeen.getOrDefault(uid, now), clock.instant()));
    }
    UpdateControl<SandboxClaim> control = UpdateControl.noUpdate();
    expiry.ifPresent(at -> control.rescheduleAfter(Duration.between(now, at).plusMillis(50)));
    return control;
  }

  private static String launchType(Sandbox sandbox) {
    String type =
        sandbox.getMetadata().getLabels() == null
            ? null
            : sandbox.getMetadata().getLabels().get(AgentsLabels.LAUNCH_TYPE);
    return type == null ? AgentsLabels.LAUNCH_TYPE_COLD : type;
  }

  // ---- finding the bound sandbox -------------------------------------------------------------

  /** The claim's sandbox, finishing an adoption a previous controller began; null if unbound. */
  private Sandbox boundSandbox(SandboxClaim claim, KubernetesClient client, Instant now)
      throws ClaimRejection {
    Sandbox owned = ownedSandbox(claim);
    if (owned != null) {
      return owned;
    }
    String annotated = annotation(claim, AgentsLabels.SANDBOX_NAME);
    if (annotated == null) {
      return null;
    }
    Optional<Sandbox> recorded =
        sandboxes.get(new ResourceID(annotated, claim.getMetadata().getNamespace()));
    if (recorded.isEmpty() || recorded.get().getMetadata().getDeletionTimestamp() != null) {
      return null;
    }
    if (claim.getMetadata().getUid().equals(controllingClaimUid(recorded.get()).orElse(null))) {
      bindings.put(claim.getMetadata().getUid(), new Binding(recorded.get(), true));
      return recorded.get();
    }
    if (WarmPoolMembers.controllingPoolUid(recorded.get()).isEmpty()) {
      return null; // another claim has it
    }
    // Still in the pool. Try it even if this process reserved it for another claim: the
    // resourceVersion decides, and skipping it could bind this claim twice (split brain).
    reserve(recorded.get());
    // bound on the claim, never moved: a controller stopped between the two writes
    log.info(
        "{}/{}: finishing the adoption of {} recorded on the claim",
        claim.getMetadata().getNamespace(),
        claim.getMetadata().getName(),
        annotated);
    Sandbox adopted = adopt(claim, recorded.get(), client);
    if (adopted == null) {
      return null;
    }
    if (WarmPoolPlanner.isReady(recorded.get())
        && annotation(claim, AgentsLabels.CLAIM_FIRST_READY_AT) != null) {
      firstReadyWritten.add(claim.getMetadata().getUid());
    }
    return adopted;
  }

  /** The sandbox this claim controls, from this process's bindings or the informer. */
  private Sandbox ownedSandbox(SandboxClaim claim) {
    String uid = claim.getMetadata().getUid();
    Binding binding = bindings.get(uid);
    if (binding != null) {
      Optional<Sandbox> cached = sandboxes.get(ResourceID.fromResource(binding.sandbox()));
      if (cached.isPresent() && uid.equals(controllingClaimUid(cached.get()).orElse(null))) {
        bindings.put(uid, new Binding(cached.get(), true));
        return cached.get();
      }
      if (!binding.seen()) {
        return binding.sandbox(); // the informer has not caught up with our write yet
      }
      bindings.remove(uid); // seen, and gone since: bind again
    }
    List<Sandbox> owned = sandboxes.byIndex(SANDBOXES_BY_CLAIM, uid);
    if (owned.isEmpty()) {
      return null;
    }
    String annotated = annotation(claim, AgentsLabels.SANDBOX_NAME);
    Sandbox chosen =
        owned.stream()
            .filter(s -> s.getMetadata().getName().equals(annotated))
            .findFirst()
            .orElse(owned.get(0));
    bindings.put(uid, new Binding(chosen, true));
    return chosen;
  }

  // ---- binding -------------------------------------------------------------------------------

  private Sandbox bind(SandboxClaim claim, KubernetesClient client, Instant now)
      throws ClaimRejection {
    metadataPolicy.validate(claim.getSpec().getAdditionalPodMetadata());
    String namespace = claim.getMetadata().getNamespace();
    String poolName = claim.getSpec().getWarmPoolRef().getName();
    SandboxWarmPool pool =
        pools
            .get(new ResourceID(poolName, namespace))
            .orElseThrow(
                () ->
                    new ClaimRejection(
                        ClaimReasons.WARM_POOL_NOT_FOUND,
                        "SandboxWarmPool " + poolName + " not found"));
    String templateName = pool.getSpec().getSandboxTemplateRef().getName();
    SandboxTemplate template =
        templates
            .get(new ResourceID(templateName, namespace))
            .orElseThrow(
                () ->
                    new ClaimRejection(
                        ClaimReasons.TEMPLATE_NOT_FOUND,
                        "SandboxTemplate "
                            + templateName
                            + " (of SandboxWarmPool "
                            + poolName
                            + ") not found"));
    Integer replicas = pool.getSpec().getReplicas();
    boolean alwaysCold = replicas != null && replicas == 0;
    ClaimAnnotations annotations = new ClaimAnnotations(claim);
    if (!alwaysCold && !ClaimSandboxes.needsColdStart(claim)) {
      Sandbox warm = adoptFromPool(claim, pool, client, now, annotations);
      if (warm != null) {
        return warm;
      }
    }
    // Validate before any write, then record the cold binding on the claim, guarded by its
    // resourceVersion like a warm one: two controllers (a leader hand-over) cannot then bind the
    // claim once warm and once cold. This replaces a warm binding that did not happen.
    Sandbox desired = ClaimSandboxes.coldSandbox(claim, template);
    String name = claim.getMetadata().getName();
    if (!name.equals(annotations.values.get(AgentsLabels.SANDBOX_NAME))) {
      annotations.values.put(AgentsLabels.SANDBOX_NAME, name);
      if (!annotations.hadFirstReady) {
        annotations.values.remove(AgentsLabels.CLAIM_FIRST_READY_AT);
      }
      recordBinding(claim, annotations, client);
    }
    return coldStart(claim, desired, template, client);
  }

  private Sandbox adoptFromPool(
      SandboxClaim claim,
      SandboxWarmPool pool,
      KubernetesClient client,
      Instant now,
      ClaimAnnotations state)
      throws ClaimRejection {
    List<Sandbox> candidates =
        sandboxes.byIndex(SANDBOXES_BY_POOL, pool.getMetadata().getUid()).stream()
            .filter(s -> s.getMetadata().getDeletionTimestamp() == null)
            .sorted(
                Comparator.comparing((Sandbox s) -> !WarmPoolPlanner.isReady(s))
                    .thenComparing(
                        s ->
                            s.getMetadata().getCreationTimestamp() == null
                                ? ""
                                : s.getMetadata().getCreationTimestamp())
                    .thenComparing(s -> s.getMetadata().getName()))
            .toList();
    String uid = claim.getMetadata().getUid();
    Map<String, String> annotations = state.values;
    boolean hadFirstReady = state.hadFirstReady;
    for (Sandbox candidate : candidates) {
      if (!reserve(candidate)) {
        continue;
      }
      boolean keepReservation = false;
      try {
        // validate the merged pod metadata before writing anything
        ClaimSandboxes.podMetadata(
            claim, candidate.getSpec().getPodTemplate().getMetadata(), templateOf(candidate));
        boolean ready = WarmPoolPlanner.isReady(candidate);
        annotations.put(AgentsLabels.SANDBOX_NAME, candidate.getMetadata().getName());
        boolean writesFirstReady = ready && !hadFirstReady;
        if (writesFirstReady) {
          // the claim is Ready the moment this adoption lands: stamp it in the same write
          annotations.put(AgentsLabels.CLAIM_FIRST_READY_AT, now.toString());
        } else if (!hadFirstReady) {
          annotations.remove(AgentsLabels.CLAIM_FIRST_READY_AT);
        }
        recordBinding(claim, state, client);
        Sandbox adopted = adopt(claim, candidate, client);
        keepReservation = true; // adopted here, or taken by another controller
        if (adopted != null) {
          if (writesFirstReady) {
            firstReadyWritten.add(uid);
          }
          return adopted;
        }
      } finally {
        if (!keepReservation) {
          reservations.remove(candidate.getMetadata().getUid());
        }
      }
    }
    return null;
  }

  private static String templateOf(Sandbox sandbox) {
    Map<String, String> annotations = sandbox.getMetadata().getAnnotations();
    String ref = annotations == null ? null : annotations.get(AgentsLabels.SANDBOX_TEMPLATE_REF);
    return ref == null ? "" : ref;
  }

  private boolean reserve(Sandbox candidate) {
    Instant now = clock.instant();
    String key = candidate.getMetadata().getUid();
    if (reservations.putIfAbsent(key, now) == null) {
      return true;
    }
    Instant since = reservations.get(key);
    return since != null
        && since.plus(RESERVATION_TTL).isBefore(now)
        && reservations.replace(key, since, now);
  }

  /** Write 1 of a warm claim: the binding on the claim, guarded by the claim's resourceVersion. */
  private void recordBinding(SandboxClaim claim, ClaimAnnotations state, KubernetesClient client) {
    ArrayNode ops = JSON.createArrayNode();
    ops.add(op("replace", "/metadata/resourceVersion", JSON.valueToTree(state.resourceVersion)));
    ops.add(op("add", "/metadata/annotations", JSON.valueToTree(state.values)));
    SandboxClaim patched =
        client
            .resources(SandboxClaim.class)
            .inNamespace(claim.getMetadata().getNamespace())
            .withName(claim.getMetadata().getName())
            .patch(PatchContext.of(PatchType.JSON), ops.toString());
    metrics.wrote(claim.getMetadata().getUid());
    state.resourceVersion = patched.getMetadata().getResourceVersion();
  }

  /**
   * Write 2 of a warm claim: moves the sandbox from its pool to the claim, guarded by the sandbox's
   * resourceVersion. Returns null when another claim won it (409) or it is gone.
   */
  private Sandbox adopt(SandboxClaim claim, Sandbox candidate, KubernetesClient client)
      throws ClaimRejection {
    String uid = claim.getMetadata().getUid();
    Map<String, String> labels =
        new LinkedHashMap<>(
            candidate.getMetadata().getLabels() == null
                ? Map.of()
                : candidate.getMetadata().getLabels());
    labels.remove(AgentsLabels.WARM_POOL_SANDBOX);
    labels.remove(AgentsLabels.SANDBOX_TEMPLATE_HASH);
    labels.putAll(ClaimSandboxes.identityLabels(claim, templateOf(candidate)));
    labels.put(AgentsLabels.LAUNCH_TYPE, AgentsLabels.LAUNCH_TYPE_WARM);
    if (templateOf(candidate).isEmpty()) {
      labels.remove(AgentsLabels.SANDBOX_TEMPLATE_REF_HASH);
      if (candidate.getMetadata().getLabels() != null
          && candidate
              .getMetadata()
              .getLabels()
              .containsKey(AgentsLabels.SANDBOX_TEMPLATE_REF_HASH)) {
        labels.put(
            AgentsLabels.SANDBOX_TEMPLATE_REF_HASH,
            candidate.getMetadata().getLabels().get(AgentsLabels.SANDBOX_TEMPLATE_REF_HASH));
      }
    }
    PodMetadata podMetadata =
        ClaimSandboxes.podMetadata(
            claim, candidate.getSpec().getPodTemplate().getMetadata(), templateOf(candidate));

    ArrayNode ops = JSON.createArrayNode();
    ops.add(
        op(
            "replace",
            "/metadata/resourceVersion",
            JSON.valueToTree(candidate.getMetadata().getResourceVersion())));
    ops.add(op("add", "/metadata/labels", JSON.valueToTree(labels)));
    ops.add(
        op(
            "add",
            "/metadata/ownerReferences",
            JSON.valueToTree(List.of(ClaimSandboxes.ownerReference(claim)))));
    ops.add(op("add", "/spec/podTemplate/metadata", JSON.valueToTree(podMetadata)));
    try {
      Sandbox adopted =
          client
              .resources(Sandbox.class)
              .inNamespace(candidate.getMetadata().getNamespace())
              .withName(candidate.getMetadata().getName())
              .patch(PatchContext.of(PatchType.JSON), ops.toString());
      metrics.wrote(uid);
      bindings.put(uid, new Binding(adopted, false));
      launchTypes.put(uid, AgentsLabels.LAUNCH_TYPE_WARM);
      sandboxes.handleRecentResourceUpdate(ResourceID.fromResource(adopted), adopted, candidate);
      log.info(
          "{}/{}: adopted warm sandbox {}",
          claim.getMetadata().getNamespace(),
          claim.getMetadata().getName(),
          adopted.getMetadata().getName());
      return adopted;
    } catch (KubernetesClientException e) {
      metrics.wrote(uid);
      if (e.getCode() == 409 || e.getCode() == 404 || e.getCode() == 422) {
        // lost it: to another claim, or to this claim in another controller (a split brain
        // during leader hand-over); a rare path, so read the sandbox to tell which
        Sandbox live =
            client
                .resources(Sandbox.class)
                .inNamespace(candidate.getMetadata().getNamespace())
                .withName(candidate.getMetadata().getName())
                .get();
        if (live != null && uid.equals(controllingClaimUid(live).orElse(null))) {
          bindings.put(uid, new Binding(live, false));
          return live;
        }
        metrics.conflict();
        log.info(
            "{}/{}: warm sandbox {} was taken by another claim ({}); trying the next",
            claim.getMetadata().getNamespace(),
            claim.getMetadata().getName(),
            candidate.getMetadata().getName(),
            e.getCode());
        return null;
      }
      throw e;
    }
  }

  private static ObjectNode op(
      String op, String path, com.fasterxml.jackson.databind.JsonNode value) {
    ObjectNode node = JSON.createObjectNode();
    node.put("op", op);
    node.put("path", path);
    node.set("value", value);
    return node;
  }

  private Sandbox coldStart(
      SandboxClaim claim, Sandbox desired, SandboxTemplate template, KubernetesClient client) {
    String uid = claim.getMetadata().getUid();
    Sandbox created;
    try {
      created = client.resource(desired).create();
      metrics.wrote(uid);
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
      metrics.wrote(uid);
      // already created (by us, before a restart, and the cache lags): rare, so read it
      created =
          client
              .resources(Sandbox.class)
              .inNamespace(claim.getMetadata().getNamespace())
              .withName(claim.getMetadata().getName())
              .get();
      if (created == null || !uid.equals(controllingClaimUid(created).orElse(null))) {
        throw new IllegalStateException(
            "a Sandbox named "
                + claim.getMetadata().getName()
                + " exists and is not controlled by the claim");
      }
    }
    bindings.put(uid, new Binding(created, false));
    launchTypes.put(uid, AgentsLabels.LAUNCH_TYPE_COLD);
    sandboxes.handleRecentResourceCreate(ResourceID.fromResource(created), created);
    log.info(
        "{}/{}: cold-started sandbox {} from template {}",
        claim.getMetadata().getNamespace(),
        claim.getMetadata().getName(),
        created.getMetadata().getName(),
        template.getMetadata().getName());
    return created;
  }

  // ---- lifecycle -----------------------------------------------------------------------------

  private UpdateControl<SandboxClaim> expire(
      SandboxClaim claim, SandboxClaimStatus current, KubernetesClient client, Instant now) {
    String uid = claim.getMetadata().getUid();
    ClaimShutdownPolicy policy =
        claim.getSpec().getLifecycle().getShutdownPolicy() == null
            ? ClaimShutdownPolicy.Retain
            : claim.getSpec().getLifecycle().getShutdownPolicy();
    if (policy == ClaimShutdownPolicy.Delete || policy == ClaimShutdownPolicy.DeleteForeground) {
      log.info(
          "{}/{}: expired, deleting the claim (shutdownPolicy {})",
          claim.getMetadata().getNamespace(),
          claim.getMetadata().getName(),
          policy);
      client
          .resources(SandboxClaim.class)
          .inNamespace(claim.getMetadata().getNamespace())
          .withName(claim.getMetadata().getName())
          .withPropagationPolicy(
              policy == ClaimShutdownPolicy.DeleteForeground
                  ? DeletionPropagation.FOREGROUND
                  : DeletionPropagation.BACKGROUND)
          .delete();
      metrics.wrote(uid);
      return UpdateControl.noUpdate();
    }
    Sandbox owned = ownedSandbox(claim);
    if (owned != null) {
      client
          .resources(Sandbox.class)
          .inNamespace(owned.getMetadata().getNamespace())
          .withName(owned.getMetadata().getName())
          .delete();
      metrics.wrote(uid);
      bindings.remove(uid);
      log.info(
          "{}/{}: expired, deleted its sandbox {} and kept the claim (shutdownPolicy Retain)",
          claim.getMetadata().getNamespace(),
          claim.getMetadata().getName(),
          owned.getMetadata().getName());
    }
    SandboxClaimStatus expired = new SandboxClaimStatus();
    List<Condition> conditions = new ArrayList<>();
    conditions.add(
        condition(
            claim,
            current,
            "Ready",
            "False",
            ClaimReasons.CLAIM_EXPIRED,
            "Claim expired; its sandbox was deleted",
            now));
    findCondition(current, "Finished").ifPresent(conditions::add);
    expired.setConditions(conditions);
    writeStatus(claim, current, expired, client);
    return UpdateControl.noUpdate();
  }

  // ---- status --------------------------------------------------------------------------------

  private SandboxClaimStatus mirror(
      SandboxClaim claim, SandboxClaimStatus current, Sandbox sandbox, Instant now) {
    Optional<Condition> sandboxReady = WarmPoolPlanner.readyCondition(sandbox);
    Condition ready;
    if (sandboxReady.isPresent()
        && ClaimReasons.SANDBOX_EXPIRED.equals(sandboxReady.get().getReason())) {
      ready =
          condition(
              claim,
              current,
              "Ready",
              "False",
              ClaimReasons.SANDBOX_EXPIRED,
              "The sandbox expired independently of the claim",
              now);
    } else if (sandboxReady.isPresent()) {
      Condition c = sandboxReady.get();
      ready =
          condition(
              claim,
              current,
              "Ready",
              "True".equals(c.getStatus()) ? "True" : "False",
              c.getReason() == null ? ClaimReasons.SANDBOX_NOT_READY : c.getReason(),
              c.getMessage() == null ? "" : c.getMessage(),
              now);
    } else {
      ready =
          condition(
              claim,
              current,
              "Ready",
              "False",
              ClaimReasons.SANDBOX_NOT_READY,
              "Sandbox is not ready",
              now);
    }
    List<Condition> conditions = new ArrayList<>();
    conditions.add(ready);
    if (sandbox.getStatus() != null && sandbox.getStatus().getConditions() != null) {
      sandbox.getStatus().getConditions().stream()
          .filter(c -> "Finished".equals(c.getType()))
          .findFirst()
          .ifPresent(
              c ->
                  conditions.add(
                      new ConditionBuilder(c)
                          .withObservedGeneration(claim.getMetadata().getGeneration())
                          .build()));
    }
    SandboxClaimStatus status = new SandboxClaimStatus();
    status.setConditions(conditions);
    ClaimedSandbox claimed = new ClaimedSandbox();
    claimed.setName(sandbox.getMetadata().getName());
    claimed.setPodIPs(sandbox.getStatus() == null ? null : sandbox.getStatus().getPodIPs());
    status.setSandbox(claimed);
    return status;
  }

  private static Condition condition(
      SandboxClaim claim,
      SandboxClaimStatus current,
      String type,
      String status,
      String reason,
      String message,
      Instant now) {
    String since =
        findCondition(current, type)
            .filter(c -> status.equals(c.getStatus()) && c.getLastTransitionTime() != null)
            .map(Condition::getLastTransitionTime)
            .orElse(now.toString());
    return new ConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason(reason)
        .withMessage(message)
        .withObservedGeneration(claim.getMetadata().getGeneration())
        .withLastTransitionTime(since)
        .build();
  }

  private static Optional<Condition> findCondition(SandboxClaimStatus status, String type) {
    if (status == null || status.getConditions() == null) {
      return Optional.empty();
    }
    return status.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  static boolean isReady(SandboxClaimStatus status) {
    return findCondition(status, "Ready").map(c -> "True".equals(c.getStatus())).orElse(false);
  }

  private void writeStatus(
      SandboxClaim claim,
      SandboxClaimStatus current,
      SandboxClaimStatus desired,
      KubernetesClient client) {
    if (equivalent(current, desired)) {
      return;
    }
    // a JSON patch that replaces the whole status: lists (conditions) are replaced, not merged
    ArrayNode ops = JSON.createArrayNode();
    ops.add(op("add", "/status", JSON.valueToTree(desired)));
    client
        .resources(SandboxClaim.class)
        .inNamespace(claim.getMetadata().getNamespace())
        .withName(claim.getMetadata().getName())
        .subresource("status")
        .patch(PatchContext.of(PatchType.JSON), ops.toString());
    metrics.wrote(claim.getMetadata().getUid());
    writtenStatus.put(claim.getMetadata().getUid(), desired);
  }

  /** Equal but for condition transition times (which only change with the status). */
  static boolean equivalent(SandboxClaimStatus a, SandboxClaimStatus b) {
    if (a == null || b == null) {
      return a == b;
    }
    return Objects.equals(comparable(a.getConditions()), comparable(b.getConditions()))
        && Objects.equals(sandboxOf(a), sandboxOf(b));
  }

  private static ClaimedSandbox sandboxOf(SandboxClaimStatus status) {
    ClaimedSandbox s = status.getSandbox();
    return s == null || (s.getName() == null && s.getPodIPs() == null) ? null : s;
  }

  private static Set<String> comparable(List<Condition> conditions) {
    if (conditions == null) {
      return Set.of();
    }
    return conditions.stream()
        .map(
            c ->
                c.getType()
                    + "|"
                    + c.getStatus()
                    + "|"
                    + c.getReason()
                    + "|"
                    + c.getMessage()
                    + "|"
                    + c.getObservedGeneration())
        .collect(Collectors.toSet());
  }

  /** Stamps {@code claim-first-ready-at} when a claim turns Ready and has no stamp yet. */
  private void ensureFirstReadyAnnotation(
      SandboxClaim claim, KubernetesClient client, Instant now) {
    String uid = claim.getMetadata().getUid();
    if (annotation(claim, AgentsLabels.CLAIM_FIRST_READY_AT) != null
        || firstReadyWritten.contains(uid)) {
      return;
    }
    // A merge patch adds the key whether or not the claim has annotations on the server. (A JSON
    // patch "add /metadata/annotations/<key>" is refused with 422 when it has none, and fabric8
    // shows a claim without annotations as an empty map, so the cache cannot tell.)
    String patch =
        JSON.createObjectNode()
            .set(
                "metadata",
                JSON.createObjectNode()
                    .set(
                        "annotations",
                        JSON.createObjectNode()
                            .put(AgentsLabels.CLAIM_FIRST_READY_AT, now.toString())))
            .toString();
    client
        .resources(SandboxClaim.class)
        .inNamespace(claim.getMetadata().getNamespace())
        .withName(claim.getMetadata().getName())
        .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
    metrics.wrote(uid);
    firstReadyWritten.add(uid);
  }

  private static String annotation(SandboxClaim claim, String key) {
    Map<String, String> annotations = claim.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(key);
  }

  private static SandboxClaim withStatus(SandboxClaim claim, SandboxClaimStatus status) {
    if (status == claim.getStatus()) {
      return claim;
    }
    SandboxClaim view = new SandboxClaim();
    view.setMetadata(claim.getMetadata());
    view.setSpec(claim.getSpec());
    view.setStatus(status);
    return view;
  }

  /** Forgets in-memory state of claims that no longer exist (no finalizer: no delete hook). */
  private void sweep(Context<SandboxClaim> context) {
    if (reconcileCount.incrementAndGet() % 1024 != 0) {
      return;
    }
    Set<String> live =
        context
            .getPrimaryCache()
            .list()
            .map(c -> c.getMetadata().getUid())
            .collect(Collectors.toSet());
    for (Map<String, ?> map : List.of(bindings, writtenStatus, firstSeen, launchTypes)) {
      map.keySet().retainAll(live);
    }
    firstReadyWritten.retainAll(live);
    firstReadyRecorded.retainAll(live);
    Instant cutoff = clock.instant().minus(RESERVATION_TTL);
    reservations.values().removeIf(at -> at.isBefore(cutoff));
  }
}
