package dev.paddock.controller.claim;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * fabric8's mock API server in CRUD mode with Paddock's CRDs (from {@code deploy/crds/})
 * registered, plus a log of every request it served, so that tests can count API writes.
 */
public final class MockCluster implements AutoCloseable {
  private final KubernetesMockServer server;
  private final KubernetesClient client;
  private final List<String> requests = new ArrayList<>();

  public MockCluster() {
    server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new KubernetesCrudDispatcher(List.of()),
            false);
    server.init();
    client = server.createClient();
    registerCrds();
  }

  private void registerCrds() {
    Path crds = Path.of(System.getProperty("paddock.root", "..")).resolve("deploy").resolve("crds");
    try (Stream<Path> files = Files.list(crds)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        if (file.getFileName().toString().equals("kustomization.yaml")) {
          continue;
        }
        try (InputStream in = Files.newInputStream(file)) {
          CustomResourceDefinition crd =
              client.getKubernetesSerialization().unmarshal(in, CustomResourceDefinition.class);
          client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the CRDs under " + crds, e);
    }
  }

  public KubernetesClient client() {
    return client;
  }

  /** A new client to the same server (a second operator process gets its own). */
  public KubernetesClient newClient() {
    return server.createClient();
  }

  /**
   * Every request served since the last call, as {@code "METHOD path"} (the query string kept),
   * oldest first.
   */
  public synchronized List<String> drainRequests() {
    try {
      RecordedRequest request;
      while ((request = server.takeRequest(1, TimeUnit.MILLISECONDS)) != null) {
        requests.add(request.getMethod() + " " + request.getPath());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<String> drained = List.copyOf(requests);
    requests.clear();
    return drained;
  }

  /** The writes (POST, PUT, PATCH, DELETE) among {@link #drainRequests()}. */
  public List<String> drainWrites() {
    return drainRequests().stream().filter(r -> !r.startsWith("GET ")).toList();
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }
}
