package dev.paddock.webhook.bench;

import dev.paddock.certs.FixedTlsSource;
import dev.paddock.certs.SubjectAltNames;
import dev.paddock.certs.TlsMaterial;
import dev.paddock.policies.Manifests;
import dev.paddock.policies.PolicyCompiler;
import dev.paddock.webhook.WebhookServer;
import dev.paddock.webhook.WebhookServerSettings;
import dev.paddock.webhook.policy.DirectoryPolicySource;
import dev.paddock.webhook.policy.PaddockObjectValidator;
import dev.paddock.webhook.policy.PolicyAdmissionHandler;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * Load harness for the admission webhook over TLS keep-alive: 20 policies (the 7 of {@code
 * policies/library} plus 13 generated), the real engine, one JVM for server and client on the same
 * cores. Phase 1 sends an open-loop 1,000 requests/s and reports client-side latency (measured from
 * each request's scheduled time, so a stall is not hidden) and server-side latency (receive to
 * response, the {@code paddock_admission_requests} timer); phase 2 runs closed-loop at full speed
 * for capacity. Not a test: run it by the command in BENCHMARKS.md.
 *
 * <p>Arguments (all optional): {@code rate=1000 seconds=20 capacitySeconds=15 connections=32
 * capacityConnections=16 warmupSeconds=10}.
 */
public final class AdmissionLoadBenchmark {
  private record Settings(
      int rate,
      int seconds,
      int capacitySeconds,
      int connections,
      int capacityConnections,
      int warmupSeconds,
      int policies,
      int workers) {}

  public static void main(String[] args) throws Exception {
    Settings settings = parse(args);
    Path root = Path.of(System.getProperty("paddock.root", ".")).toAbsolutePath().normalize();
    if (!Files.isDirectory(root.resolve("policies/library"))) {
      root = root.getParent();
    }
    Path policies = Files.createTempDirectory("paddock-bench-policies");
    int count = settings.policies() == 0 ? 0 : writePolicies(root, policies, settings.policies());

    PolicyCompiler compiler = new PolicyCompiler();
    DirectoryPolicySource source = new DirectoryPolicySource(policies, compiler);
    source.start();
    PolicyAdmissionHandler handler =
        new PolicyAdmissionHandler(
            source.snapshot(), () -> true, name -> null, new PaddockObjectValidator(compiler));
    PrometheusMeterRegistry registry = registry();
    WebhookServer server = start(handler, registry, settings.workers());
    try {
      SSLContext ssl = trusting(server.tlsMaterial());
      List<byte[]> requests = requests(root, server.port());
      System.out.printf(
          Locale.ROOT,
          "policies loaded: %d (%s)%ncores: %d, JVM %s%n",
          count,
          String.join(", ", source.snapshot().get().policyNames()),
          Runtime.getRuntime().availableProcessors(),
          System.getProperty("java.version"));

      directCalls(handler, requests);
      System.out.printf(Locale.ROOT, "warm-up: %d s closed-loop%n", settings.warmupSeconds());
      closedLoop(
          ssl, server.port(), requests, settings.capacityConnections(), settings.warmupSeconds());
      server.close();
      registry = registry();
      server = start(handler, registry, settings.workers());
      ssl = trusting(server.tlsMaterial());
      requests = requests(root, server.port());

      Result latency =
          openLoop(
              ssl,
              server.port(),
              requests,
              settings.rate(),
              settings.connections(),
              settings.seconds());
      System.out.printf(
          Locale.ROOT,
          "%nphase 1: open loop at %d requests/s for %d s over %d TLS keep-alive connections%n",
          settings.rate(),
          settings.seconds(),
          settings.connections());
      System.out.printf(
          Locale.ROOT,
          "  sent %d, errors %d, achieved %.0f requests/s%n",
          latency.count(),
          latency.errors(),
          latency.count() / latency.seconds());
      System.out.printf(
          Locale.ROOT,
          "  client-side latency: p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms, max %.3f ms%n",
          latency.percentile(0.50),
          latency.percentile(0.99),
          latency.percentile(0.999),
          latency.percentile(1.0));
      serverSide(registry);

      server.close();
      registry = registry();
      server = start(handler, registry, settings.workers());
      ssl = trusting(server.tlsMaterial());
      requests = requests(root, server.port());
      closedLoop(ssl, server.port(), requests, settings.capacityConnections(), 3);
      com.sun.management.OperatingSystemMXBean os =
          (com.sun.management.OperatingSystemMXBean)
              java.lang.management.ManagementFactory.getOperatingSystemMXBean();
      long cpuBefore = os.getProcessCpuTime();
      Result capacity =
          closedLoop(
              ssl,
              server.port(),
              requests,
              settings.capacityConnections(),
              settings.capacitySeconds());
      double cpuPerRequest = (os.getProcessCpuTime() - cpuBefore) / 1e3 / capacity.count();
      System.out.printf(
          Locale.ROOT,
          "%nphase 2: closed loop, %d connections for %d s%n  capacity %.0f requests/s, errors %d,"
              + " client-side p50 %.3f ms, p99 %.3f ms%n",
          settings.capacityConnections(),
          settings.capacitySeconds(),
          capacity.count() / capacity.seconds(),
          capacity.errors(),
          capacity.percentile(0.50),
          capacity.percentile(0.99));
      System.out.printf(
          Locale.ROOT,
          "  process CPU (client and server together) %.1f µs per request: %.0f requests/s per"
              + " core if nothing else ran%n",
          cpuPerRequest,
          1e6 / cpuPerRequest);
      serverSide(registry);
    } finally {
      server.close();
      source.close();
    }
  }

  /**
   * The admission logic alone, single-threaded, without HTTP or TLS: how much of a request's time
   * is policy evaluation.
   */
  private static void directCalls(PolicyAdmissionHandler handler, List<byte[]> requests)
      throws Exception {
    dev.paddock.webhook.http.AdmissionReviewCodec codec =
        new dev.paddock.webhook.http.AdmissionReviewCodec(64, WebhookServer.PADDOCK_KINDS);
    List<dev.paddock.webhook.admission.AdmissionRequest> parsed = new ArrayList<>();
    for (byte[] request : requests) {
      String text = new String(request, StandardCharsets.UTF_8);
      byte[] body = text.substring(text.indexOf("\r\n\r\n") + 4).getBytes(StandardCharsets.UTF_8);
      parsed.add(codec.parse(body).request());
    }
    int iterations = 20_000;
    java.lang.management.ThreadMXBean threads =
        java.lang.management.ManagementFactory.getThreadMXBean();
    for (String phase : List.of("warm-up", "measure")) {
      long t0 = System.nanoTime();
      long c0 = threads.getCurrentThreadCpuTime();
      for (int i = 0; i < iterations; i++) {
        handler.validate(parsed.get(i % parsed.size()));
      }
      long validate = System.nanoTime() - t0;
      long validateCpu = threads.getCurrentThreadCpuTime() - c0;
      t0 = System.nanoTime();
      c0 = threads.getCurrentThreadCpuTime();
      for (int i = 0; i < iterations; i++) {
        handler.mutate(parsed.get(i % parsed.size()));
      }
      long mutate = System.nanoTime() - t0;
      long mutateCpu = threads.getCurrentThreadCpuTime() - c0;
      if (phase.equals("measure")) {
        System.out.printf(
            Locale.ROOT,
            "admission logic alone (one thread, no HTTP): validate %.1f µs (CPU %.1f µs),"
                + " mutate %.1f µs (CPU %.1f µs) per call%n",
            validate / 1e3 / iterations,
            validateCpu / 1e3 / iterations,
            mutate / 1e3 / iterations,
            mutateCpu / 1e3 / iterations);
      }
    }
  }

  private static WebhookServer start(
      PolicyAdmissionHandler handler, PrometheusMeterRegistry registry, int workers) {
    return WebhookServer.builder()
        .settings(
            WebhookServerSettings.defaults()
                .withAddress("127.0.0.1", 0)
                .withThreads(2, workers, 1024))
        .tls(FixedTlsSource.selfSigned(SubjectAltNames.loopback()))
        .handler(handler)
        .meterRegistry(registry)
        .start();
  }

  /** A registry whose admission timer also keeps exact-ish p50/p99/p99.9 (bench only). */
  private static PrometheusMeterRegistry registry() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry
        .config()
        .meterFilter(
            new MeterFilter() {
              @Override
              public DistributionStatisticConfig configure(
                  Meter.Id id, DistributionStatisticConfig config) {
                return DistributionStatisticConfig.builder()
                    .percentiles(0.5, 0.99, 0.999)
                    .percentilePrecision(3)
                    .expiry(java.time.Duration.ofHours(1))
                    .bufferLength(1)
                    .build()
                    .merge(config);
              }
            });
    return registry;
  }

  private static void serverSide(PrometheusMeterRegistry registry) {
    for (Timer timer : registry.find("paddock.admission.requests").timers()) {
      ValueAtPercentile[] values = timer.takeSnapshot().percentileValues();
      StringBuilder line = new StringBuilder();
      for (ValueAtPercentile value : values) {
        line.append(
            String.format(
                Locale.ROOT,
                " p%s %.3f ms",
                value.percentile() == 0.999
                    ? "99.9"
                    : Integer.toString((int) Math.round(value.percentile() * 100)),
                value.value(java.util.concurrent.TimeUnit.MILLISECONDS)));
      }
      System.out.printf(
          Locale.ROOT,
          "  server-side %s/%s (%d):%s%n",
          timer.getId().getTag("webhook"),
          timer.getId().getTag("decision"),
          timer.count(),
          line);
    }
  }

  /** Latencies in nanoseconds, and how many requests failed. */
  private record Result(long[] latencies, long count, long errors, double seconds) {
    double percentile(double p) {
      if (latencies.length == 0) {
        return Double.NaN;
      }
      long[] sorted = latencies.clone();
      Arrays.sort(sorted);
      int index = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
      return sorted[Math.max(0, index)] / 1e6;
    }
  }

  private static Result openLoop(
      SSLContext ssl, int port, List<byte[]> requests, int rate, int connections, int seconds)
      throws Exception {
    int perConnection = rate * seconds / connections;
    long intervalNanos = 1_000_000_000L * connections / rate;
    long[][] latencies = new long[connections][perConnection];
    AtomicLong errors = new AtomicLong();
    CountDownLatch done = new CountDownLatch(connections);
    long start = System.nanoTime() + 100_000_000L;
    for (int c = 0; c < connections; c++) {
      int connection = c;
      Thread thread =
          new Thread(
              () -> {
                try (Connection conn = new Connection(ssl, port)) {
                  // stagger the connections across one interval
                  long first = start + intervalNanos * connection / connections;
                  for (int i = 0; i < perConnection; i++) {
                    long scheduled = first + i * intervalNanos;
                    long wait;
                    while ((wait = scheduled - System.nanoTime()) > 0) {
                      if (wait > 200_000) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                      } else {
                        Thread.onSpinWait();
                      }
                    }
                    if (!conn.exchange(requests.get((connection + i) % requests.size()))) {
                      errors.incrementAndGet();
                    }
                    latencies[connection][i] = System.nanoTime() - scheduled;
                  }
                } catch (Exception e) {
                  errors.incrementAndGet();
                  System.err.println("connection failed: " + e);
                } finally {
                  done.countDown();
                }
              },
              "bench-open-" + c);
      thread.start();
    }
    done.await();
    double elapsed = (System.nanoTime() - start) / 1e9;
    long[] all = Stream.of(latencies).flatMapToLong(Arrays::stream).filter(v -> v > 0).toArray();
    return new Result(all, all.length, errors.get(), elapsed);
  }

  private static Result closedLoop(
      SSLContext ssl, int port, List<byte[]> requests, int connections, int seconds)
      throws Exception {
    long begin = System.nanoTime();
    long end = begin + seconds * 1_000_000_000L;
    List<long[]> perThread = new ArrayList<>();
    AtomicLong errors = new AtomicLong();
    AtomicLong total = new AtomicLong();
    CountDownLatch done = new CountDownLatch(connections);
    for (int c = 0; c < connections; c++) {
      int connection = c;
      long[] samples = new long[2_000_000];
      perThread.add(samples);
      new Thread(
              () -> {
                int n = 0;
                try (Connection conn = new Connection(ssl, port)) {
                  while (System.nanoTime() < end) {
                    long t0 = System.nanoTime();
                    if (!conn.exchange(requests.get((connection + n) % requests.size()))) {
                      errors.incrementAndGet();
                    }
                    if (n < samples.length) {
                      samples[n] = System.nanoTime() - t0;
                    }
                    n++;
                  }
                } catch (Exception e) {
                  errors.incrementAndGet();
                  System.err.println("connection failed: " + e);
                } finally {
                  total.addAndGet(n);
                  done.countDown();
                }
              },
              "bench-closed-" + c)
          .start();
    }
    done.await();
    double elapsed = (System.nanoTime() - begin) / 1e9;
    long[] all = perThread.stream().flatMapToLong(Arrays::stream).filter(v -> v > 0).toArray();
    return new Result(all, total.get(), errors.get(), elapsed);
  }

  /** One TLS keep-alive HTTP/1.1 connection, used by one thread. */
  private static final class Connection implements AutoCloseable {
    private final SSLSocket socket;
    private final OutputStream out;
    private final InputStream in;
    private final byte[] buffer = new byte[64 * 1024];

    Connection(SSLContext ssl, int port) throws IOException {
      socket = (SSLSocket) ssl.getSocketFactory().createSocket("127.0.0.1", port);
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(30_000);
      socket.startHandshake();
      out = socket.getOutputStream();
      in = new java.io.BufferedInputStream(socket.getInputStream(), 64 * 1024);
    }

    /** Sends one request and reads its response; true when it was a 200. */
    boolean exchange(byte[] request) throws IOException {
      out.write(request);
      out.flush();
      ByteArrayOutputStream head = new ByteArrayOutputStream(256);
      int b;
      int matched = 0;
      while (matched < 4 && (b = in.read()) != -1) {
        head.write(b);
        matched = (b == '\r' || b == '\n') ? matched + 1 : 0;
      }
      String text = head.toString(StandardCharsets.ISO_8859_1);
      int length = 0;
      for (String line : text.split("\r\n")) {
        if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
          length = Integer.parseInt(line.substring(15).trim());
        }
      }
      int read = 0;
      while (read < length) {
        int n = in.read(buffer, 0, Math.min(buffer.length, length - read));
        if (n < 0) {
          throw new IOException("connection closed mid-response");
        }
        read += n;
      }
      return text.startsWith("HTTP/1.1 200");
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  /** Validate and mutate reviews of a compliant and a violating Sandbox in a tenant namespace. */
  private static List<byte[]> requests(Path root, int port) throws IOException {
    String compliant;
    try {
      compliant =
          Manifests.toJson(
              Manifests.read(root.resolve("policies/library/tests/sandbox.yaml")).get(0));
    } catch (Manifests.InvalidManifestException e) {
      throw new IOException(e.getMessage(), e);
    }
    String violating =
        compliant
            .replace("\"runAsNonRoot\":true", "\"runAsNonRoot\":false")
            .replace("registry.example.com/agents", "docker.io/library");
    List<byte[]> requests = new ArrayList<>();
    int uid = 0;
    for (String path : List.of("/validate", "/mutate", "/validate", "/validate")) {
      for (String body : List.of(compliant, violating)) {
        String review =
            """
            {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"bench-%d",\
            "kind":{"group":"agents.x-k8s.io","version":"v1beta1","kind":"Sandbox"},\
            "resource":{"group":"agents.x-k8s.io","version":"v1beta1","resource":"sandboxes"},\
            "namespace":"team-a","name":"agent-1","operation":"CREATE",\
            "userInfo":{"username":"alice","groups":["system:authenticated"]},"object":%s}}"""
                .formatted(uid++, body);
        byte[] bytes = review.getBytes(StandardCharsets.UTF_8);
        String head =
            "POST "
                + path
                + " HTTP/1.1\r\nHost: 127.0.0.1:"
                + port
                + "\r\nContent-Type: application/json\r\nContent-Length: "
                + bytes.length
                + "\r\n\r\n";
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.write(head.getBytes(StandardCharsets.US_ASCII));
        request.write(bytes);
        requests.add(request.toByteArray());
      }
    }
    return requests;
  }

  /** The library's policies and tenant, a namespace for it, and generated policies up to 20. */
  private static int writePolicies(Path root, Path target, int wanted) throws IOException {
    int count = 0;
    try (Stream<Path> files = Files.list(root.resolve("policies/library"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        Files.copy(file, target.resolve(file.getFileName()));
        count +=
            (int)
                Files.readAllLines(file).stream()
                    .filter(l -> l.startsWith("kind: SandboxPolicy"))
                    .count();
      }
    }
    Files.copy(root.resolve("policies/library/tests/tenant.yaml"), target.resolve("tenant.yaml"));
    Files.writeString(
        target.resolve("namespace.yaml"),
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team-a\n  labels:\n"
            + "    kubernetes.io/metadata.name: team-a\n    tenant: team-a\n");
    String[] checks = {
      "object.spec.podTemplate.spec.containers.all(c, size(c.name) <= 63)",
      "!has(object.metadata.labels) || object.metadata.labels.all(k, size(k) <= 63)",
      "object.spec.podTemplate.spec.containers.all(c, !c.image.endsWith(':latest'))",
      "!has(object.spec.podTemplate.spec.hostIPC) || !object.spec.podTemplate.spec.hostIPC",
      "size(object.spec.podTemplate.spec.containers) <= 8",
      "!has(object.spec.podTemplate.spec.initContainers) || size(object.spec.podTemplate.spec.initContainers) <= 4",
      "object.metadata.name.matches('^[a-z0-9-]+$')",
    };
    for (int i = count; i < wanted; i++) {
      Files.writeString(
          target.resolve("generated-" + i + ".yaml"),
          """
          apiVersion: policy.paddock.dev/v1alpha1
          kind: SandboxPolicy
          metadata:
            name: generated-%d
          spec:
            validationActions: [%s]
            match:
              resources: [sandboxes]
              operations: [CREATE, UPDATE]
            validations:
              - expression: "%s"
                message: "generated rule %d-a"
              - expression: "%s"
                message: "generated rule %d-b"
          """
              .formatted(
                  i,
                  i % 3 == 0 ? "Warn" : "Deny",
                  checks[i % checks.length],
                  i,
                  checks[(i + 3) % checks.length],
                  i));
      count++;
    }
    return count;
  }

  private static SSLContext trusting(TlsMaterial material) throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    int i = 0;
    for (X509Certificate ca : material.caCertificates()) {
      trust.setCertificateEntry("ca-" + i++, ca);
    }
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, factory.getTrustManagers(), null);
    return context;
  }

  private static Settings parse(String[] args) {
    int rate = 1000;
    int seconds = 20;
    int capacitySeconds = 15;
    int connections = 32;
    int capacityConnections = 16;
    int warmup = 10;
    int policyCount = 20;
    int workers = WebhookServerSettings.defaults().workerThreads();
    for (String arg : args) {
      String[] kv = arg.split("=", 2);
      int value = Integer.parseInt(kv[1]);
      switch (kv[0]) {
        case "rate" -> rate = value;
        case "seconds" -> seconds = value;
        case "capacitySeconds" -> capacitySeconds = value;
        case "connections" -> connections = value;
        case "capacityConnections" -> capacityConnections = value;
        case "warmupSeconds" -> warmup = value;
        case "policies" -> policyCount = value;
        case "workers" -> workers = value;
        default -> throw new IllegalArgumentException("unknown argument " + kv[0]);
      }
    }
    return new Settings(
        rate,
        seconds,
        capacitySeconds,
        connections,
        capacityConnections,
        warmup,
        policyCount,
        workers);
  }
}
