package dev.paddock.webhook;

import dev.paddock.certs.ReloadingKeyManager;
import dev.paddock.certs.TlsMaterial;
import dev.paddock.certs.TlsMaterialSource;
import dev.paddock.webhook.admission.AdmissionHandler;
import dev.paddock.webhook.admission.AdmissionRequest.GroupVersionKind;
import dev.paddock.webhook.http.AdmissionHttpHandler;
import dev.paddock.webhook.http.AdmissionHttpHandler.Webhook;
import dev.paddock.webhook.http.AdmissionReviewCodec;
import dev.paddock.webhook.metrics.AdmissionMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.GracefulShutdownHandler;
import io.undertow.server.handlers.PathHandler;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.Options;

/**
 * The admission webhook's HTTPS server: {@code /validate}, {@code /mutate}, {@code /healthz},
 * {@code /readyz} and {@code /metrics} (Prometheus).
 *
 * <pre>{@code
 * WebhookServer server = WebhookServer.builder()
 *     .settings(WebhookServerSettings.defaults().withAddress("127.0.0.1", 0))
 *     .tls(FixedTlsSource.selfSigned(SubjectAltNames.loopback()))
 *     .handler(handler)
 *     .start();
 * int port = server.port();
 * ...
 * server.close();
 * }</pre>
 *
 * <p>The certificate is hot-reloaded: when the TLS source rotates, new handshakes get the new
 * certificate and open connections stay up.
 */
public final class WebhookServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookServer.class);

  /**
   * The kinds Paddock's webhooks are registered for (and Scale, of a warm pool's scale
   * subresource), plus Pods, which policies may match.
   */
  public static final Predicate<GroupVersionKind> PADDOCK_KINDS =
      gvk ->
          switch (gvk.group()) {
            case "agents.x-k8s.io" -> gvk.kind().equals("Sandbox");
            case "extensions.agents.x-k8s.io" ->
                Set.of("SandboxTemplate", "SandboxClaim", "SandboxWarmPool").contains(gvk.kind());
            case "policy.paddock.dev" ->
                Set.of("SandboxPolicy", "TenantProfile").contains(gvk.kind());
            case "" -> gvk.kind().equals("Pod");
            // SandboxWarmPool's scale subresource
            case "autoscaling" -> gvk.kind().equals("Scale");
            default -> false;
          };

  private final WebhookServerSettings settings;
  private final TlsMaterialSource tls;
  private final AdmissionHandler handler;
  private final PrometheusMeterRegistry registry;
  private final Predicate<GroupVersionKind> acceptedKinds;
  private ReloadingKeyManager keyManager;
  private Undertow undertow;
  private GracefulShutdownHandler graceful;
  private ThreadPoolExecutor workers;
  private int port;

  private WebhookServer(Builder builder) {
    this.settings = builder.settings;
    this.tls = Objects.requireNonNull(builder.tls, "a TLS material source is required");
    this.handler = Objects.requireNonNull(builder.handler, "an admission handler is required");
    this.registry =
        builder.registry != null
            ? builder.registry
            : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    this.acceptedKinds = builder.acceptedKinds;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Starts the TLS source and the server; returns once the port is bound. */
  public synchronized WebhookServer start() {
    if (undertow != null) {
      return this;
    }
    tls.start();
    keyManager = new ReloadingKeyManager(tls.current());

    AtomicInteger threadNumber = new AtomicInteger();
    workers =
        new ThreadPoolExecutor(
            settings.workerThreads(),
            settings.workerThreads(),
            60,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(Math.max(1, settings.queueSize())),
            r -> {
              Thread thread = new Thread(r, "paddock-admission-" + threadNumber.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            },
            new ThreadPoolExecutor.AbortPolicy());

    AdmissionMetrics metrics = new AdmissionMetrics(registry);
    metrics.policiesLoaded(handler::policiesLoaded);
    AdmissionReviewCodec codec =
        new AdmissionReviewCodec(settings.maxNestingDepth(), acceptedKinds);
    PathHandler paths =
        Handlers.path(this::notFound)
            .addExactPath("/validate", admission(Webhook.VALIDATE, codec, metrics))
            .addExactPath("/mutate", admission(Webhook.MUTATE, codec, metrics))
            .addExactPath("/healthz", exchange -> text(exchange, 200, "ok\n"))
            .addExactPath("/readyz", this::ready)
            .addExactPath("/metrics", this::metrics);
    graceful = Handlers.gracefulShutdown(paths);

    int readTimeout = (int) settings.readTimeout().toMillis();
    undertow =
        Undertow.builder()
            .addHttpsListener(settings.port(), settings.host(), keyManager.sslContext())
            .setIoThreads(settings.ioThreads())
            // admission runs on Paddock's own workers; Undertow's only run /metrics
            .setWorkerThreads(2)
            .setServerOption(UndertowOptions.ENABLE_HTTP2, false)
            // a backstop only: the admission handler answers 413 itself at maxBodyBytes
            .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, 2L * settings.maxBodyBytes() + 1)
            .setServerOption(UndertowOptions.MAX_HEADER_SIZE, 16 * 1024)
            .setServerOption(UndertowOptions.MAX_HEADERS, 100)
            .setServerOption(UndertowOptions.REQUEST_PARSE_TIMEOUT, readTimeout)
            .setServerOption(
                UndertowOptions.NO_REQUEST_TIMEOUT, (int) settings.idleTimeout().toMillis())
            .setSocketOption(Options.READ_TIMEOUT, readTimeout)
            .setSocketOption(Options.WRITE_TIMEOUT, readTimeout)
            .setHandler(graceful)
            .build();
    try {
      undertow.start();
    } catch (RuntimeException e) {
      workers.shutdownNow();
      undertow = null;
      throw new IllegalStateException(
          "cannot listen on " + settings.host() + ":" + settings.port() + ": " + rootMessage(e), e);
    }
    Undertow.ListenerInfo listener = undertow.getListenerInfo().get(0);
    port = ((InetSocketAddress) listener.getAddress()).getPort();
    tls.onRotation(
        material -> {
          keyManager.update(material);
          // a fresh context also drops the TLS sessions (and ticket keys) of the old
          // certificate, so no client resumes into it; open connections are untouched
          listener.setSslContext(keyManager.sslContext());
          LOG.info(
              "webhook: now serving the certificate valid until {}",
              material.certificate().getNotAfter().toInstant());
        });
    LOG.info("webhook: serving HTTPS on {}:{}", settings.host(), port);
    return this;
  }

  /** The bound port (the real one when the settings asked for 0). */
  public int port() {
    return port;
  }

  /** {@code https://127.0.0.1:<port>}, for local clients and URL-based registration. */
  public URI localUri() {
    return URI.create("https://127.0.0.1:" + port);
  }

  /** The certificate being served now (its CA bundle is what clients must trust). */
  public TlsMaterial tlsMaterial() {
    return keyManager.current();
  }

  public PrometheusMeterRegistry meterRegistry() {
    return registry;
  }

  /** Stops accepting, lets requests in flight finish (up to 5 s), then stops. */
  @Override
  public synchronized void close() {
    if (undertow == null) {
      return;
    }
    graceful.shutdown();
    try {
      graceful.awaitShutdown(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    undertow.stop();
    workers.shutdownNow();
    tls.close();
    undertow = null;
    LOG.info("webhook: stopped");
  }

  private HttpHandler admission(
      Webhook webhook, AdmissionReviewCodec codec, AdmissionMetrics metrics) {
    return new AdmissionHttpHandler(
        webhook, handler, codec, metrics, workers, settings.maxBodyBytes(), settings.bodyTimeout());
  }

  private void ready(HttpServerExchange exchange) {
    boolean ready;
    try {
      ready = handler.ready();
    } catch (RuntimeException e) {
      ready = false;
    }
    text(exchange, ready ? 200 : 503, ready ? "ready\n" : "policies not loaded yet\n");
  }

  private void metrics(HttpServerExchange exchange) {
    if (exchange.isInIoThread()) {
      exchange.dispatch(this::metrics);
      return;
    }
    if (!Methods.GET.equals(exchange.getRequestMethod())) {
      text(exchange, 405, "use GET\n");
      return;
    }
    exchange
        .getResponseHeaders()
        .put(Headers.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
    exchange.getResponseSender().send(registry.scrape(), StandardCharsets.UTF_8);
  }

  private void notFound(HttpServerExchange exchange) {
    text(exchange, 404, "not found: use /validate, /mutate, /healthz, /readyz or /metrics\n");
  }

  private static void text(HttpServerExchange exchange, int status, String body) {
    exchange.setStatusCode(status);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
    exchange.getResponseSender().send(body, StandardCharsets.UTF_8);
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.toString() : root.getMessage();
  }

  /** Builds a {@link WebhookServer}. */
  public static final class Builder {
    private WebhookServerSettings settings = WebhookServerSettings.defaults();
    private TlsMaterialSource tls;
    private AdmissionHandler handler;
    private PrometheusMeterRegistry registry;
    private Predicate<GroupVersionKind> acceptedKinds = PADDOCK_KINDS;

    public Builder settings(WebhookServerSettings value) {
      this.settings = value;
      return this;
    }

    public Builder tls(TlsMaterialSource value) {
      this.tls = value;
      return this;
    }

    public Builder handler(AdmissionHandler value) {
      this.handler = value;
      return this;
    }

    /** The registry to publish metrics to (and scrape on /metrics); a new one by default. */
    public Builder meterRegistry(PrometheusMeterRegistry value) {
      this.registry = value;
      return this;
    }

    /** Which kinds are admitted; others get 400. {@link #PADDOCK_KINDS} by default. */
    public Builder acceptedKinds(Predicate<GroupVersionKind> value) {
      this.acceptedKinds = value;
      return this;
    }

    public WebhookServer build() {
      return new WebhookServer(this);
    }

    /** Builds and starts the server. */
    public WebhookServer start() {
      return build().start();
    }
  }
}
