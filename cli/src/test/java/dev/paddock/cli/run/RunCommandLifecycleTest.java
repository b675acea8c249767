package dev.paddock.cli.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.paddock.controller.PaddockOperator;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code paddock run} against fabric8's mock API server, started and stopped as a user would. */
class RunCommandLifecycleTest {
  private KubernetesMockServer server;
  private ExecutorService executor;

  @BeforeEach
  void startServer() throws IOException {
    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            responses,
            new KubernetesMixedDispatcher(responses),
            false);
    server.init();
    installCrds();
    executor = Executors.newSingleThreadExecutor();
  }

  @AfterEach
  void stopServer() {
    executor.shutdownNow();
    server.destroy();
  }

  @Test
  void runsTheControllerFromAKubeconfigServesProbesAndStopsWhenAsked(@TempDir Path dir)
      throws Exception {
    Path kubeconfig = dir.resolve("config");
    Files.writeString(kubeconfig, kubeconfigFor(server.url("/")));
    RunCommand command = new RunCommand();

    Future<Integer> exit =
        executor.submit(
            () ->
                new CommandLine(command)
                    .execute(
                        "--kubeconfig",
                        kubeconfig.toString(),
                        "--controller-only",
                        "--probe-port=0",
                        "--termination-timeout=5"));

    PaddockOperator operator =
        await()
            .atMost(Duration.ofSeconds(60))
            .until(command::operator, o -> o != null && o.isRunning());
    HttpResponse<String> startup =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + operator.probePort() + "/startup"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(startup.statusCode()).isEqualTo(200);

    command.requestStop();

    assertThat(exit.get(60, TimeUnit.SECONDS)).isZero();
    assertThat(operator.isRunning()).isFalse();
  }

  @Test
  void runsBothHalvesByDefaultWithTheWebhookOnItsOwnPort(@TempDir Path dir) throws Exception {
    Path kubeconfig = dir.resolve("config");
    Files.writeString(kubeconfig, kubeconfigFor(server.url("/")));
    RunCommand command = new RunCommand();

    Future<Integer> exit =
        executor.submit(
            () ->
                new CommandLine(command)
                    .execute(
                        "--kubeconfig",
                        kubeconfig.toString(),
                        "--probe-port=0",
                        "--webhook-port=0",
                        "--webhook-namespace=default"));

    PaddockOperator operator =
        await()
            .atMost(Duration.ofSeconds(60))
            .until(command::operator, o -> o != null && o.isRunning());
    int webhookPort = command.webhook().server().port();
    assertThat(webhookPort).isPositive().isNotEqualTo(operator.probePort());
    try (var socket = new java.net.Socket("127.0.0.1", webhookPort)) {
      assertThat(socket.isConnected()).isTrue();
    }

    command.requestStop();

    assertThat(exit.get(60, TimeUnit.SECONDS)).isZero();
  }

  /** The CRDs the api module generates into the repository's deploy/crds/. */
  private void installCrds() throws IOException {
    Path crds = Path.of(System.getProperty("paddock.root", "..")).resolve("deploy/crds");
    try (KubernetesClient client = server.createClient();
        Stream<Path> files = Files.list(crds)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
        if (file.getFileName().toString().startsWith("kustomization")) {
          continue;
        }
        try (InputStream in = Files.newInputStream(file)) {
          var crd = client.apiextensions().v1().customResourceDefinitions().load(in).item();
          client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
        }
      }
    }
  }

  private static String kubeconfigFor(String url) {
    return """
        apiVersion: v1
        kind: Config
        clusters:
          - name: mock
            cluster:
              server: %s
              insecure-skip-tls-verify: true
        users:
          - name: mock
            user:
              token: test
        contexts:
          - name: mock
            context:
              cluster: mock
              user: mock
              namespace: default
        current-context: mock
        """
        .formatted(url.replaceAll("/$", ""));
  }
}
