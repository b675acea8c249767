package dev.paddock.e2e.support;

import static org.awaitility.Awaitility.await;

import dev.paddock.api.extensions.SandboxClaim;
import dev.paddock.api.extensions.SandboxWarmPool;
import dev.paddock.api.sandbox.Sandbox;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.awaitility.core.ConditionFactory;

/**
 * Agent Sandbox objects for end-to-end tests, written as the YAML users apply, and the questions
 * tests ask about them (is it Ready, who controls it, which sandboxes belong to a pool).
 */
public final class AgentSandboxes {

  /**
   * How long anything may take on the shared 2-core CI machine: generous on purpose, since these
   * tests prove behaviour, never speed.
   */
  public static final Duration PATIENCE = Duration.ofMinutes(2);

  private AgentSandboxes() {}

  /** Polls until the assertion holds, for up to {@link #PATIENCE}. */
  public static ConditionFactory eventually() {
    return await()
        .atMost(PATIENCE)
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(250))
        .ignoreExceptions();
  }

  /** Parses YAML (or JSON) as a user would write it into a typed object. */
  public static <T> T fromYaml(String yaml, Class<T> type) {
    return Serialization.unmarshal(yaml, type);
  }

  /** A SandboxTemplate named {@code name}: one container with a port, labels {@code app}. */
  public static String templateYaml(String name) {
    return """
        apiVersion: extensions.agents.x-k8s.io/v1beta1
        kind: SandboxTemplate
        metadata:
          name: %s
        spec:
          podTemplate:
            metadata:
              labels:
                app: agent
            spec:
              containers:
              - name: main
                image: registry.invalid/agent:1
                ports:
                - containerPort: 8888
        """
        .formatted(name);
  }

  /** A SandboxWarmPool of {@code replicas} sandboxes built from {@code template}. */
  public static String warmPoolYaml(String name, String template, int replicas) {
    return """
        apiVersion: extensions.agents.x-k8s.io/v1beta1
        kind: SandboxWarmPool
        metadata:
          name: %s
        spec:
          replicas: %d
          sandboxTemplateRef:
            name: %s
        """
        .formatted(name, replicas, template);
  }

  /** A SandboxClaim on {@code pool}. */
  public static String claimYaml(String name, String pool) {
    return """
        apiVersion: extensions.agents.x-k8s.io/v1beta1
        kind: SandboxClaim
        metadata:
          name: %s
        spec:
          warmPoolRef:
            name: %s
        """
        .formatted(name, pool);
  }

  public static Optional<Condition> condition(List<Condition> conditions, String type) {
    return conditions == null
        ? Optional.empty()
        : conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  public static Optional<Condition> readyCondition(Sandbox sandbox) {
    return sandbox == null || sandbox.getStatus() == null
        ? Optional.empty()
        : condition(sandbox.getStatus().getConditions(), "Ready");
  }

  public static Optional<Condition> readyCondition(SandboxClaim claim) {
    return claim == null || claim.getStatus() == null
        ? Optional.empty()
        : condition(claim.getStatus().getConditions(), "Ready");
  }

  public static boolean isReady(Sandbox sandbox) {
    return readyCondition(sandbox).map(c -> "True".equals(c.getStatus())).orElse(false);
  }

  public static boolean isReady(SandboxClaim claim) {
    return readyCondition(claim).map(c -> "True".equals(c.getStatus())).orElse(false);
  }

  /** The owner reference marked {@code controller: true}, if any. */
  public static Optional<OwnerReference> controllerOf(HasMetadata object) {
    List<OwnerReference> refs = object.getMetadata().getOwnerReferences();
    return refs == null
        ? Optional.empty()
        : refs.stream().filter(r -> Boolean.TRUE.equals(r.getController())).findFirst();
  }

  /** True when {@code owner} is the controller of {@code object} (same kind, name and uid). */
  public static boolean isControlledBy(HasMetadata object, HasMetadata owner) {
    return controllerOf(object)
        .filter(r -> owner.getKind().equals(r.getKind()))
        .filter(r -> owner.getMetadata().getName().equals(r.getName()))
        .filter(r -> owner.getMetadata().getUid().equals(r.getUid()))
        .isPresent();
  }

  /** The pool's live members: Sandboxes it controls that are not being deleted. */
  public static List<Sandbox> members(KubernetesClient client, SandboxWarmPool pool) {
    return client.resources(Sandbox.class).list().getItems().stream()
        .filter(s -> s.getMetadata().getDeletionTimestamp() == null)
        .filter(s -> isControlledBy(s, pool))
        .toList();
  }
}
