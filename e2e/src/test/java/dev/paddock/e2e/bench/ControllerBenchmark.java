package dev.paddock.e2e.bench;

import dev.paddock.api.common.PodTemplate;
import dev.paddock.api.extensions.NameReference;
import dev.paddock.api.extensions.SandboxClaim;
import dev.paddock.api.extensions.SandboxClaimSpec;
import dev.paddock.api.extensions.SandboxTemplate;
import dev.paddock.api.extensions.SandboxTemplateSpec;
import dev.paddock.api.extensions.SandboxWarmPool;
import dev.paddock.api.extensions.SandboxWarmPoolSpec;
import dev.paddock.api.sandbox.Sandbox;
import dev.paddock.api.sandbox.SandboxSpec;
import dev.paddock.controller.ControllerSettings;
import dev.paddock.controller.PaddockOperator;
import dev.paddock.e2e.cluster.LocalControlPlane;
import dev.paddock.e2e.cluster.PaddockCrdInstaller;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.micrometer.core.instrument.Counter;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The controller's load harness on the real local control plane (KWOK nodes): how fast 1,000
 * sandboxes reach Ready, what a no-op resync of them writes, what they cost in heap, and the
 * latency and API writes of warm claims at a steady rate. Results are printed as Markdown for
 * BENCHMARKS.md.
 *
 * <p>Run: {@code mvn -B -pl e2e -am -Pcontroller-bench -DskipTests verify -Dbench.args="--sandboxes
 * 1000 --claims 200 --rate 20 --pool 50"}
 */
public final class ControllerBenchmark {
  private final int sandboxes;
  private final int claims;
  private final double rate;
  private final int pool;
  private final int nodes;

  private ControllerBenchmark(Map<String, String> args) {
    sandboxes = Integer.parseInt(args.getOrDefault("--sandboxes", "1000"));
    claims = Integer.parseInt(args.getOrDefault("--claims", "200"));
    rate = Double.parseDouble(args.getOrDefault("--rate", "20"));
    pool = Integer.parseInt(args.getOrDefault("--pool", "50"));
    // KWOK nodes take 110 pods each
    nodes = Math.max(3, (sandboxes + pool + claims) / 100 + 1);
    // each phase runs alone when the other is 0: the 1,000 sandboxes' deletion would otherwise
    // load the cluster during the claims
  }

  public static void main(String[] argv) throws Exception {
    Map<String, String> args = new java.util.HashMap<>();
    for (int i = 0; i + 1 < argv.length; i += 2) {
      args.put(argv[i], argv[i + 1]);
    }
    new ControllerBenchmark(args).run();
    System.exit(0);
  }

  private void run() throws Exception {
    System.out.printf(
        "# controller benchmark: %d sandboxes; %d claims at %.0f/s on a pool of %d; %d KWOK nodes;"
            + " %d cores%n",
        sandboxes, claims, rate, pool, nodes, Runtime.getRuntime().availableProcessors());
    try (LocalControlPlane controlPlane = LocalControlPlane.builder().nodes(nodes).start();
        KubernetesClient admin = controlPlane.newClient()) {
      PaddockCrdInstaller.install(
          admin, PaddockCrdInstaller.directory(Path.of(System.getProperty("paddock.root", ".."))));
      WriteCounter writes = new WriteCounter();
      try (KubernetesClient operatorClient = countingClient(controlPlane, writes)) {
        reconcileThroughput(admin, operatorClient, writes);
        warmClaims(admin, operatorClient, writes);
      }
    }
  }

  // --- 1,000 sandboxes -----------------------------------------------------------------------

  private void reconcileThroughput(
      KubernetesClient admin, KubernetesClient operatorClient, WriteCounter writes)
      throws Exception {
    if (sandboxes == 0) {
      return;
    }
    String ns = namespace(admin, "bench-sandboxes");
    PaddockOperator operator = operator(operatorClient);
    operator.start();
    long heapBefore = usedHeapAfterGc();
    ReadyWatcher<Sandbox> watcher =
        new ReadyWatcher<>(
            s -> conditions(s.getStatus() == null ? null : s.getStatus().getConditions()));
    ReadyWatch<Sandbox> ready =
        new ReadyWatch<>(admin.resources(Sandbox.class).inNamespace(ns).watch(watcher), watcher);
    writes.reset();
    long start = System.nanoTime();
    ExecutorService creators = Executors.newFixedThreadPool(8);
    for (int i = 0; i < sandboxes; i++) {
      String name = String.format(Locale.ROOT, "sb-%04d", i);
      creators.submit(
          () -> admin.resources(Sandbox.class).inNamespace(ns).resource(sandbox(name)).create());
    }
    creators.shutdown();
    creators.awaitTermination(10, TimeUnit.MINUTES);
    boolean allReady = ready.awaitCount(sandboxes, Duration.ofMinutes(10));
    double seconds = (System.nanoTime() - start) / 1e9;
    long heapAfter = usedHeapAfterGc();
    ready.close();
    System.out.printf("%n## %d sandboxes to Ready%n", sandboxes);
    System.out.printf(
        "- all Ready: %s (%d of %d) in %.1f s: **%.0f sandboxes/s**%n",
        allReady, ready.count(), sandboxes, seconds, ready.count() / seconds);
    System.out.printf(
        "- controller API writes: %d (%.1f per sandbox): %s%n",
        writes.total(), writes.total() / (double) sandboxes, writes.snapshot());
    System.out.printf(
        "- heap used after GC: %.1f MiB before, %.1f MiB with %d Ready sandboxes cached:"
            + " **%.1f MiB per 1,000** (controller caches of sandboxes, pods, services, PVCs)%n",
        heapBefore / 1048576.0,
        heapAfter / 1048576.0,
        sandboxes,
        (heapAfter - heapBefore) / 1048576.0 * 1000 / sandboxes);

    // a restarted controller relists everything and reconciles every sandbox: it must write nothing
    operator.stop();
    PaddockOperator restarted = operator(operatorClient);
    writes.reset();
    restarted.start();
    long resyncStart = System.nanoTime();
    boolean reconciledAll = awaitReconciles(restarted, "sandbox", sandboxes, Duration.ofMinutes(5));
    double resyncSeconds = (System.nanoTime() - resyncStart) / 1e9;
    Thread.sleep(2_000); // late writes, if any, still count
    System.out.printf(
        "- restart + full resync of %d settled sandboxes: reconciled all %s in %.1f s,"
            + " **%d API writes** %s%n",
        sandboxes, reconciledAll, resyncSeconds, writes.total(), writes.snapshot());
    restarted.stop();
    admin.resources(Sandbox.class).inNamespace(ns).delete();
  }

  // --- warm claims ---------------------------------------------------------------------------

  private void warmClaims(
      KubernetesClient admin, KubernetesClient operatorClient, WriteCounter writes)
      throws Exception {
    if (claims == 0) {
      return;
    }
    String ns = namespace(admin, "bench-claims");
    PaddockOperator operator = operator(operatorClient);
    operator.start();
    admin.resources(SandboxTemplate.class).inNamespace(ns).resource(template()).create();
    admin.resources(SandboxWarmPool.class).inNamespace(ns).resource(warmPool()).create();
    admin
        .resources(SandboxWarmPool.class)
        .inNamespace(ns)
        .withName("bench-pool")
        .waitUntilCondition(
            p ->
                p != null
                    && p.getStatus() != null
                    && p.getStatus().getReadyReplicas() != null
                    && p.getStatus().getReadyReplicas() >= pool,
            5,
            TimeUnit.MINUTES);

    Map<String, Long> createdAt = new ConcurrentHashMap<>();
    Map<String, Long> latencyNanos = new ConcurrentHashMap<>();
    Watch watch =
        admin
            .resources(SandboxClaim.class)
            .inNamespace(ns)
            .watch(
                new Watcher<>() {
                  @Override
                  public void eventReceived(Action action, SandboxClaim claim) {
                    long now = System.nanoTime();
                    String name = claim.getMetadata().getName();
                    Long start = createdAt.get(name);
                    if (start != null
                        && isReady(
                            conditions(
                                claim.getStatus() == null
                                    ? null
                                    : claim.getStatus().getConditions()))) {
                      latencyNanos.putIfAbsent(name, now - start);
                    }
                  }

                  @Override
                  public void onClose(WatcherException cause) {}
                });
    writes.reset();
    ScheduledExecutorService clock = Executors.newScheduledThreadPool(4);
    long periodNanos = (long) (1e9 / rate);
    for (int i = 0; i < claims; i++) {
      String name = String.format(Locale.ROOT, "claim-%04d", i);
      clock.schedule(
          () -> {
            createdAt.put(name, System.nanoTime());
            admin.resources(SandboxClaim.class).inNamespace(ns).resource(claim(name)).create();
          },
          i * periodNanos,
          TimeUnit.NANOSECONDS);
    }
    long deadline = System.nanoTime() + Duration.ofSeconds((long) (claims / rate) + 120).toNanos();
    while (latencyNanos.size() < claims && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    clock.shutdown();
    watch.close();
    long warm =
        admin.resources(SandboxClaim.class).inNamespace(ns).list().getItems().stream()
            .filter(
                c ->
                    c.getStatus() != null
                        && c.getStatus().getSandbox() != null
                        && !c.getMetadata().getName().equals(c.getStatus().getSandbox().getName()))
            .count();
    double[] ms = latencyNanos.values().stream().mapToDouble(n -> n / 1e6).sorted().toArray();
    System.out.printf("%n## %d claims at %.0f/s on a warm pool of %d%n", claims, rate, pool);
    System.out.printf(
        "- Ready: %d of %d (%d bound warm, %d cold)%n", ms.length, claims, warm, ms.length - warm);
    if (ms.length > 0) {
      System.out.printf(
          "- claim created → claim Ready seen by a watching client: **p50 %.1f ms, p90 %.1f ms,"
              + " p99 %.1f ms**, max %.1f ms%n",
          percentile(ms, 50), percentile(ms, 90), percentile(ms, 99), ms[ms.length - 1]);
    }
    System.out.printf(
        "- controller API writes while claiming and refilling: %d (%.1f per claim): %s%n",
        writes.total(), writes.total() / (double) claims, writes.snapshot());
    operator.stop();
  }

  // --- helpers -------------------------------------------------------------------------------

  private static PaddockOperator operator(KubernetesClient client) {
    return PaddockOperator.builder(client, ControllerSettings.defaults().withProbePort(-1)).build();
  }

  private static KubernetesClient countingClient(
      LocalControlPlane controlPlane, WriteCounter writes) {
    return new KubernetesClientBuilder()
        .withConfig(controlPlane.clientConfig())
        .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("write-counter", writes))
        .build();
  }

  /** Waits until JOSDK's success counters of one controller reach {@code expected}. */
  private static boolean awaitReconciles(
      PaddockOperator operator, String controller, int expected, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (successfulReconciles(operator, controller) >= expected) {
        return true;
      }
      Thread.sleep(100);
    }
    return false;
  }

  /**
   * JOSDK names its counters {@code operator.sdk.reconciliations.success} and tags (or suffixes)
   * them with the controller's name, depending on its metrics options: accept either.
   */
  private static double successfulReconciles(PaddockOperator operator, String controller) {
    return operator.meterRegistry().getMeters().stream()
        .filter(m -> m instanceof Counter)
        .filter(m -> m.getId().getName().contains("reconciliations.success"))
        .filter(
            m ->
                m.getId().getName().endsWith("." + controller)
                    || controller.equals(m.getId().getTag("controller.name"))
                    || controller.equals(m.getId().getTag("controller")))
        .mapToDouble(m -> ((Counter) m).count())
        .sum();
  }

  private static String namespace(KubernetesClient client, String name) {
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
    return name;
  }

  private static PodTemplate podTemplate() {
    return new PodTemplate(
        null,
        new PodSpecBuilder()
            .addNewContainer()
            .withName("agent")
            .withImage("python:3.12-slim")
            .withCommand("sleep", "infinity")
            .endContainer()
            .build());
  }

  private static Sandbox sandbox(String name) {
    Sandbox sandbox = new Sandbox();
    sandbox.getMetadata().setName(name);
    SandboxSpec spec = new SandboxSpec();
    spec.setPodTemplate(podTemplate());
    sandbox.setSpec(spec);
    return sandbox;
  }

  private static SandboxTemplate template() {
    SandboxTemplate template = new SandboxTemplate();
    template.getMetadata().setName("bench-template");
    SandboxTemplateSpec spec = new SandboxTemplateSpec();
    spec.setPodTemplate(podTemplate());
    template.setSpec(spec);
    return template;
  }

  private SandboxWarmPool warmPool() {
    SandboxWarmPool warmPool = new SandboxWarmPool();
    warmPool.getMetadata().setName("bench-pool");
    SandboxWarmPoolSpec spec = new SandboxWarmPoolSpec();
    spec.setReplicas(pool);
    NameReference template = new NameReference();
    template.setName("bench-template");
    spec.setSandboxTemplateRef(template);
    warmPool.setSpec(spec);
    return warmPool;
  }

  private static SandboxClaim claim(String name) {
    SandboxClaim claim = new SandboxClaim();
    claim.getMetadata().setName(name);
    SandboxClaimSpec spec = new SandboxClaimSpec();
    NameReference pool = new NameReference();
    pool.setName("bench-pool");
    spec.setWarmPoolRef(pool);
    claim.setSpec(spec);
    return claim;
  }

  private static List<Condition> conditions(List<Condition> conditions) {
    return conditions == null ? List.of() : conditions;
  }

  private static boolean isReady(List<Condition> conditions) {
    return conditions.stream()
        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static double percentile(double[] sorted, double p) {
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  private static long usedHeapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /** Counts objects whose Ready condition turned True, without caching the objects. */
  private static final class ReadyWatcher<T extends HasMetadata> implements Watcher<T> {
    private final java.util.function.Function<T, List<Condition>> conditionsOf;
    private final java.util.Set<String> ready = ConcurrentHashMap.newKeySet();

    ReadyWatcher(java.util.function.Function<T, List<Condition>> conditionsOf) {
      this.conditionsOf = conditionsOf;
    }

    @Override
    public void eventReceived(Action action, T resource) {
      if (isReady(conditionsOf.apply(resource))) {
        ready.add(resource.getMetadata().getName());
      }
    }

    @Override
    public void onClose(WatcherException cause) {}
  }

  private static final class ReadyWatch<T extends HasMetadata> implements AutoCloseable {
    private final Watch watch;
    private final ReadyWatcher<T> watcher;

    ReadyWatch(Watch watch, ReadyWatcher<T> watcher) {
      this.watch = watch;
      this.watcher = watcher;
    }

    int count() {
      return watcher.ready.size();
    }

    boolean awaitCount(int expected, Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (count() < expected && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      return count() >= expected;
    }

    @Override
    public void close() {
      watch.close();
    }
  }
}
