package dev.paddock.e2e.support;

import dev.paddock.e2e.cluster.LocalControlPlane;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JUnit 5 extension for {@code *IT} tests against a real local control plane.
 *
 * <ul>
 *   <li>ONE {@link LocalControlPlane} per test run, started on first use and kept in the root
 *       context's store, which closes it (stopping every process) when the run ends. If it fails to
 *       start, every later test fails at once with the same cause.
 *   <li>A fresh namespace per test, {@code it-<method>-<random>}, whose default ServiceAccount
 *       exists before the test starts; deleted after the test.
 *   <li>Test and lifecycle methods may take a {@link KubernetesClient} (admin, its default
 *       namespace the test's namespace: {@code client.getNamespace()}; closed after the test) and
 *       the {@link LocalControlPlane}.
 *   <li>When a test fails, the component logs and the namespace's pods and events are copied to
 *       {@code e2e/target/controlplane-logs/<TestClass>.<method>/}.
 * </ul>
 */
public final class ControlPlaneExtension
    implements BeforeEachCallback, AfterEachCallback, ParameterResolver {

  private static final Logger LOG = LoggerFactory.getLogger(ControlPlaneExtension.class);
  private static final ExtensionContext.Namespace STORE =
      ExtensionContext.Namespace.create(ControlPlaneExtension.class);
  private static final String CONTROL_PLANE = "control-plane";
  private static final String CLIENT = "client";
  private static final String NAMESPACE = "namespace";

  /** The control plane, or why it could not start; closing it stops the control plane. */
  private static final class Shared implements AutoCloseable {
    final Path workDir;
    final LocalControlPlane controlPlane;
    final RuntimeException failure;

    Shared(Path workDir, LocalControlPlane controlPlane, RuntimeException failure) {
      this.workDir = workDir;
      this.controlPlane = controlPlane;
      this.failure = failure;
    }

    @Override
    public void close() {
      if (controlPlane != null) {
        controlPlane.close();
      }
    }
  }

  /** The control plane of this test run, started on first call. */
  public static LocalControlPlane controlPlane(ExtensionContext context) {
    Shared shared = shared(context);
    if (shared.failure != null) {
      throw new IllegalStateException(
          "the local control plane failed to start earlier in this run", shared.failure);
    }
    return shared.controlPlane;
  }

  private static Shared shared(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(STORE)
        .getOrComputeIfAbsent(CONTROL_PLANE, key -> startShared(), Shared.class);
  }

  private static Shared startShared() {
    Path workDir =
        e2eTarget()
            .resolve("controlplane")
            .resolve(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    try {
      LocalControlPlane controlPlane = LocalControlPlane.builder().workDir(workDir).start();
      LOG.info(
          "control plane {} up in {} ms, kubeconfig {}",
          controlPlane.kubernetesVersion(),
          controlPlane.startupTime().toMillis(),
          controlPlane.kubeconfig());
      return new Shared(workDir, controlPlane, null);
    } catch (RuntimeException e) {
      return new Shared(workDir, null, e);
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    LocalControlPlane controlPlane = controlPlane(context);
    String namespace = namespaceName(context);
    KubernetesClient client = controlPlane.newClient(namespace);
    ExtensionContext.Store store = context.getStore(STORE);
    store.put(CLIENT, client);
    client
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(namespace)
                .addToLabels("paddock.dev/test", "true")
                .endMetadata()
                .build())
        .create();
    store.put(NAMESPACE, namespace);
    // Pods are refused until the ServiceAccount controller has made the default account.
    client
        .serviceAccounts()
        .inNamespace(namespace)
        .withName("default")
        .waitUntilCondition(sa -> sa != null, 60, TimeUnit.SECONDS);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    ExtensionContext.Store store = context.getStore(STORE);
    KubernetesClient client = store.remove(CLIENT, KubernetesClient.class);
    String namespace = store.remove(NAMESPACE, String.class);
    if (client == null) {
      // beforeEach failed, perhaps because the control plane did not start: keep its logs
      if (context.getExecutionException().isPresent()) {
        saveDiagnostics(context, null, null);
      }
      return;
    }
    try {
      if (context.getExecutionException().isPresent()) {
        saveDiagnostics(context, client, namespace);
      }
      if (namespace != null) {
        client.namespaces().withName(namespace).delete();
      }
    } finally {
      client.close();
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == KubernetesClient.class || type == LocalControlPlane.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    if (type == LocalControlPlane.class) {
      return controlPlane(context);
    }
    KubernetesClient client = context.getStore(STORE).get(CLIENT, KubernetesClient.class);
    if (client == null) {
      throw new ParameterResolutionException(
          "a KubernetesClient is only available to test methods and @BeforeEach/@AfterEach");
    }
    return client;
  }

  private static String namespaceName(ExtensionContext context) {
    String method = context.getTestMethod().map(m -> m.getName()).orElse("test");
    String slug =
        method
            .replaceAll("([a-z0-9])([A-Z])", "$1-$2")
            .toLowerCase(Locale.ROOT)
            .replaceAll("[^a-z0-9-]", "-")
            .replaceAll("-+", "-")
            .replaceAll("^-|-$", "");
    if (slug.length() > 40) {
      slug = slug.substring(0, 40).replaceAll("-$", "");
    }
    String suffix = Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36 * 36), 36);
    return "it-" + slug + "-" + suffix;
  }

  private static void saveDiagnostics(
      ExtensionContext context, KubernetesClient client, String namespace) {
    String test =
        context.getRequiredTestClass().getSimpleName()
            + "."
            + context.getTestMethod().map(m -> m.getName()).orElse("unknown");
    Path target = e2eTarget().resolve("controlplane-logs").resolve(test);
    try {
      Files.createDirectories(target);
      Path logDir = shared(context).workDir.resolve("logs");
      try (Stream<Path> logs = Files.exists(logDir) ? Files.list(logDir) : Stream.empty()) {
        for (Path log : (Iterable<Path>) logs::iterator) {
          Files.copy(log, target.resolve(log.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
      }
      if (client != null && namespace != null) {
        Files.writeString(
            target.resolve("namespace-pods.yaml"),
            Serialization.asYaml(client.pods().inNamespace(namespace).list()),
            StandardCharsets.UTF_8);
        Files.writeString(
            target.resolve("namespace-events.yaml"),
            Serialization.asYaml(client.v1().events().inNamespace(namespace).list()),
            StandardCharsets.UTF_8);
      }
      LOG.warn("{} failed; control-plane logs copied to {}", test, target);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy the control-plane logs to " + target, e);
    } catch (RuntimeException e) {
      LOG.warn("{} failed; could not save all diagnostics to {}: {}", test, target, e.toString());
    }
  }

  /** {@code e2e/target}: from the repository root that failsafe passes, else ./target. */
  static Path e2eTarget() {
    String root = System.getProperty("paddock.root");
    if (root != null && !root.isBlank()) {
      return Path.of(root).resolve("e2e").resolve("target");
    }
    return Path.of("target").toAbsolutePath();
  }
}
