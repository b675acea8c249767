package dev.paddock.e2e.support;

import dev.paddock.controller.ControllerSettings;
import dev.paddock.controller.PaddockOperator;
import dev.paddock.controller.claim.SandboxClaimReconciler;
import dev.paddock.controller.pool.SandboxWarmPoolReconciler;
import dev.paddock.controller.sandbox.SandboxReconciler;
import dev.paddock.controller.template.SandboxTemplateReconciler;
import dev.paddock.e2e.cluster.ControlPlaneBinaries;
import dev.paddock.e2e.cluster.LocalControlPlane;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.RegisteredController;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
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
 * deploy/crds}. It acts as Paddock's ServiceAccount with exactly the RBAC of {@code
 * deploy/base/rbac.yaml}, not as cluster admin. Started by the first test class that asks, kept in
 * the root context's store and stopped when the run ends, before the control plane (the store
 * closes in reverse order).
 *
 * <p>Test and lifecycle methods may take the {@link PaddockOperator}, e.g. to read its metrics.
 */
public final class PaddockControllerExtension implements BeforeAllCallback, ParameterResolver {

  private static final Logger LOG = LoggerFactory.getLogger(PaddockControllerExtension.class);
  private static final ExtensionContext.Namespace STORE =
      ExtensionContext.Namespace.create(PaddockControllerExtension.class);
  private static final String CONTROLLER = "paddock-controller";
  private static final String SERVICE_ACCOUNT_NAMESPACE = "paddock-system";
  private static final String SERVICE_ACCOUNT =
      "system:serviceaccount:" + SERVICE_ACCOUNT_NAMESPACE + ":paddock";

  /** The controllers these tests need; the run fails at once if one is not registered. */
  private static final Set<String> REQUIRED =
      Set.of(
          SandboxReconciler.NAME,
          SandboxTemplateReconciler.NAME,
          SandboxWarmPoolReconciler.NAME,
          SandboxClaimReconciler.NAME);

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
      client = clientAsPaddocksServiceAccount(controlPlane);
      ControllerSettings settings =
          ControllerSettings.defaults()
              .withProbePort(-1)
              .withServerSideApplyStatus(true)
              .withTerminationTimeout(Duration.ofSeconds(5));
      PaddockOperator operator = PaddockOperator.builder(client, settings).build();
      long started = System.nanoTime();
      operator.start();
      Set<String> registered = registeredNames(operator);
      if (!registered.containsAll(REQUIRED)) {
        operator.stop();
        throw new IllegalStateException(
            "PaddockOperator registers " + registered + ", the tests need " + REQUIRED);
      }
      LOG.info(
          "Paddock controller running in-process ({}), started in {} ms",
          registered,
          (System.nanoTime() - started) / 1_000_000);
      return new Running(operator, client, null);
    } catch (RuntimeException e) {
      if (client != null) {
        client.close();
      }
      return new Running(null, null, e);
    }
  }

  /**
   * A client that acts as the ServiceAccount {@code deploy/base} runs Paddock under, with the RBAC
   * {@code deploy/base/rbac.yaml} grants it (applied here), so that every IT also proves the
   * shipped permissions are enough: a missing verb fails the test with a 403 in the controller's
   * log.
   */
  private static KubernetesClient clientAsPaddocksServiceAccount(LocalControlPlane controlPlane) {
    Path base = ControlPlaneBinaries.findRepoRoot().resolve("deploy/base");
    try (KubernetesClient admin = controlPlane.newClient()) {
      for (String file : List.of("namespace.yaml", "rbac.yaml")) {
        try (InputStream in = Files.newInputStream(base.resolve(file))) {
          for (HasMetadata item : admin.load(in).items()) {
            admin.resource(item).fieldManager("paddock-e2e").forceConflicts().serverSideApply();
          }
        } catch (IOException e) {
          throw new UncheckedIOException("cannot read " + base.resolve(file), e);
        }
      }
    }
    KubernetesClient client =
        new KubernetesClientBuilder()
            .withConfig(
                new ConfigBuilder(controlPlane.clientConfig())
                    .withImpersonateUsername(SERVICE_ACCOUNT)
                    .withImpersonateGroups(
                        "system:serviceaccounts",
                        "system:serviceaccounts:" + SERVICE_ACCOUNT_NAMESPACE,
                        "system:authenticated")
                    .build())
            .build();
    // guard: cluster admin may delete nodes, Paddock's account may not
    boolean mayDeleteNodes =
        client
            .authorization()
            .v1()
            .selfSubjectAccessReview()
            .create(
                new SelfSubjectAccessReviewBuilder()
                    .withNewSpec()
                    .withNewResourceAttributes()
                    .withVerb("delete")
                    .withResource("nodes")
                    .endResourceAttributes()
                    .endSpec()
                    .build())
            .getStatus()
            .getAllowed();
    if (mayDeleteNodes) {
      client.close();
      throw new IllegalStateException("the controller's client is not " + SERVICE_ACCOUNT);
    }
    return client;
  }

  private static Set<String> registeredNames(PaddockOperator operator) {
    return operator.runtimeInfo().getRegisteredControllers().stream()
        .map(RegisteredController::getConfiguration)
        .map(c -> c.getName())
        .collect(Collectors.toCollection(TreeSet::new));
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
