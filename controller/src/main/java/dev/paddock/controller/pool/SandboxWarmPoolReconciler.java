package dev.paddock.controller.pool;

import dev.paddock.api.extensions.SandboxTemplate;
import dev.paddock.api.extensions.SandboxWarmPool;
import dev.paddock.api.extensions.SandboxWarmPoolStatus;
import dev.paddock.api.extensions.UpdateStrategyType;
import dev.paddock.api.sandbox.Sandbox;
import dev.paddock.controller.ControllerSettings;
import dev.paddock.controller.template.SandboxBlueprints;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
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
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import io.javaoperatorsdk.operator.processing.retry.GradualRetry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@code replicas} warm Sandboxes per SandboxWarmPool, built from its template, and reports
 * replicas, readyReplicas and the scale selector. It never over-creates: creates in flight are
 * counted until the informer shows them ({@link CreationExpectations}). Replicas are held at the
 * controller's {@code maxWarmPoolReplicas}, with a {@code ReplicasCapped} condition saying so.
 */
@ControllerConfiguration(name = SandboxWarmPoolReconciler.NAME)
@GradualRetry(maxAttempts = 20, initialInterval = 200, intervalMultiplier = 2, maxInterval = 30_000)
public class SandboxWarmPoolReconciler implements Reconciler<SandboxWarmPool> {
  public static final String NAME = "sandboxwarmpool";
  public static final Duration DEFAULT_NOT_READY_GRACE = Duration.ofMinutes(10);
  public static final String CONDITION_REPLICAS_CAPPED = "ReplicasCapped";
  public static final String CONDITION_TEMPLATE_FOUND = "TemplateFound";

  static final String MEMBERS_INDEX = "warm-pool-uid";
  static final String TEMPLATE_INDEX = "template-ref";

  private static final Logger log = LoggerFactory.getLogger(SandboxWarmPoolReconciler.class);

  private final int maxReplicas;
  private final Duration notReadyGrace;
  private final Clock clock;
  private final CreationExpectations expectations;
  private final Map<String, SandboxWarmPoolStatus> writtenStatus = new ConcurrentHashMap<>();
  private InformerEventSource<Sandbox, SandboxWarmPool> sandboxes;
  private InformerEventSource<SandboxTemplate, SandboxWarmPool> templates;

  public SandboxWarmPoolReconciler(ControllerSettings settings) {
    this(settings.maxWarmPoolReplicas(), DEFAULT_NOT_READY_GRACE, Clock.systemUTC());
  }

  public SandboxWarmPoolReconciler(int maxReplicas, Duration notReadyGrace, Clock clock) {
    this.maxReplicas = maxReplicas;
    this.notReadyGrace = notReadyGrace;
    this.clock = clock;
    this.expectations = new CreationExpectations(Duration.ofMinutes(2), clock);
  }

  @Override
  public List<EventSource<?, SandboxWarmPool>> prepareEventSources(
      EventSourceContext<SandboxWarmPool> context) {
    context.getPrimaryCache().addIndexer(TEMPLATE_INDEX, pool -> List.of(templateKey(pool)));
    sandboxes =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Sandbox.class, SandboxWarmPool.class)
                .withName("warm-pool-sandboxes")
                .withSecondaryToPrimaryMapper(SandboxWarmPoolReconciler::poolsOf)
                .build(),
            context);
    sandboxes.addIndexers(Map.of(MEMBERS_INDEX, WarmPoolMembers::poolIndexKeys));
    templates =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(SandboxTemplate.class, SandboxWarmPool.class)
                .withName("warm-pool-templates")
                .withSecondaryToPrimaryMapper(
                    (SandboxTemplate template) ->
                        context
                            .getPrimaryCache()
                            .byIndex(
                                TEMPLATE_INDEX,
                                template.getMetadata().getNamespace()
                                    + "/"
                                    + template.getMetadata().getName())
                            .stream()
                            .map(ResourceID::fromResource)
                            .collect(Collectors.toSet()))
                .build(),
            context);
    return List.of(sandboxes, templates);
  }

  private static final SecondaryToPrimaryMapper<Sandbox> OWNERS =
      Mappers.fromOwnerReferences(SandboxWarmPool.class, false);

  /**
   * The pool a sandbox belongs to, or belonged to: a claim's adoption removes the pool's owner
   * reference, and the pool must still hear of it to refill. Its members keep the {@code
   * generateName: <pool>-} they were created with.
   */
  static Set<ResourceID> poolsOf(Sandbox sandbox) {
    Set<ResourceID> pools = new HashSet<>(OWNERS.toPrimaryResourceIDs(sandbox));
    String generateName = sandbox.getMetadata().getGenerateName();
    if (generateName != null && generateName.length() > 1 && generateName.endsWith("-")) {
      pools.add(
          new ResourceID(
              generateName.substring(0, generateName.length() - 1),
              sandbox.getMetadata().getNamespace()));
    }
    return pools;
  }

  private static String templateKey(SandboxWarmPool pool) {
    String template =
        pool.getSpec() == null || pool.getSpec().getSandboxTemplateRef() == null
            ? ""
            : pool.getSpec().getSandboxTemplateRef().getName();
    return pool.getMetadata().getNamespace() + "/" + template;
  }

  @Override
  public UpdateControl<SandboxWarmPool> reconcile(
      SandboxWarmPool pool, Context<SandboxWarmPool> context) {
    KubernetesClient client = context.getClient();
    String namespace = pool.getMetadata().getNamespace();
    String uid = pool.getMetadata().getUid();
    Instant now = clock.instant();

    List<Sandbox> members = members(pool);
    int inFlight =
        expectations.inFlight(
            uid, name -> sandboxes.get(new ResourceID(name, namespace)).isPresent());
    int requested = requestedReplicas(pool);
    int desired = Math.min(requested, maxReplicas);

    String templateName = pool.getSpec().getSandboxTemplateRef().getName();
    Optional<SandboxTemplate> template = templates.get(new ResourceID(templateName, namespace));
    String templateHash = template.map(SandboxBlueprints::blueprintHash).orElse(null);
    UpdateStrategyType strategy =
        pool.getSpec().getUpdateStrategy() == null
                || pool.getSpec().getUpdateStrategy().getType() == null
            ? UpdateStrategyType.OnReplenish
            : pool.getSpec().getUpdateStrategy().getType();

    WarmPoolPlanner.Plan plan =
        WarmPoolPlanner.plan(
            desired, members, inFlight, templateHash, strategy, notReadyGrace, now);

    for (Sandbox member : plan.toDelete()) {
      deleteMember(client, member);
    }
    int created = 0;
    if (template.isPresent()) {
      for (int i = 0; i < plan.toCreate(); i++) {
        Sandbox createdMember =
            client.resource(WarmPoolMembers.build(pool, template.get(), templateHash)).create();
        expectations.expect(uid, createdMember.getMetadata().getName());
        created++;
      }
    }
    if (created > 0 || !plan.toDelete().isEmpty()) {
      log.info(
          "{}/{}: {} members ({} in flight), want {}: created {}, deleted {}",
          namespace,
          pool.getMetadata().getName(),
          members.size(),
          inFlight,
          desired,
          created,
          plan.toDelete().size());
    }

    SandboxWarmPoolStatus status =
        status(pool, members, requested, desired, template.isPresent(), templateName, now);
    // the cached pool may not show our last status write yet: compare with what we wrote
    SandboxWarmPoolStatus current = writtenStatus.getOrDefault(uid, pool.getStatus());
    if (!sameStatus(current, status)) {
      // a JSON patch replacing the whole status, so that conditions are replaced, not merged
      String patch =
          "[{\"op\":\"add\",\"path\":\"/status\",\"value\":"
              + client.getKubernetesSerialization().asJson(status)
              + "}]";
      client
          .resources(SandboxWarmPool.class)
          .inNamespace(namespace)
          .withName(pool.getMetadata().getName())
          .subresource("status")
          .patch(PatchContext.of(PatchType.JSON), patch);
      writtenStatus.put(uid, status);
    }
    UpdateControl<SandboxWarmPool> control = UpdateControl.noUpdate();
    plan.lookAgainIn().ifPresent(d -> control.rescheduleAfter(d.plusMillis(100)));
    return control;
  }

  private List<Sandbox> members(SandboxWarmPool pool) {
    return sandboxes.byIndex(MEMBERS_INDEX, pool.getMetadata().getUid()).stream()
        .filter(s -> s.getMetadata().getDeletionTimestamp() == null)
        .toList();
  }

  /** Deletes a member unless it changed since the cache saw it (a claim may be adopting it). */
  private void deleteMember(KubernetesClient client, Sandbox member) {
    try {
      client
          .resources(Sandbox.class)
          .inNamespace(member.getMetadata().getNamespace())
          .withName(member.getMetadata().getName())
          .lockResourceVersion(member.getMetadata().getResourceVersion())
          .delete();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404 && e.getCode() != 409) {
        throw e;
      }
      // gone already, or changed (adopted by a claim): the informer brings us back
    }
  }

  static int requestedReplicas(SandboxWarmPool pool) {
    Integer replicas = pool.getSpec().getReplicas();
    return replicas == null ? 1 : Math.max(0, replicas);
  }

  private SandboxWarmPoolStatus status(
      SandboxWarmPool pool,
      List<Sandbox> members,
      int requested,
      int desired,
      boolean templateFound,
      String templateName,
      Instant now) {
    SandboxWarmPoolStatus status = new SandboxWarmPoolStatus();
    status.setReplicas(members.size());
    status.setReadyReplicas((int) members.stream().filter(WarmPoolPlanner::isReady).count());
    status.setSelector(WarmPoolMembers.selector(pool.getMetadata().getName()));
    status.setObservedGeneration(pool.getMetadata().getGeneration());
    List<Condition> previous =
        pool.getStatus() == null || pool.getStatus().getConditions() == null
            ? List.of()
            : pool.getStatus().getConditions();
    List<Condition> conditions = new ArrayList<>();
    if (requested > desired) {
      conditions.add(
          condition(
              previous,
              CONDITION_REPLICAS_CAPPED,
              "True",
              "MaxWarmPoolReplicasExceeded",
              "spec.replicas "
                  + requested
                  + " exceeds the controller's maxWarmPoolReplicas "
                  + maxReplicas
                  + "; the pool is held at "
                  + desired,
              pool,
              now));
    }
    if (!templateFound) {
      conditions.add(
          condition(
              previous,
              CONDITION_TEMPLATE_FOUND,
              "False",
              "TemplateNotFound",
              "SandboxTemplate " + templateName + " not found",
              pool,
              now));
    }
    status.setConditions(conditions.isEmpty() ? null : conditions);
    return status;
  }

  private static Condition condition(
      List<Condition> previous,
      String type,
      String status,
      String reason,
      String message,
      SandboxWarmPool pool,
      Instant now) {
    String since =
        previous.stream()
            .filter(c -> type.equals(c.getType()) && status.equals(c.getStatus()))
            .map(Condition::getLastTransitionTime)
            .filter(Objects::nonNull)
            .findFirst()
            .orElse(now.toString());
    return new ConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason(reason)
        .withMessage(message)
        .withObservedGeneration(pool.getMetadata().getGeneration())
        .withLastTransitionTime(since)
        .build();
  }

  /** Status equality that treats absent and empty condition lists alike. */
  static boolean sameStatus(SandboxWarmPoolStatus current, SandboxWarmPoolStatus desired) {
    if (current == null) {
      return false;
    }
    List<Condition> a = current.getConditions() == null ? List.of() : current.getConditions();
    List<Condition> b = desired.getConditions() == null ? List.of() : desired.getConditions();
    return Objects.equals(current.getReplicas(), desired.getReplicas())
        && Objects.equals(current.getReadyReplicas(), desired.getReadyReplicas())
        && Objects.equals(current.getSelector(), desired.getSelector())
        && Objects.equals(current.getObservedGeneration(), desired.getObservedGeneration())
        && conditionsMatch(a, b);
  }

  private static boolean conditionsMatch(List<Condition> a, List<Condition> b) {
    if (a.size() != b.size()) {
      return false;
    }
    Set<String> left =
        a.stream()
            .map(
                c ->
                    c.getType()
                        + c.getStatus()
                        + c.getReason()
                        + c.getMessage()
                        + c.getObservedGeneration())
            .collect(Collectors.toSet());
    Set<String> right =
        b.stream()
            .map(
                c ->
                    c.getType()
                        + c.getStatus()
                        + c.getReason()
                        + c.getMessage()
                        + c.getObservedGeneration())
            .collect(Collectors.toSet());
    return left.equals(right);
  }
}
