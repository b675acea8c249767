package dev.paddock.controller.sandbox;

import static dev.paddock.controller.sandbox.SandboxFixtures.sandbox;
import static dev.paddock.controller.sandbox.SandboxFixtures.withWorkspace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.paddock.api.AgentsLabels;
import dev.paddock.api.NameHash;
import dev.paddock.api.sandbox.OperatingMode;
import dev.paddock.api.sandbox.Sandbox;
import dev.paddock.api.sandbox.ShutdownPolicy;
import dev.paddock.controller.ControllerSettings;
import dev.paddock.controller.PaddockOperator;
import dev.paddock.controller.template.FailedPodRestartPolicy;
import dev.paddock.controller.testing.MockCluster;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodIPBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Sandbox controller against fabric8's mock API server (CRUD mode). The mock has no kubelet, so
 * tests move pods through their lifecycle themselves; each test works in its own namespace.
 */
class SandboxReconcilerTest {
  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final AtomicInteger NAMESPACES = new AtomicInteger();

  private static MockCluster cluster;
  private static KubernetesClient client;
  private static PaddockOperator operator;
  private static MeterRegistry metrics;

  private String ns;

  @BeforeAll
  static void startOperator() {
    cluster = MockCluster.start();
    client = cluster.client();
    operator = newOperator();
    operator.start();
  }

  private static PaddockOperator newOperator() {
    metrics = new SimpleMeterRegistry();
    return PaddockOperator.builder(
            client,
            ControllerSettings.defaults()
                .withClusterDomain("cluster.example")
                .withProbePort(-1)
                .withServerSideApplyStatus(false)
                .withMeterRegistry(metrics)
                .withTerminationTimeout(Duration.ofSeconds(5)))
        .onlyReconcilers(List.of(SandboxReconciler::new))
        .build();
  }

  @AfterAll
  static void stopOperator() {
    operator.stop();
    cluster.close();
  }

  @BeforeEach
  void newNamespace() {
    ns = "test-" + NAMESPACES.incrementAndGet();
  }

  // ------------------------------------------------------------------ pod

  @Test
  void createsAnOwnedPodNamedAfterTheSandboxWithoutReservedTemplateLabels() {
    Sandbox created = client.resource(sandbox(ns, "alpha")).create();

    Pod pod = awaitPod("alpha");

    assertThat(pod.getMetadata().getLabels())
        .containsEntry("app", "agent")
        .containsEntry(AgentsLabels.SANDBOX_NAME_HASH, NameHash.of("alpha"))
        .doesNotContainKey(AgentsLabels.LAUNCH_TYPE);
    assertThat(pod.getMetadata().getAnnotations()).containsEntry("team", "research");
    assertThat(pod.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            ref -> {
              assertThat(ref.getUid()).isEqualTo(created.getMetadata().getUid());
              assertThat(ref.getKind()).isEqualTo("Sandbox");
              assertThat(ref.getController()).isTrue();
            });
    Sandbox sandbox =
        awaitSandbox(
            "alpha",
            s ->
                s.getMetadata().getAnnotations() != null
                    && "alpha".equals(s.getMetadata().getAnnotations().get(AgentsLabels.POD_NAME)));
    assertThat(sandbox.getMetadata().getAnnotations())
        .containsEntry(AgentsLabels.POD_NAME, "alpha");
    Condition ready = awaitReady("alpha", "DependenciesNotReady");
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getObservedGeneration()).isEqualTo(created.getMetadata().getGeneration());
  }

  @Test
  void becomesReadyWithPodIpsNodeAndSelectorOnceThePodRunsReady() {
    client.resource(sandbox(ns, "ready")).create();
    awaitPod("ready");

    runPod("ready", "10.0.0.7");

    Condition ready = awaitReady("ready", "DependenciesReady");
    assertThat(ready.getStatus()).isEqualTo("True");
    Sandbox sandbox = get("ready");
    assertThat(sandbox.getStatus().getPodIPs()).containsExactly("10.0.0.7");
    assertThat(sandbox.getStatus().getNodeName()).isEqualTo("node-1");
    assertThat(sandbox.getStatus().getSelector())
        .isEqualTo("agents.x-k8s.io/sandbox-name-hash=" + NameHash.of("ready"));
    assertThat(condition(sandbox, "PodScheduled"))
        .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("True"));
    assertThat(condition(sandbox, "Suspended"))
        .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("False"));
    assertThat(condition(sandbox, "Finished")).isEmpty();
  }

  @Test
  void aFailedPodMakesTheSandboxFinishedAndNotReady() {
    client.resource(sandbox(ns, "doomed")).create();
    awaitPod("doomed");
    runPod("doomed", "10.0.0.8");
    awaitReady("doomed", "DependenciesReady");

    client
        .pods()
        .inNamespace(ns)
        .withName("doomed")
        .editStatus(p -> new PodBuilder(p).editStatus().withPhase("Failed").endStatus().build());

    Condition ready = awaitReady("doomed", "PodFailed");
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(condition(get("doomed"), "Finished"))
        .hasValueSatisfying(
            c -> {
              assertThat(c.getStatus()).isEqualTo("True");
              assertThat(c.getReason()).isEqualTo("PodFailed");
            });
  }

  @Test
  void aFailedPodIsRecreatedWithItsStorageKeptWhenTheTemplateOptedIn() {
    Sandbox sandbox = withWorkspace(sandbox(ns, "phoenix"));
    sandbox.getMetadata().setAnnotations(Map.of(FailedPodRestartPolicy.ENABLED_ANNOTATION, "true"));
    client.resource(sandbox).create();
    Pod first = awaitPod("phoenix");
    runPod("phoenix", "10.0.0.9");
    awaitReady("phoenix", "DependenciesReady");

    // the pod failed an hour ago: the first restart's backoff (10 s) has long passed
    String anHourAgo = java.time.Instant.now().minusSeconds(3600).toString();
    retryOnConflict(
        () ->
            client
                .pods()
                .inNamespace(ns)
                .withName("phoenix")
                .editStatus(
                    p ->
                        new PodBuilder(p)
                            .editStatus()
                            .withPhase("Failed")
                            .addNewContainerStatus()
                            .withName("main")
                            .withNewState()
                            .withNewTerminated()
                            .withExitCode(1)
                            .withFinishedAt(anHourAgo)
                            .endTerminated()
                            .endState()
                            .endContainerStatus()
                            .endStatus()
                            .build()));

    await()
        .atMost(PATIENCE)
        .until(
            () -> {
              Pod now = pod("phoenix");
              return now != null
                  && !now.getMetadata().getUid().equals(first.getMetadata().getUid());
            });
    assertThat(pvc("workspace-phoenix").getMetadata().getUid())
        .as("the PVC is kept across the restart")
        .isNotNull();
    assertThat(get("phoenix").getMetadata().getAnnotations())
        .containsEntry(FailedPodRestartPolicy.RESTART_COUNT_ANNOTATION, "1");
  }

  @Test
  void aFailedPodStaysFailedWithoutTheOptIn() {
    client.resource(sandbox(ns, "stays")).create();
    Pod first = awaitPod("stays");
    retryOnConflict(
        () ->
            client
                .pods()
                .inNamespace(ns)
                .withName("stays")
                .editStatus(
                    p -> new PodBuilder(p).editStatus().withPhase("Failed").endStatus().build()));
    awaitReady("stays", "PodFailed");
    assertThat(pod("stays").getMetadata().getUid()).isEqualTo(first.getMetadata().getUid());
    assertThat(get("stays").getMetadata().getAnnotations())
        .doesNotContainKey(FailedPodRestartPolicy.RESTART_COUNT_ANNOTATION);
  }

  // ------------------------------------------------------------------ suspend

  @Test
  void suspendingDeletesThePodButKeepsPvcsAndResumingRecreatesIt() {
    client.resource(withWorkspace(sandbox(ns, "sleepy"))).create();
    Pod first = awaitPod("sleepy");
    assertThat(first.getSpec().getVolumes())
        .anySatisfy(
            v -> {
              assertThat(v.getName()).isEqualTo("workspace");
              assertThat(v.getPersistentVolumeClaim().getClaimName()).isEqualTo("workspace-sleepy");
            });
    assertThat(pvc("workspace-sleepy")).isNotNull();

    editSandbox("sleepy", s -> setMode(s, OperatingMode.Suspended));

    await().atMost(PATIENCE).until(() -> pod("sleepy") == null);
    awaitReady("sleepy", "SandboxSuspended");
    assertThat(condition(get("sleepy"), "Suspended"))
        .hasValueSatisfying(
            c -> {
              assertThat(c.getStatus()).isEqualTo("True");
              assertThat(c.getReason()).isEqualTo("PodTerminated");
            });
    assertThat(pvc("workspace-sleepy")).isNotNull();

    editSandbox("sleepy", s -> setMode(s, OperatingMode.Running));

    Pod second = awaitPod("sleepy");
    assertThat(second.getMetadata().getUid()).isNotEqualTo(first.getMetadata().getUid());
    awaitReady("sleepy", "DependenciesNotReady");
    assertThat(condition(get("sleepy"), "Suspended"))
        .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("False"));
  }

  // ------------------------------------------------------------------ expiry

  @Test
  void atShutdownTimeARetainedSandboxLosesPodAndServiceButKeepsPvcsAndAClearedStatus() {
    Sandbox sandbox = withWorkspace(sandbox(ns, "brief"));
    sandbox.getSpec().setService(true);
    sandbox.getSpec().setShutdownTime(inSeconds(4));
    client.resource(sandbox).create();
    awaitPod("brief");
    runPod("brief", "10.0.0.9");
    awaitReady("brief", "DependenciesReady");
    assertThat(service("brief")).isNotNull();

    // nothing touches the Sandbox from here on: only the scheduled reconcile can expire it
    Condition ready = awaitReady("brief", "SandboxExpired");

    assertThat(ready.getStatus()).isEqualTo("False");
    await().atMost(PATIENCE).until(() -> pod("brief") == null && service("brief") == null);
    assertThat(pvc("workspace-brief")).isNotNull();
    Sandbox expired = get("brief");
    assertThat(expired.getStatus().getPodIPs()).isNull();
    assertThat(expired.getStatus().getServiceFQDN()).isNull();
    assertThat(expired.getStatus().getConditions()).hasSize(1);
  }

  @Test
  void atShutdownTimeASandboxWithDeletePolicyIsDeleted() {
    Sandbox sandbox = sandbox(ns, "gone");
    sandbox.getSpec().setShutdownTime(inSeconds(3));
    sandbox.getSpec().setShutdownPolicy(ShutdownPolicy.Delete);
    client.resource(sandbox).create();
    awaitPod("gone");

    await().atMost(PATIENCE).until(() -> get("gone") == null);
    await().atMost(PATIENCE).until(() -> pod("gone") == null);
  }

  @Test
  void aSandboxCreatedAfterItsShutdownTimeNeverGetsAPod() {
    Sandbox sandbox = sandbox(ns, "late");
    sandbox.getSpec().setShutdownTime("2020-01-01T00:00:00Z");
    client.resource(sandbox).create();

    awaitReady("late", "SandboxExpired");
    assertThat(pod("late")).isNull();
  }

  // ------------------------------------------------------------------ adoption

  @Test
  void refusesToAdoptAForeignPodAndSaysSoInStatusAndEvent() {
    client.resource(foreignPod("squatter", Map.of("app", "other"))).create();

    client.resource(sandbox(ns, "squatter")).create();

    Condition ready = awaitReady("squatter", "ReconcilerError");
    assertThat(ready.getMessage()).contains("Pod squatter").contains("not owned");
    assertThat(pod("squatter").getMetadata().getOwnerReferences()).isNullOrEmpty();
    Event event = awaitEvent("squatter", "ForeignPod");
    assertThat(event.getType()).isEqualTo("Warning");
  }

  @Test
  void adoptsAnUnownedPodLabelledAdoptable() {
    Pod original =
        client
            .resource(foreignPod("orphan", Map.of(AgentsLabels.ADOPTABLE, "true", "app", "x")))
            .create();

    Sandbox sandbox = client.resource(sandbox(ns, "orphan")).create();

    Pod adopted =
        await()
            .atMost(PATIENCE)
            .until(
                () -> pod("orphan"),
                p ->
                    p.getMetadata().getOwnerReferences() != null
                        && !p.getMetadata().getOwnerReferences().isEmpty());
    assertThat(adopted.getMetadata().getUid()).isEqualTo(original.getMetadata().getUid());
    assertThat(adopted.getMetadata().getOwnerReferences().get(0).getUid())
        .isEqualTo(sandbox.getMetadata().getUid());
    assertThat(adopted.getMetadata().getLabels())
        .containsEntry(AgentsLabels.SANDBOX_NAME_HASH, NameHash.of("orphan"));
    runPod("orphan", "10.0.0.10");
    awaitReady("orphan", "DependenciesReady");
  }

  @Test
  void adoptsAnUnownedPvcCarryingTheSandboxHashLabelButRefusesAForeignOne() {
    client
        .resource(
            foreignPvc(
                "workspace-keeper", Map.of(AgentsLabels.SANDBOX_NAME_HASH, NameHash.of("keeper"))))
        .create();
    client.resource(foreignPvc("workspace-blocked", Map.of("app", "other"))).create();

    client.resource(withWorkspace(sandbox(ns, "keeper"))).create();
    client.resource(withWorkspace(sandbox(ns, "blocked"))).create();

    await()
        .atMost(PATIENCE)
        .until(
            () -> pvc("workspace-keeper").getMetadata().getOwnerReferences(),
            refs -> refs != null && refs.size() == 1);
    awaitPod("keeper");
    Condition blocked = awaitReady("blocked", "ReconcilerError");
    assertThat(blocked.getMessage()).contains("PersistentVolumeClaim workspace-blocked");
    assertThat(pod("blocked")).isNull();
  }

  @Test
  void twoPodsCarryingTheSandboxLabelGiveMultiplePods() {
    client.resource(sandbox(ns, "twin")).create();
    awaitPod("twin");
    runPod("twin", "10.0.0.11");
    awaitReady("twin", "DependenciesReady");

    client
        .resource(
            foreignPod(
                "twin-impostor", Map.of(AgentsLabels.SANDBOX_NAME_HASH, NameHash.of("twin"))))
        .create();

    Condition ready = awaitReady("twin", "MultiplePods");
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getMessage()).contains("(2)");
    awaitEvent("twin", "MultiplePods");

    client.pods().inNamespace(ns).withName("twin-impostor").delete();
    awaitReady("twin", "DependenciesReady");
  }

  // ------------------------------------------------------------------ service

  @Test
  void serviceTrueCreatesAHeadlessServiceWithPortsFromTheContainers() {
    Sandbox sandbox = sandbox(ns, "served");
    sandbox.getSpec().setService(true);
    client.resource(sandbox).create();

    Service service = await().atMost(PATIENCE).until(() -> service("served"), s -> s != null);

    assertThat(service.getSpec().getClusterIP()).isEqualTo("None");
    assertThat(service.getSpec().getSelector())
        .containsExactlyEntriesOf(Map.of(AgentsLabels.SANDBOX_NAME_HASH, NameHash.of("served")));
    assertThat(service.getSpec().getPorts())
        .extracting(ServicePort::getName)
        .containsExactly("http", "p-9000-udp");
    assertThat(service.getMetadata().getOwnerReferences()).hasSize(1);
    runPod("served", "10.0.0.12");
    awaitReady("served", "DependenciesReady");
    Sandbox ready = get("served");
    assertThat(ready.getStatus().getService()).isEqualTo("served");
    assertThat(ready.getStatus().getServiceFQDN())
        .isEqualTo("served." + ns + ".svc.cluster.example");
  }

  @Test
  void serviceFalseDeletesTheOwnedServiceAndUnsetKeepsItButNeverCreatesOne() {
    Sandbox sandbox = sandbox(ns, "toggle");
    sandbox.getSpec().setService(true);
    client.resource(sandbox).create();
    await().atMost(PATIENCE).until(() -> service("toggle") != null);
    runPod("toggle", "10.0.0.13");
    awaitReady("toggle", "DependenciesReady");

    // unset: the existing owned Service stays and still counts
    editSandbox("toggle", s -> setService(s, null));
    awaitSandbox("toggle", s -> s.getMetadata().getGeneration() == 2 && observed(s, 2));
    assertThat(service("toggle")).isNotNull();
    assertThat(get("toggle").getStatus().getService()).isEqualTo("toggle");

    // false: deleted
    editSandbox("toggle", s -> setService(s, false));
    await().atMost(PATIENCE).until(() -> service("toggle") == null);
    await().atMost(PATIENCE).until(() -> get("toggle").getStatus().getServiceFQDN() == null);
    awaitReady("toggle", "DependenciesReady");

    // unset again: nothing is created
    editSandbox("toggle", s -> setService(s, null));
    awaitSandbox("toggle", s -> observed(s, 4));
    assertThat(service("toggle")).isNull();
  }

  // ------------------------------------------------------------------ writes

  @Test
  void aResyncOfSandboxesWhoseWorldHasNotChangedMakesNoApiWrites() {
    Sandbox sandbox = withWorkspace(sandbox(ns, "steady"));
    sandbox.getSpec().setService(true);
    sandbox.getSpec().setShutdownTime(Instant.now().plus(1, ChronoUnit.DAYS).toString());
    client.resource(sandbox).create();
    client.resource(sandbox(ns, "steady-suspended")).create();
    awaitPod("steady");
    awaitPod("steady-suspended");
    editSandbox("steady-suspended", s -> setMode(s, OperatingMode.Suspended));
    runPod("steady", "10.0.0.14");
    awaitReady("steady", "DependenciesReady");
    awaitReady("steady-suspended", "SandboxSuspended");
    String readySince = condition(get("steady"), "Ready").orElseThrow().getLastTransitionTime();

    // a restarted controller lists everything and reconciles every Sandbox once
    operator.stop();
    cluster.drainRequests();
    operator = newOperator();
    operator.start();
    long sandboxes = client.resources(Sandbox.class).inAnyNamespace().list().getItems().size();
    await().atMost(PATIENCE).until(() -> reconciliations() >= sandboxes);

    List<String> writes =
        cluster.drainWrites().stream().filter(w -> w.contains("/namespaces/" + ns + "/")).toList();
    assertThat(writes).isEmpty();
    assertThat(condition(get("steady"), "Ready").orElseThrow().getLastTransitionTime())
        .isEqualTo(readySince);
  }

  // ------------------------------------------------------------------ bad input

  @Test
  void aPodTheApiServerRejectsGivesReconcilerErrorAndAnEventWhileOtherSandboxesAreServed() {
    cluster
        .server()
        .expect()
        .post()
        .withPath("/api/v1/namespaces/" + ns + "/pods")
        .andReturn(
            422,
            new StatusBuilder()
                .withStatus("Failure")
                .withCode(422)
                .withReason("Invalid")
                .withMessage("Pod \"broken\" is invalid: spec.containers[0].image: Required value")
                .build())
        .once();

    client.resource(sandbox(ns, "broken")).create();

    Condition ready = awaitReady("broken", "ReconcilerError");
    assertThat(ready.getMessage())
        .contains("rejected Pod broken")
        .contains("spec.containers[0].image: Required value");
    Event event = awaitEvent("broken", "InvalidPod");
    assertThat(event.getMessage()).contains("spec.containers[0].image");

    client.resource(sandbox(ns, "healthy")).create();
    awaitPod("healthy");
    runPod("healthy", "10.0.0.15");
    awaitReady("healthy", "DependenciesReady");
  }

  @Test
  void aPodForbiddenByAQuotaIsReportedAsForbiddenNotInvalid() {
    cluster
        .server()
        .expect()
        .post()
        .withPath("/api/v1/namespaces/" + ns + "/pods")
        .andReturn(
            403,
            new StatusBuilder()
                .withStatus("Failure")
                .withCode(403)
                .withReason("Forbidden")
                .withMessage(
                    "pods \"capped\" is forbidden: exceeded quota: tenant, requested: pods=1,"
                        + " used: pods=10, limited: pods=10")
                .build())
        .once();

    client.resource(sandbox(ns, "capped")).create();

    Condition ready = awaitReady("capped", "ReconcilerError");
    assertThat(ready.getMessage()).contains("exceeded quota");
    awaitEvent("capped", "ForbiddenPod");
  }

  @Test
  void aPvcThatCannotBeCreatedGivesReconcilerErrorAndAnEventAndNoPod() {
    cluster
        .server()
        .expect()
        .post()
        .withPath("/api/v1/namespaces/" + ns + "/persistentvolumeclaims")
        .andReturn(
            422,
            new StatusBuilder()
                .withStatus("Failure")
                .withCode(422)
                .withReason("Invalid")
                .withMessage(
                    "PersistentVolumeClaim \"workspace-nostore\" is invalid: spec.resources[storage]:"
                        + " Required value")
                .build())
        .once();

    client.resource(withWorkspace(sandbox(ns, "nostore"))).create();

    Condition ready = awaitReady("nostore", "ReconcilerError");
    assertThat(ready.getMessage()).contains("PersistentVolumeClaim workspace-nostore");
    awaitEvent("nostore", "InvalidPersistentVolumeClaim");
    assertThat(pod("nostore")).isNull();
  }

  // ------------------------------------------------------------------ helpers

  private static long reconciliations() {
    return (long)
        metrics.find("operator.sdk.reconciliations.success").counters().stream()
            .mapToDouble(Counter::count)
            .sum();
  }

  private static String inSeconds(int seconds) {
    return Instant.now().plusSeconds(seconds).truncatedTo(ChronoUnit.SECONDS).toString();
  }

  private static Sandbox setMode(Sandbox s, OperatingMode mode) {
    s.getSpec().setOperatingMode(mode);
    return s;
  }

  private static Sandbox setService(Sandbox s, Boolean service) {
    s.getSpec().setService(service);
    return s;
  }

  private static boolean observed(Sandbox s, long generation) {
    return condition(s, "Ready").map(c -> c.getObservedGeneration() == generation).orElse(false);
  }

  private Pod foreignPod(String name, Map<String, String> labels) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(ns)
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("main")
        .withImage("busybox")
        .endContainer()
        .endSpec()
        .build();
  }

  private PersistentVolumeClaim foreignPvc(String name, Map<String, String> labels) {
    return new io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(ns)
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .withAccessModes("ReadWriteOnce")
        .endSpec()
        .build();
  }

  /** What a kubelet would report for a started, ready pod. */
  private void runPod(String name, String ip) {
    retryOnConflict(
        () ->
            client
                .pods()
                .inNamespace(ns)
                .withName(name)
                .edit(p -> new PodBuilder(p).editSpec().withNodeName("node-1").endSpec().build()));
    retryOnConflict(
        () ->
            client
                .pods()
                .inNamespace(ns)
                .withName(name)
                .editStatus(
                    p ->
                        new PodBuilder(p)
                            .withNewStatus()
                            .withPhase("Running")
                            .withPodIP(ip)
                            .withPodIPs(new PodIPBuilder().withIp(ip).build())
                            .withConditions(
                                new PodConditionBuilder()
                                    .withType("PodScheduled")
                                    .withStatus("True")
                                    .build(),
                                new PodConditionBuilder()
                                    .withType("Ready")
                                    .withStatus("True")
                                    .build())
                            .endStatus()
                            .build()));
  }

  /** The controller writes the same objects; a test's read-modify-write may need a second go. */
  private static void retryOnConflict(Runnable write) {
    for (int attempt = 1; ; attempt++) {
      try {
        write.run();
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == 10) {
          throw e;
        }
      }
    }
  }

  private void editSandbox(String name, UnaryOperator<Sandbox> change) {
    retryOnConflict(
        () -> client.resources(Sandbox.class).inNamespace(ns).withName(name).edit(change));
  }

  private Sandbox get(String name) {
    return client.resources(Sandbox.class).inNamespace(ns).withName(name).get();
  }

  private Pod pod(String name) {
    return client.pods().inNamespace(ns).withName(name).get();
  }

  private Service service(String name) {
    return client.services().inNamespace(ns).withName(name).get();
  }

  private PersistentVolumeClaim pvc(String name) {
    return client.persistentVolumeClaims().inNamespace(ns).withName(name).get();
  }

  private Pod awaitPod(String name) {
    return await().atMost(PATIENCE).until(() -> pod(name), p -> p != null);
  }

  private Sandbox awaitSandbox(String name, java.util.function.Predicate<Sandbox> test) {
    return await().atMost(PATIENCE).until(() -> get(name), s -> s != null && test.test(s));
  }

  private Condition awaitReady(String sandbox, String reason) {
    return await()
        .atMost(PATIENCE)
        .until(
            () -> condition(get(sandbox), "Ready"),
            c -> c.isPresent() && reason.equals(c.get().getReason()))
        .orElseThrow();
  }

  private Event awaitEvent(String sandbox, String reason) {
    return await()
        .atMost(PATIENCE)
        .until(
            () ->
                client.v1().events().inNamespace(ns).list().getItems().stream()
                    .filter(e -> sandbox.equals(e.getInvolvedObject().getName()))
                    .filter(e -> reason.equals(e.getReason()))
                    .findFirst(),
            Optional::isPresent)
        .orElseThrow();
  }

  static Optional<Condition> condition(Sandbox sandbox, String type) {
    if (sandbox == null
        || sandbox.getStatus() == null
        || sandbox.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return sandbox.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst();
  }
}
