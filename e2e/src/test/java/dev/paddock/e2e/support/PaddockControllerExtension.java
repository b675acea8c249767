package dev.paddock.e2e.support;

import dev.paddock.controller.ControllerSettings;
import dev.paddock.controller.PaddockOperator;
import dev.paddock.controller.claim.SandboxClaimReconciler;
import dev.paddock.controller.pool.SandboxWarmPoolReconciler;
import dev.paddock.controller.sandbox.SandboxReconciler;
import dev.paddock.controller.template.SandboxTemplateReconciler;
import dev.paddock.e2e.cluster.LocalControlPlane;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.RegisteredController;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs ONE Paddock controller ({@link PaddockOperator}, every reconciler, all namespaces)
 * in-process against the run's local control plane, after installing the CRDs from {@code
 * deploy/crds}. Started by the first test class that asks, kept in the root context's store and
 * stopped when the run ends, before the control plane (the store closes in reverse order).
 *
 * <p>Test and lifecycle methods may take the {@link PaddockOperator}, e.g. to read its metrics.
 */
public final class PaddockControllerExtension implements BeforeAllCallback, ParameterResolver {

  private static final Logger LOG = LoggerFactory.getLogger(PaddockControllerExtension.class);
  private static final ExtensionContext.Namespace STORE =
      ExtensionContext.Namespace.create(PaddockControllerExtension.class);
  private static final String CONTROLLER = "paddock-controller";

  /**
   * The reconcilers these tests need, by controller name. Any the operator does not register itself
   * are added, so the tests run whether or not a reconciler is in {@code
   * PaddockOperator.builtInReconcilers()} yet.
   */
  private static final Map<String, PaddockOperator.ReconcilerFactory> REQUIRED =
      requiredReconcilers();

  private static Map<String, PaddockOperator.ReconcilerFactory> requiredReconcilers() {
    Map<String, PaddockOperator.ReconcilerFactory> required = new LinkedHashMap<>();
    required.put(SandboxReconciler.NAME, SandboxReconciler::new);
    required.put(SandboxTemplateReconciler.NAME, SandboxTemplateReconciler::new);
    required.put(SandboxWarmPoolReconciler.NAME, SandboxWarmPoolReconciler::new);
    required.put(SandboxClaimReconciler.NAME, SandboxClaimReconciler::new);
    return required;
  }

  /** The running controller and its client, or why it could not start. */
  private static final class Running implements AutoCloseable {
    final PaddockOperator operator;
    final KubernetesClient client;
    final RuntimeException failure;

    Running(PaddockOperator operator, KubernetesClient client, RuntimeException failure) {
      this.operator = operator;
      this.client = client;
      this.failure = failure;
    }

    @Override
    public void close() {
      try {
        if (operator != null) {
          operator.stop();
        }
      } finally {
        if (client != null) {
          client.close();
        }
      }
    }
  }

  /** The controller of this run, started (with the CRDs installed) on first call. */
  public static PaddockOperator controller(ExtensionContext context) {
    Running running =
        context
            .getRoot()
            .getStore(STORE)
            .getOrComputeIfAbsent(
                CONTROLLER,
                key -> start(ControlPlaneExtension.controlPlane(context)),
                Running.class);
    if (running.failure != null) {
      throw new IllegalStateException(
          "the Paddock controller failed to start earlier in this run", running.failure);
    }
    return running.operator;
  }

  private static Running start(LocalControlPlane controlPlane) {
    KubernetesClient client = null;
    try {
      PaddockCrds.ensureInstalled(controlPlane);
      client = controlPlane.newClient();
      ControllerSettings settings =
          ControllerSettings.defaults()
              .withProbePort(-1)
              .withServerSideApplyStatus(true)
              .withTerminationTimeout(Duration.ofSeconds(5));
      PaddockOperator operator = withRequiredReconcilers(client, settings);
      long started = System.nanoTime();
      operator.start();
      LOG.info(
          "Paddock controller running in-process ({}), started in {} ms",
          registeredNames(operator),
          (System.nanoTime() - started) / 1_000_000);
      return new Running(operator, client, null);
    } catch (RuntimeException e) {
      if (client != null) {
        client.close();
      }
      return new Running(null, null, e);
    }
  }

  private static PaddockOperator withRequiredReconcilers(
      KubernetesClient client, ControllerSettings settings) {
    // an operator that is built but never started holds no threads or watches: safe to drop
    Set<String> builtIn = registeredNames(PaddockOperator.builder(client, settings).build());
    PaddockOperator.Builder builder = PaddockOperator.builder(client, settings);
    REQUIRED.forEach(
        (name, factory) -> {
          if (!builtIn.contains(name)) {
            LOG.warn("reconciler {} is not built in to PaddockOperator yet: adding it", name);
            builder.withReconciler(factory);
          }
        });
    return builder.build();
  }

  private static Set<String> registeredNames(PaddockOperator operator) {
    return operator.runtimeInfo().getRegisteredControllers().stream()
        .map(RegisteredController::getConfiguration)
        .map(c -> c.getName())
        .collect(Collectors.toCollection(java.util.TreeSet::new));
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    controller(context);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == PaddockOperator.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return controller(context);
  }
}
