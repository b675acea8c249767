package dev.paddock.controller.claim;

import dev.paddock.api.common.PodTemplate;
import dev.paddock.api.extensions.NameReference;
import dev.paddock.api.extensions.SandboxClaim;
import dev.paddock.api.extensions.SandboxClaimSpec;
import dev.paddock.api.extensions.SandboxTemplate;
import dev.paddock.api.extensions.SandboxTemplateSpec;
import dev.paddock.api.extensions.SandboxWarmPool;
import dev.paddock.api.extensions.SandboxWarmPoolSpec;
import dev.paddock.api.extensions.UpdateStrategy;
import dev.paddock.api.extensions.UpdateStrategyType;
import dev.paddock.api.sandbox.Sandbox;
import dev.paddock.controller.ControllerSettings;
import dev.paddock.controller.PaddockOperator;
import dev.paddock.controller.pool.SandboxWarmPoolReconciler;
import dev.paddock.controller.template.SandboxTemplateReconciler;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Fixtures and an operator running the template, pool and claim reconcilers on a mock cluster. */
public final class PoolsAndClaims {
  public static final String NS = "agents";

  private PoolsAndClaims() {}

  /** Settings for an operator on the mock: no probe server, no server-side apply. */
  public static ControllerSettings settings() {
    return ControllerSettings.defaults()
        .withProbePort(-1)
        .withServerSideApplyStatus(false)
        .withMeterRegistry(new SimpleMeterRegistry())
        .withTerminationTimeout(Duration.ofSeconds(5));
  }

  /** An operator with the reconcilers of this issue; the caller starts it. */
  public static PaddockOperator operator(
      KubernetesClient client,
      ControllerSettings settings,
      boolean templates,
      boolean pools,
      boolean claims,
      Duration notReadyGrace) {
    List<PaddockOperator.ReconcilerFactory> factories = new ArrayList<>();
    if (templates) {
      factories.add(SandboxTemplateReconciler::new);
    }
    if (pools) {
      factories.add(
          s ->
              new SandboxWarmPoolReconciler(
                  s.maxWarmPoolReplicas(), notReadyGrace, Clock.systemUTC()));
    }
    if (claims) {
      factories.add(SandboxClaimReconciler::new);
    }
    return PaddockOperator.builder(client, settings).onlyReconcilers(factories).build();
  }

  public static PaddockOperator operator(KubernetesClient client, ControllerSettings settings) {
    return operator(client, settings, true, true, true, Duration.ofMinutes(10));
  }

  public static SandboxTemplate template(String name, String image) {
    SandboxTemplate template = new SandboxTemplate();
    template.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
    SandboxTemplateSpec spec = new SandboxTemplateSpec();
    spec.setPodTemplate(
        new PodTemplate(
            null,
            new PodSpecBuilder()
                .withContainers(
                    new ContainerBuilder()
                        .withName("agent")
                        .withImage(image)
                        .addNewEnv()
                        .withName("FROM_TEMPLATE")
                        .withValue("1")
                        .endEnv()
                        .build())
                .build()));
    template.setSpec(spec);
    return template;
  }

  public static SandboxWarmPool pool(String name, String template, int replicas) {
    SandboxWarmPool pool = new SandboxWarmPool();
    pool.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
    SandboxWarmPoolSpec spec = new SandboxWarmPoolSpec();
    spec.setReplicas(replicas);
    NameReference ref = new NameReference();
    ref.setName(template);
    spec.setSandboxTemplateRef(ref);
    pool.setSpec(spec);
    return pool;
  }

  public static SandboxWarmPool pool(
      String name, String template, int replicas, UpdateStrategyType strategy) {
    SandboxWarmPool pool = pool(name, template, replicas);
    UpdateStrategy updateStrategy = new UpdateStrategy();
    updateStrategy.setType(strategy);
    pool.getSpec().setUpdateStrategy(updateStrategy);
    return pool;
  }

  public static SandboxClaim claim(String name, String pool) {
    SandboxClaim claim = new SandboxClaim();
    claim.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
    SandboxClaimSpec spec = new SandboxClaimSpec();
    NameReference ref = new NameReference();
    ref.setName(pool);
    spec.setWarmPoolRef(ref);
    claim.setSpec(spec);
    return claim;
  }

  public static List<Sandbox> sandboxes(KubernetesClient client) {
    return client.resources(Sandbox.class).inNamespace(NS).list().getItems();
  }

  public static SandboxClaim getClaim(KubernetesClient client, String name) {
    return client.resources(SandboxClaim.class).inNamespace(NS).withName(name).get();
  }

  public static SandboxWarmPool getPool(KubernetesClient client, String name) {
    return client.resources(SandboxWarmPool.class).inNamespace(NS).withName(name).get();
  }
}
