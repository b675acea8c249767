package dev.paddock.controller.sandbox;

import dev.paddock.api.sandbox.Sandbox;
import dev.paddock.controller.ControllerSettings;
import io.fabric8.kubernetes.api.model.Pod;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import io.javaoperatorsdk.operator.processing.retry.GradualRetry;
import java.util.List;

/** Keeps each Sandbox's Pod, Service and PVCs in line with its spec (skeleton: pod only). */
@ControllerConfiguration(name = SandboxReconciler.NAME)
@GradualRetry(maxAttempts = 10, initialInterval = 500, intervalMultiplier = 2, maxInterval = 60_000)
public class SandboxReconciler implements Reconciler<Sandbox> {
  public static final String NAME = "sandbox";

  private final ControllerSettings settings;

  public SandboxReconciler(ControllerSettings settings) {
    this.settings = settings;
  }

  @Override
  public List<EventSource<?, Sandbox>> prepareEventSources(EventSourceContext<Sandbox> context) {
    var pods =
        InformerEventSourceConfiguration.from(Pod.class, Sandbox.class)
            .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(Sandbox.class, false))
            .build();
    return List.of(new InformerEventSource<>(pods, context));
  }

  @Override
  public UpdateControl<Sandbox> reconcile(Sandbox sandbox, Context<Sandbox> context) {
    if (context.getSecondaryResource(Pod.class).isEmpty()) {
      context.getClient().resource(SandboxPodBuilder.desired(sandbox)).create();
    }
    return UpdateControl.noUpdate();
  }
}
