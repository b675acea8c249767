package dev.paddock.e2e.cluster;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kubernetes control plane on loopback: etcd, kube-apiserver, kube-controller-manager,
 * kube-scheduler and kwok (which plays the kubelet of N fake nodes), each a child process of this
 * JVM, built from their Go modules by {@code e2e/controlplane/build.sh} on first use.
 *
 * <pre>{@code
 * try (LocalControlPlane cp = LocalControlPlane.builder().nodes(3).start();
 *     KubernetesClient client = cp.newClient()) {
 *   client.pods().inNamespace("default").resource(pod).create();
 * }
 * }</pre>
 *
 * <p>Every listener is bound to 127.0.0.1 on a free port. Pods are scheduled onto the kwok nodes,
 * which move them to Running and Ready and give them a pod IP; nothing is really run. {@link
 * #close()} (also run by a JVM shutdown hook) stops every child process, SIGTERM first, then
 * SIGKILL.
 */
public final class LocalControlPlane implements AutoCloseable {

  /**
   * kwok manages exactly the nodes carrying this annotation with value {@value #KWOK_NODE_VALUE}.
   */
  public static final String KWOK_NODE_ANNOTATION = "kwok.x-k8s.io/node";

  public static final String KWOK_NODE_VALUE = "fake";

  /** The Service ClusterIP range; the first address is the kubernetes Service. */
  public static final String SERVICE_CLUSTER_IP_RANGE = "10.96.0.0/16";

  /** The range kwok draws pod IPs from; pod IPs are status only, nothing listens on them. */
  public static final String POD_CIDR = "10.244.0.0/16";

  private static final Logger LOG = LoggerFactory.getLogger(LocalControlPlane.class);
  private static final String LOOPBACK = "127.0.0.1";
  private static final Duration POLL = Duration.ofMillis(100);

  private final ControlPlaneBinaries binaries;
  private final Path workDir;
  private final Path logDir;
  private final boolean deleteWorkDir;
  private final int nodeCount;
  private final Duration startTimeout;
  private final List<ComponentProcess> components = new ArrayList<>();
  private final Map<String, Integer> ports = new LinkedHashMap<>();
  private final List<String> nodeNames = new ArrayList<>();
  private final Thread shutdownHook;
  private ClusterPki pki;
  private Path kubeconfig;
  private Config clientConfig;
  private HttpClient httpClient;
  private Duration startupTime;
  private boolean closed;

  private LocalControlPlane(Builder builder, ControlPlaneBinaries binaries, Path workDir) {
    this.binaries = binaries;
    this.workDir = workDir;
    this.logDir = workDir.resolve("logs");
    this.deleteWorkDir = builder.workDir == null && !builder.keepWorkDir;
    this.nodeCount = builder.nodes;
    this.startTimeout = builder.startTimeout;
    this.shutdownHook = new Thread(this::stopComponents, "paddock-control-plane-shutdown");
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Options for {@link LocalControlPlane}; {@link #start()} builds what is missing and starts. */
  public static final class Builder {
    private Path repoRoot;
    private Path binDir;
    private Path workDir;
    private boolean keepWorkDir;
    private int nodes = 3;
    private Duration startTimeout = Duration.ofMinutes(3);
    private Duration buildTimeout = Duration.ofMinutes(90);
    private Consumer<String> buildProgress = line -> LOG.info("{}", line);

    private Builder() {}

    /**
     * The repository whose {@code e2e/controlplane/build.sh} builds missing binaries; by default
     * {@link ControlPlaneBinaries#findRepoRoot()}.
     */
    public Builder repoRoot(Path repoRoot) {
      this.repoRoot = repoRoot;
      return this;
    }

    /**
     * A directory that already holds every binary: build.sh is not run. Without this, the {@value
     * ControlPlaneBinaries#BIN_DIR_ENV} environment variable is used when set.
     */
    public Builder binDir(Path binDir) {
      this.binDir = binDir;
      return this;
    }

    /**
     * Where certificates, kubeconfigs, etcd data and logs go; kept after {@link #close()}, and
     * reused by a later start as a new, empty cluster (old etcd data is deleted). By default a
     * fresh temporary directory, deleted on close unless {@link #keepWorkDir()}.
     */
    public Builder workDir(Path workDir) {
      this.workDir = workDir;
      return this;
    }

    /** Keep the default temporary work dir after close. */
    public Builder keepWorkDir() {
      this.keepWorkDir = true;
      return this;
    }

    /** How many kwok nodes to create (default 3); 0 creates none. */
    public Builder nodes(int nodes) {
      if (nodes < 0) {
        throw new IllegalArgumentException("nodes must be >= 0: " + nodes);
      }
      this.nodes = nodes;
      return this;
    }

    /** How long startup may take, build excluded (default 3 minutes). */
    public Builder startTimeout(Duration startTimeout) {
      this.startTimeout = Objects.requireNonNull(startTimeout);
      return this;
    }

    /** How long build.sh may take (default 90 minutes; the first build is long). */
    public Builder buildTimeout(Duration buildTimeout) {
      this.buildTimeout = Objects.requireNonNull(buildTimeout);
      return this;
    }

    /** Receives build.sh's progress lines (default: logged at INFO). */
    public Builder buildProgress(Consumer<String> buildProgress) {
      this.buildProgress = Objects.requireNonNull(buildProgress);
      return this;
    }

    /**
     * Builds missing binaries, then starts the control plane and waits until it is ready: the API
     * server's /readyz, every component healthy, the kwok nodes Ready, and the default namespace
     * with its default ServiceAccount present.
     *
     * @throws ControlPlaneException naming the component that failed, its exit code and the tail of
     *     its log; every process already started has been stopped
     */
    public LocalControlPlane start() {
      ControlPlaneBinaries binaries = resolveBinaries();
      Path dir;
      try {
        dir =
            workDir != null
                ? Files.createDirectories(workDir.toAbsolutePath())
                : Files.createTempDirectory("paddock-controlplane-");
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create the control-plane work dir", e);
      }
      LocalControlPlane controlPlane = new LocalControlPlane(this, binaries, dir);
      try {
        controlPlane.startAll();
        return controlPlane;
      } catch (RuntimeException | Error e) {
        // Stop what was started but keep the work dir: its logs say what went wrong.
        controlPlane.abandon();
        throw e;
      }
    }

    private ControlPlaneBinaries resolveBinaries() {
      if (binDir != null) {
        return ControlPlaneBinaries.in(binDir);
      }
      String env = System.getenv(ControlPlaneBinaries.BIN_DIR_ENV);
      if (env != null && !env.isBlank()) {
        return ControlPlaneBinaries.in(Path.of(env));
      }
      Path root = repoRoot != null ? repoRoot : ControlPlaneBinaries.findRepoRoot();
      return ControlPlaneBinaries.build(root, buildTimeout, buildProgress);
    }
  }

  private void startAll() {
    long started = System.nanoTime();
    long deadline = started + startTimeout.toNanos();
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    // A reused work dir starts a new cluster: the old etcd data belongs to another CA.
    Path etcdData = workDir.resolve("etcd-data");
    if (Files.exists(etcdData)) {
      deleteRecursively(etcdData);
    }
    try {
      Files.createDirectories(logDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    allocatePorts(
        "etcd-client",
        "etcd-peer",
        "kube-apiserver",
        "kube-controller-manager",
        "kube-scheduler",
        "kwok");
    writeCertificatesAndKubeconfigs();

    ComponentProcess etcd = launch("etcd", etcdArgs());
    awaitReady(etcd, "report /health", deadline, () -> etcdHealthy());

    ComponentProcess apiServer = launch("kube-apiserver", apiServerArgs());
    awaitReady(apiServer, "report /readyz ok", deadline, () -> httpOk(apiUrl("/readyz")));

    ComponentProcess controllerManager = launch("kube-controller-manager", controllerManagerArgs());
    ComponentProcess scheduler = launch("kube-scheduler", schedulerArgs());
    ComponentProcess kwok = launch("kwok", kwokArgs());
    awaitReady(
        controllerManager,
        "report /healthz ok",
        deadline,
        () -> httpOk(URI.create(loopbackUrl("https", "kube-controller-manager") + "/healthz")));
    awaitReady(
        scheduler,
        "report /healthz ok",
        deadline,
        () -> httpOk(URI.create(loopbackUrl("https", "kube-scheduler") + "/healthz")));
    awaitReady(
        kwok,
        "report /healthz ok",
        deadline,
        () -> httpOk(URI.create(loopbackUrl("http", "kwok") + "/healthz")));

    try (KubernetesClient client = newClient()) {
      createNodes(client);
      awaitReady(kwok, "make every node Ready", deadline, () -> allNodesReady(client));
      awaitReady(
          controllerManager,
          "create the default ServiceAccount in the default namespace",
          deadline,
          () ->
              client.namespaces().withName("default").get() != null
                  && client.serviceAccounts().inNamespace("default").withName("default").get()
                      != null);
    }
    startupTime = Duration.ofNanos(System.nanoTime() - started);
    LOG.info(
        "local control plane {} ready in {} ms: {} (work dir {})",
        binaries.kubernetesVersion(),
        startupTime.toMillis(),
        apiServerUrl(),
        workDir);
  }

  // ---------------------------------------------------------------------------------------
  // Component command lines

  private List<String> etcdArgs() {
    String client = loopbackUrl("http", "etcd-client");
    String peer = loopbackUrl("http", "etcd-peer");
    return List.of(
        "--name=paddock",
        "--data-dir=" + workDir.resolve("etcd-data"),
        "--listen-client-urls=" + client,
        "--advertise-client-urls=" + client,
        "--listen-peer-urls=" + peer,
        "--initial-advertise-peer-urls=" + peer,
        "--initial-cluster=paddock=" + peer,
        "--initial-cluster-state=new",
        // a throw-away test cluster: durability is not worth the fsync latency
        "--unsafe-no-fsync=true",
        "--log-level=warn");
  }

  private List<String> apiServerArgs() {
    Path pkiDir = workDir.resolve("pki");
    return List.of(
        "--etcd-servers=" + loopbackUrl("http", "etcd-client"),
        "--bind-address=" + LOOPBACK,
        "--advertise-address=" + LOOPBACK,
        // The endpoint reconciler refuses a loopback advertise address, and nothing in a pod
        // could reach the API server through the kubernetes Service anyway (kwok runs no pods).
        "--endpoint-reconciler-type=none",
        "--secure-port=" + ports.get("kube-apiserver"),
        "--cert-dir=" + pkiDir,
        "--tls-cert-file=" + pkiDir.resolve("apiserver.crt"),
        "--tls-private-key-file=" + pkiDir.resolve("apiserver.key"),
        "--client-ca-file=" + pkiDir.resolve("ca.crt"),
        "--service-cluster-ip-range=" + SERVICE_CLUSTER_IP_RANGE,
        "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
        "--service-account-key-file=" + pkiDir.resolve("sa.pub"),
        "--service-account-signing-key-file=" + pkiDir.resolve("sa.key"),
        // RBAC,Node (not AlwaysAllow) so that tests see real authorization: the operator's
        // ClusterRoles are enforced, and components act under their bootstrap roles.
        "--authorization-mode=RBAC,Node",
        // Request-header authentication as kubeadm sets it up, so that aggregated API servers
        // work and the components' delegated authentication finds its CA.
        "--requestheader-client-ca-file=" + pkiDir.resolve("front-proxy-ca.crt"),
        "--requestheader-allowed-names=front-proxy-client",
        "--requestheader-username-headers=X-Remote-User",
        "--requestheader-group-headers=X-Remote-Group",
        "--requestheader-extra-headers-prefix=X-Remote-Extra-",
        "--proxy-client-cert-file=" + pkiDir.resolve("front-proxy-client.crt"),
        "--proxy-client-key-file=" + pkiDir.resolve("front-proxy-client.key"),
        "--allow-privileged=true",
        // admission webhooks may call back to 127.0.0.1: the default webhook dialer allows it,
        // and MutatingAdmissionWebhook/ValidatingAdmissionWebhook/ValidatingAdmissionPolicy are
        // enabled by default.
        "--profiling=false");
  }

  private List<String> controllerManagerArgs() {
    Path pkiDir = workDir.resolve("pki");
    Path kubeconfigFile = workDir.resolve("kube-controller-manager.kubeconfig");
    return List.of(
        "--kubeconfig=" + kubeconfigFile,
        "--authentication-kubeconfig=" + kubeconfigFile,
        "--authorization-kubeconfig=" + kubeconfigFile,
        "--bind-address=" + LOOPBACK,
        "--secure-port=" + ports.get("kube-controller-manager"),
        "--tls-cert-file=" + pkiDir.resolve("loopback.crt"),
        "--tls-private-key-file=" + pkiDir.resolve("loopback.key"),
        // "*" = every default controller, among them garbagecollector, serviceaccount,
        // serviceaccount-token, namespace, replicaset, deployment and nodelifecycle.
        "--controllers=*",
        "--use-service-account-credentials=true",
        "--service-account-private-key-file=" + pkiDir.resolve("sa.key"),
        "--root-ca-file=" + pkiDir.resolve("ca.crt"),
        "--cluster-signing-cert-file=" + pkiDir.resolve("ca.crt"),
        "--cluster-signing-key-file=" + pkiDir.resolve("ca.key"),
        "--leader-elect=false",
        // a quota on resources discovered after start (Paddock's CRDs) has no usage until a full
        // quota resync, and the API server refuses creates it governs until then: 5 min by
        // default, 10 s here
        "--resource-quota-sync-period=10s",
        "--profiling=false");
  }

  private List<String> schedulerArgs() {
    Path pkiDir = workDir.resolve("pki");
    Path kubeconfigFile = workDir.resolve("kube-scheduler.kubeconfig");
    return List.of(
        "--kubeconfig=" + kubeconfigFile,
        "--authentication-kubeconfig=" + kubeconfigFile,
        "--authorization-kubeconfig=" + kubeconfigFile,
        "--bind-address=" + LOOPBACK,
        "--secure-port=" + ports.get("kube-scheduler"),
        "--tls-cert-file=" + pkiDir.resolve("loopback.crt"),
        "--tls-private-key-file=" + pkiDir.resolve("loopback.key"),
        "--leader-elect=false",
        "--profiling=false");
  }

  private List<String> kwokArgs() {
    return List.of(
        "--kubeconfig=" + workDir.resolve("kwok.kubeconfig"),
        // the stages are kwok's defaults, written by build.sh from the kwok module it built
        "--config=" + binaries.kwokStages(),
        "--manage-all-nodes=false",
        "--manage-nodes-with-annotation-selector=" + KWOK_NODE_ANNOTATION + "=" + KWOK_NODE_VALUE,
        "--server-address=" + LOOPBACK + ":" + ports.get("kwok"),
        "--cidr=" + POD_CIDR,
        "--node-ip=" + LOOPBACK,
        "--node-lease-duration-seconds=40");
  }

  // ---------------------------------------------------------------------------------------
  // Certificates and kubeconfigs

  private void writeCertificatesAndKubeconfigs() {
    pki = new ClusterPki();
    Path pkiDir = workDir.resolve("pki");
    try {
      Files.createDirectories(pkiDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ClusterPki.writePem(pkiDir.resolve("ca.crt"), pki.ca().certificatePem());
    ClusterPki.writePem(pkiDir.resolve("ca.key"), pki.ca().privateKeyPem());
    ClusterPki.writePem(
        pkiDir.resolve("sa.key"), ClusterPki.pem(pki.serviceAccountKey().getPrivate()));
    ClusterPki.writePem(
        pkiDir.resolve("sa.pub"), ClusterPki.pem(pki.serviceAccountKey().getPublic()));
    ClusterPki.Credential apiServer =
        pki.serving(
            "kube-apiserver",
            List.of(
                "localhost",
                "kubernetes",
                "kubernetes.default",
                "kubernetes.default.svc",
                "kubernetes.default.svc.cluster.local"),
            List.of(LOOPBACK, "::1", firstServiceIp()));
    ClusterPki.writePem(pkiDir.resolve("apiserver.crt"), apiServer.certificatePem());
    ClusterPki.writePem(pkiDir.resolve("apiserver.key"), apiServer.privateKeyPem());
    ClusterPki.writePem(pkiDir.resolve("front-proxy-ca.crt"), pki.frontProxyCa().certificatePem());
    ClusterPki.Credential frontProxyClient =
        pki.client(pki.frontProxyCa(), "front-proxy-client", null);
    ClusterPki.writePem(
        pkiDir.resolve("front-proxy-client.crt"), frontProxyClient.certificatePem());
    ClusterPki.writePem(pkiDir.resolve("front-proxy-client.key"), frontProxyClient.privateKeyPem());
    ClusterPki.Credential loopback =
        pki.serving("paddock-loopback", List.of("localhost"), List.of(LOOPBACK, "::1"));
    ClusterPki.writePem(pkiDir.resolve("loopback.crt"), loopback.certificatePem());
    ClusterPki.writePem(pkiDir.resolve("loopback.key"), loopback.privateKeyPem());

    // Kubernetes takes the user from CN and the groups from O; the bootstrap RBAC policy
    // binds system:kube-controller-manager and system:kube-scheduler to their roles.
    ClusterPki.Credential admin = pki.client("paddock-admin", "system:masters");
    writeKubeconfig(workDir.resolve("admin.kubeconfig"), "paddock-admin", admin);
    writeKubeconfig(
        workDir.resolve("kube-controller-manager.kubeconfig"),
        "system:kube-controller-manager",
        pki.client("system:kube-controller-manager", null));
    writeKubeconfig(
        workDir.resolve("kube-scheduler.kubeconfig"),
        "system:kube-scheduler",
        pki.client("system:kube-scheduler", null));
    writeKubeconfig(
        workDir.resolve("kwok.kubeconfig"), "kwok", pki.client("kwok", "system:masters"));
    kubeconfig = workDir.resolve("admin.kubeconfig");

    clientConfig =
        new ConfigBuilder(Config.empty())
            .withMasterUrl(apiServerUrl().toString())
            .withCaCertData(base64(pki.ca().certificatePem()))
            .withClientCertData(base64(admin.certificatePem()))
            .withClientKeyData(base64(admin.privateKeyPem()))
            .withClientKeyAlgo("RSA")
            .withNamespace("default")
            .build();
    SSLContext ssl = pki.sslContext(admin);
    httpClient =
        HttpClient.newBuilder()
            .sslContext(ssl)
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
  }

  private void writeKubeconfig(Path file, String user, ClusterPki.Credential credential) {
    String yaml =
        "apiVersion: v1\n"
            + "kind: Config\n"
            + "clusters:\n"
            + "- name: paddock-local\n"
            + "  cluster:\n"
            + "    server: "
            + apiServerUrl()
            + "\n"
            + "    certificate-authority-data: "
            + base64(pki.ca().certificatePem())
            + "\n"
            + "users:\n"
            + "- name: "
            + user
            + "\n"
            + "  user:\n"
            + "    client-certificate-data: "
            + base64(credential.certificatePem())
            + "\n"
            + "    client-key-data: "
            + base64(credential.privateKeyPem())
            + "\n"
            + "contexts:\n"
            + "- name: paddock-local\n"
            + "  context:\n"
            + "    cluster: paddock-local\n"
            + "    user: "
            + user
            + "\n"
            + "    namespace: default\n"
            + "current-context: paddock-local\n";
    try {
      Files.writeString(file, yaml, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
  }

  private static String firstServiceIp() {
    String network = SERVICE_CLUSTER_IP_RANGE.substring(0, SERVICE_CLUSTER_IP_RANGE.indexOf('/'));
    String[] octets = network.split("\\.");
    return octets[0] + "." + octets[1] + "." + octets[2] + "." + (Integer.parseInt(octets[3]) + 1);
  }

  // ---------------------------------------------------------------------------------------
  // Nodes

  private void createNodes(KubernetesClient client) {
    for (int i = 0; i < nodeCount; i++) {
      String name = "kwok-node-" + i;
      Map<String, Quantity> resources =
          Map.of(
              "cpu", new Quantity("32"),
              "memory", new Quantity("256Gi"),
              "pods", new Quantity("110"),
              "ephemeral-storage", new Quantity("1Ti"));
      Node node =
          new NodeBuilder()
              .withNewMetadata()
              .withName(name)
              .addToAnnotations(KWOK_NODE_ANNOTATION, KWOK_NODE_VALUE)
              .addToAnnotations("node.alpha.kubernetes.io/ttl", "0")
              .addToLabels("kubernetes.io/hostname", name)
              .addToLabels("kubernetes.io/os", "linux")
              .addToLabels("kubernetes.io/arch", "amd64")
              .addToLabels("type", "kwok")
              .endMetadata()
              .withNewStatus()
              .withAllocatable(resources)
              .withCapacity(resources)
              .endStatus()
              .build();
      client.nodes().resource(node).create();
      nodeNames.add(name);
    }
  }

  private boolean allNodesReady(KubernetesClient client) {
    for (String name : nodeNames) {
      Node node = client.nodes().withName(name).get();
      if (node == null || node.getStatus() == null || node.getStatus().getConditions() == null) {
        return false;
      }
      boolean ready = false;
      for (NodeCondition condition : node.getStatus().getConditions()) {
        if ("Ready".equals(condition.getType()) && "True".equals(condition.getStatus())) {
          ready = true;
        }
      }
      if (!ready) {
        return false;
      }
    }
    return true;
  }

  // ---------------------------------------------------------------------------------------
  // Processes, ports and readiness

  private ComponentProcess launch(String name, List<String> args) {
    ComponentProcess process =
        ComponentProcess.start(name, binaries.path(name), args, workDir, logDir);
    synchronized (this) {
      components.add(process);
    }
    LOG.debug("started {} (pid {})", name, process.pid());
    return process;
  }

  /**
   * Polls until the check passes. Any started component that exits fails the wait with its exit
   * code and log tail; at the deadline the component being waited for is blamed.
   */
  private void awaitReady(
      ComponentProcess component, String what, long deadlineNanos, BooleanSupplier check) {
    while (true) {
      List<ComponentProcess> running;
      synchronized (this) {
        running = List.copyOf(components);
      }
      for (ComponentProcess p : running) {
        p.checkAlive();
      }
      try {
        if (check.getAsBoolean()) {
          return;
        }
      } catch (KubernetesClientException e) {
        LOG.trace("{} not ready yet: {}", component.name(), e.getMessage());
      }
      if (System.nanoTime() > deadlineNanos) {
        throw component.notReady(what + " within " + startTimeout);
      }
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ControlPlaneException("interrupted while waiting for " + component.name(), e);
      }
    }
  }

  private boolean etcdHealthy() {
    HttpResponse<String> response = get(URI.create(loopbackUrl("http", "etcd-client") + "/health"));
    return response != null
        && response.statusCode() == 200
        && response.body().replace(" ", "").contains("\"health\":\"true\"");
  }

  private boolean httpOk(URI uri) {
    HttpResponse<String> response = get(uri);
    return response != null && response.statusCode() == 200;
  }

  private HttpResponse<String> get(URI uri) {
    try {
      return httpClient.send(
          HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(3)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      return null; // not listening yet, or not answering yet
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ControlPlaneException("interrupted while probing " + uri, e);
    }
  }

  /** Free loopback ports, all held open together so that no two components get the same one. */
  private void allocatePorts(String... names) {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      for (String name : names) {
        ServerSocket socket = new ServerSocket();
        sockets.add(socket);
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getByName(LOOPBACK), 0));
        ports.put(name, socket.getLocalPort());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find free loopback ports", e);
    } finally {
      for (ServerSocket socket : sockets) {
        try {
          socket.close();
        } catch (IOException ignored) {
          // closing a bound, unused socket does not fail in practice
        }
      }
    }
  }

  private String loopbackUrl(String scheme, String portName) {
    return scheme + "://" + LOOPBACK + ":" + ports.get(portName);
  }

  private URI apiUrl(String path) {
    return URI.create(apiServerUrl() + path);
  }

  // ---------------------------------------------------------------------------------------
  // Public view

  /** The API server's URL, {@code https://127.0.0.1:<port>}. */
  public URI apiServerUrl() {
    return URI.create(loopbackUrl("https", "kube-apiserver"));
  }

  /** An admin (system:masters) kubeconfig with embedded certificates. */
  public Path kubeconfig() {
    return kubeconfig;
  }

  /** The fabric8 configuration of an admin client, default namespace {@code default}. */
  public Config clientConfig() {
    return new ConfigBuilder(clientConfig).build();
  }

  /** A new admin client; the caller closes it. */
  public KubernetesClient newClient() {
    return new KubernetesClientBuilder().withConfig(clientConfig()).build();
  }

  /** A new admin client whose default namespace is {@code namespace}; the caller closes it. */
  public KubernetesClient newClient(String namespace) {
    return new KubernetesClientBuilder()
        .withConfig(new ConfigBuilder(clientConfig).withNamespace(namespace).build())
        .build();
  }

  /** The directory of every component's log, {@code <component>.log}. */
  public Path logDir() {
    return logDir;
  }

  public Path workDir() {
    return workDir;
  }

  /** The directory of the control-plane binaries (kubectl among them). */
  public Path binDir() {
    return binaries.dir();
  }

  public ControlPlaneBinaries binaries() {
    return binaries;
  }

  /** The Kubernetes release of the binaries, e.g. {@code v1.37.2}. */
  public String kubernetesVersion() {
    return binaries.kubernetesVersion();
  }

  /** The kwok node names, {@code kwok-node-0} ... */
  public List<String> nodeNames() {
    return Collections.unmodifiableList(nodeNames);
  }

  /** How long {@code start()} took from the first process to ready, build excluded. */
  public Duration startupTime() {
    return startupTime;
  }

  /** The loopback port of each listener: etcd-client, etcd-peer, kube-apiserver, ... */
  public Map<String, Integer> ports() {
    return Collections.unmodifiableMap(ports);
  }

  /** The process id of each running component, by name. */
  public synchronized Map<String, Long> pids() {
    Map<String, Long> pids = new LinkedHashMap<>();
    for (ComponentProcess p : components) {
      if (p.isAlive()) {
        pids.put(p.name(), p.pid());
      }
    }
    return pids;
  }

  /**
   * Throws {@link ControlPlaneException} when a component has exited (with its exit code and log
   * tail); returns quietly while all run.
   */
  public synchronized void checkRunning() {
    for (ComponentProcess p : components) {
      p.checkAlive();
    }
  }

  /** Stops every component (SIGTERM, then SIGKILL) and, if it was temporary, the work dir. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    stopComponents();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException | IllegalArgumentException e) {
      // the JVM is already shutting down, or the hook was never registered
    }
    if (deleteWorkDir) {
      deleteRecursively(workDir);
    }
  }

  private void abandon() {
    synchronized (this) {
      closed = true;
    }
    stopComponents();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException | IllegalArgumentException e) {
      // the JVM is already shutting down, or the hook was never registered
    }
    LOG.warn("local control plane failed to start; its logs stay in {}", logDir);
  }

  private void stopComponents() {
    List<ComponentProcess> toStop;
    synchronized (this) {
      toStop = new ArrayList<>(components);
    }
    // Reverse start order: clients of the API server first, etcd last.
    Collections.reverse(toStop);
    for (ComponentProcess p : toStop) {
      p.stop();
    }
  }

  private static void deleteRecursively(Path dir) {
    try {
      Files.walkFileTree(
          dir,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.delete(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
              Files.delete(d);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      LOG.warn("could not delete the control-plane work dir {}: {}", dir, e.toString());
    }
  }
}
