package dev.paddock.controller.claim;

import dev.paddock.api.sandbox.Sandbox;
import dev.paddock.api.sandbox.SandboxStatus;
import dev.paddock.controller.pool.WarmPoolPlanner;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stands in for the Sandbox controller and the kubelet, which the mock tier does not run: marks
 * every Sandbox Ready (reason DependenciesReady, a pod IP) shortly after it appears.
 */
public final class FakeKubelet implements AutoCloseable {
  private final KubernetesClient client;
  private final SharedIndexInformer<Sandbox> informer;
  private final ExecutorService workers = Executors.newFixedThreadPool(2);
  private final AtomicBoolean enabled = new AtomicBoolean(true);
  private final AtomicInteger ip = new AtomicInteger(1);

  public FakeKubelet(KubernetesClient client) {
    this.client = client;
    this.informer =
        client
            .resources(Sandbox.class)
            .inNamespace(PoolsAndClaims.NS)
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(Sandbox sandbox) {
                    maybeReady(sandbox);
                  }

                  @Override
                  public void onUpdate(Sandbox old, Sandbox sandbox) {
                    maybeReady(sandbox);
                  }

                  @Override
                  public void onDelete(Sandbox sandbox, boolean unknown) {}
                });
  }

  /** Stops (or resumes) marking sandboxes Ready; resuming marks the waiting ones. */
  public void setEnabled(boolean on) {
    enabled.set(on);
    if (on) {
      informer.getStore().list().forEach(this::maybeReady);
    }
  }

  private void maybeReady(Sandbox sandbox) {
    if (!enabled.get() || WarmPoolPlanner.isReady(sandbox)) {
      return;
    }
    workers.submit(() -> markReady(sandbox.getMetadata().getName()));
  }

  private void markReady(String name) {
    if (!enabled.get()) {
      return;
    }
    SandboxStatus status = new SandboxStatus();
    status.setConditions(
        List.of(
            new ConditionBuilder()
                .withType("Ready")
                .withStatus("True")
                .withReason("DependenciesReady")
                .withMessage("Pod is Ready")
                .withLastTransitionTime(Instant.now().toString())
                .build()));
    int n = ip.getAndIncrement();
    status.setPodIPs(List.of("10.1." + (n / 250) + "." + (n % 250 + 1)));
    try {
      client
          .resources(Sandbox.class)
          .inNamespace(PoolsAndClaims.NS)
          .withName(name)
          .subresource("status")
          .patch(
              PatchContext.of(PatchType.JSON),
              "[{\"op\":\"add\",\"path\":\"/status\",\"value\":"
                  + client.getKubernetesSerialization().asJson(status)
                  + "}]");
    } catch (KubernetesClientException e) {
      // deleted meanwhile
    }
  }

  @Override
  public void close() {
    informer.close();
    workers.shutdownNow();
  }
}
