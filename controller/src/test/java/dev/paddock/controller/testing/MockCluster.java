package dev.paddock.controller.testing;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * fabric8's mock API server in CRUD mode with Paddock's CRDs installed, plus a record of the
 * requests it served so tests can count API writes. Expectations ({@code server().expect()}) take
 * precedence over CRUD, which is how tests make the "API server" reject an object.
 */
public final class MockCluster implements AutoCloseable {
  private static final Set<String> WRITES = Set.of("POST", "PUT", "PATCH", "DELETE");

  private final KubernetesMockServer server;
  private final KubernetesClient client;

  private MockCluster(KubernetesMockServer server) {
    this.server = server;
    this.client = server.createClient();
  }

  public static MockCluster start() {
    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    var server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            responses,
            new KubernetesMixedDispatcher(responses),
            false);
    server.init();
    MockCluster cluster = new MockCluster(server);
    cluster.installCrds();
    return cluster;
  }

  /** The CRDs the api module generated into the repository's {@code deploy/crds/}. */
  private void installCrds() {
    Path crds = Path.of(System.getProperty("paddock.root", "..")).resolve("deploy/crds");
    try (Stream<Path> files = Files.list(crds)) {
      for (Path file : files.sorted().toList()) {
        String name = file.getFileName().toString();
        if (!name.endsWith(".yaml") || name.startsWith("kustomization")) {
          continue;
        }
        try (InputStream in = Files.newInputStream(file)) {
          CustomResourceDefinition crd =
              client.apiextensions().v1().customResourceDefinitions().load(in).item();
          client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read CRDs from " + crds, e);
    }
  }

  public KubernetesClient client() {
    return client;
  }

  /** A new client to the same server (a second operator process gets its own). */
  public KubernetesClient newClient() {
    return server.createClient();
  }

  public KubernetesMockServer server() {
    return server;
  }

  /** Takes every request recorded so far off the server's queue. */
  public List<RecordedRequest> drainRequests() {
    List<RecordedRequest> out = new ArrayList<>();
    try {
      RecordedRequest request;
      while ((request = server.takeRequest(50, TimeUnit.MILLISECONDS)) != null) {
        out.add(request);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return out;
  }

  /** Every request recorded since the last drain, as {@code "METHOD path"}, oldest first. */
  public List<String> drainRequestLines() {
    return drainRequests().stream().map(r -> r.getMethod() + " " + r.getPath()).toList();
  }

  /** The write requests (POST, PUT, PATCH, DELETE) among those recorded since the last drain. */
  public List<String> drainWrites() {
    return drainRequests().stream()
        .filter(r -> WRITES.contains(r.getMethod()))
        .map(r -> r.getMethod() + " " + r.getPath())
        .toList();
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }
}
