package dev.paddock.webhook;

import java.time.Duration;

/**
 * Limits and timeouts of the webhook's HTTPS server.
 *
 * @param host the address to bind ({@code 0.0.0.0} in a cluster, {@code 127.0.0.1} locally)
 * @param port the port; 0 picks a free one (see {@link WebhookServer#port()})
 * @param maxBodyBytes the largest request body accepted; larger ones get 413. An AdmissionReview
 *     holds the object and the old object, each up to the API server's 3 MiB limit.
 * @param maxNestingDepth the deepest JSON nesting accepted
 * @param bodyTimeout how long a client may take to send a whole request body (then 408)
 * @param readTimeout how long a connection may stay silent while a request is being read
 * @param idleTimeout how long a keep-alive connection may stay idle between requests
 * @param ioThreads threads that do non-blocking I/O and TLS
 * @param workerThreads threads that evaluate admission requests
 * @param queueSize requests that may wait for a worker before the server answers 503
 */
public record WebhookServerSettings(
    String host,
    int port,
    int maxBodyBytes,
    int maxNestingDepth,
    Duration bodyTimeout,
    Duration readTimeout,
    Duration idleTimeout,
    int ioThreads,
    int workerThreads,
    int queueSize) {

  public WebhookServerSettings {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
    }
    if (maxBodyBytes <= 0 || maxNestingDepth <= 0 || ioThreads <= 0 || workerThreads <= 0) {
      throw new IllegalArgumentException("limits and thread counts must be positive");
    }
  }

  /** Defaults: 7 MiB bodies, 64 levels, 10 s to send a body, 60 s idle keep-alive. */
  public static WebhookServerSettings defaults() {
    int cores = Runtime.getRuntime().availableProcessors();
    return new WebhookServerSettings(
        "0.0.0.0",
        8443,
        7 * 1024 * 1024,
        64,
        Duration.ofSeconds(10),
        Duration.ofSeconds(10),
        Duration.ofSeconds(60),
        Math.max(1, cores),
        Math.max(2, cores * 2),
        1024);
  }

  public WebhookServerSettings withAddress(String bindHost, int bindPort) {
    return new WebhookServerSettings(
        bindHost,
        bindPort,
        maxBodyBytes,
        maxNestingDepth,
        bodyTimeout,
        readTimeout,
        idleTimeout,
        ioThreads,
        workerThreads,
        queueSize);
  }

  public WebhookServerSettings withLimits(int bodyBytes, int nestingDepth) {
    return new WebhookServerSettings(
        host,
        port,
        bodyBytes,
        nestingDepth,
        bodyTimeout,
        readTimeout,
        idleTimeout,
        ioThreads,
        workerThreads,
        queueSize);
  }

  public WebhookServerSettings withTimeouts(Duration body, Duration read, Duration idle) {
    return new WebhookServerSettings(
        host,
        port,
        maxBodyBytes,
        maxNestingDepth,
        body,
        read,
        idle,
        ioThreads,
        workerThreads,
        queueSize);
  }

  public WebhookServerSettings withThreads(int io, int workers, int queue) {
    return new WebhookServerSettings(
        host,
        port,
        maxBodyBytes,
        maxNestingDepth,
        bodyTimeout,
        readTimeout,
        idleTimeout,
        io,
        workers,
        queue);
  }
}
