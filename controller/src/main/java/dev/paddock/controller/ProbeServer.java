package dev.paddock.controller;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.javaoperatorsdk.operator.RuntimeInfo;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Plain-HTTP probes for the kubelet and Prometheus: {@code /startup} (controllers started), {@code
 * /healthz} (every informer healthy) and {@code /metrics} (Prometheus text format).
 */
final class ProbeServer {
  private static final String TEXT = "text/plain; charset=utf-8";
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final int requestedPort;
  private final Supplier<RuntimeInfo> runtimeInfo;
  private final MeterRegistry registry;
  private HttpServer server;

  ProbeServer(int port, Supplier<RuntimeInfo> runtimeInfo, MeterRegistry registry) {
    this.requestedPort = port;
    this.runtimeInfo = runtimeInfo;
    this.registry = registry;
  }

  synchronized void start() throws IOException {
    if (server != null) {
      return;
    }
    server = HttpServer.create(new InetSocketAddress(requestedPort), 16);
    server.createContext("/startup", this::startup);
    server.createContext("/healthz", this::liveness);
    server.createContext("/metrics", this::metrics);
    server.setExecutor(
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "paddock-probes");
              t.setDaemon(true);
              return t;
            }));
    server.start();
  }

  synchronized void stop() {
    if (server != null) {
      server.stop(0);
      server = null;
    }
  }

  synchronized int port() {
    return server == null ? -1 : server.getAddress().getPort();
  }

  private void startup(HttpExchange exchange) throws IOException {
    if (runtimeInfo.get().isStarted()) {
      send(exchange, 200, TEXT, "started\n");
    } else {
      send(exchange, 503, TEXT, "starting\n");
    }
  }

  private void liveness(HttpExchange exchange) throws IOException {
    RuntimeInfo info = runtimeInfo.get();
    if (!info.isStarted()) {
      send(exchange, 503, TEXT, "not started\n");
    } else if (info.allEventSourcesAreHealthy()) {
      send(exchange, 200, TEXT, "healthy\n");
    } else {
      send(exchange, 503, TEXT, "unhealthy event sources: " + info.unhealthyEventSources() + "\n");
    }
  }

  private void metrics(HttpExchange exchange) throws IOException {
    if (registry instanceof PrometheusMeterRegistry prometheus) {
      send(exchange, 200, PROMETHEUS_TEXT, prometheus.scrape());
    } else {
      send(exchange, 404, TEXT, "metrics are not exported in Prometheus format\n");
    }
  }

  private static void send(HttpExchange exchange, int code, String type, String body)
      throws IOException {
    try (exchange) {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", type);
      if ("HEAD".equals(exchange.getRequestMethod())) {
        exchange.sendResponseHeaders(code, -1);
        return;
      }
      exchange.sendResponseHeaders(code, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }
}
