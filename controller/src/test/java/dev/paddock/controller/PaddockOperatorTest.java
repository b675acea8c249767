package dev.paddock.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.paddock.controller.sandbox.SandboxReconciler;
import dev.paddock.controller.testing.MockCluster;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PaddockOperatorTest {
  private MockCluster cluster;

  @BeforeEach
  void startCluster() {
    cluster = MockCluster.start();
  }

  @AfterEach
  void stopCluster() {
    cluster.close();
  }

  @Test
  void servesStartupLivenessAndPrometheusMetricsOnceStarted() throws Exception {
    PaddockOperator operator =
        PaddockOperator.builder(cluster.client(), settings())
            .onlyReconcilers(List.of(SandboxReconciler::new))
            .build();
    try {
      operator.start();
      int port = operator.probePort();

      assertThat(get(port, "/startup").statusCode()).isEqualTo(200);
      assertThat(get(port, "/healthz").statusCode()).isEqualTo(200);
      HttpResponse<String> metrics = get(port, "/metrics");
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.headers().firstValue("Content-Type"))
          .hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
      assertThat(metrics.body()).contains("operator_sdk_");
    } finally {
      operator.stop();
    }
    assertThat(operator.isRunning()).isFalse();
  }

  @Test
  void runsReconcilersAddedThroughTheBuilder() {
    var seen = new CountDownLatch(1);
    PaddockOperator operator =
        PaddockOperator.builder(cluster.client(), settings().withProbePort(-1))
            .onlyReconcilers(List.of())
            .withReconciler(s -> new SlowConfigMapReconciler(seen, new AtomicBoolean(), 0))
            .build();
    try {
      operator.start();
      assertThat(operator.runtimeInfo().getRegisteredControllers())
          .extracting(c -> c.getConfiguration().getName())
          .containsExactly("slow-configmaps");

      cluster.client().resource(configMap("one")).create();

      await().atMost(Duration.ofSeconds(30)).until(() -> seen.getCount() == 0);
    } finally {
      operator.stop();
    }
  }

  @Test
  void stopLetsAnInFlightReconcileFinish() throws Exception {
    var started = new CountDownLatch(1);
    var finished = new AtomicBoolean();
    PaddockOperator operator =
        PaddockOperator.builder(cluster.client(), settings().withProbePort(-1))
            .onlyReconcilers(List.of(s -> new SlowConfigMapReconciler(started, finished, 1500)))
            .build();
    operator.start();
    cluster.client().resource(configMap("slow")).create();
    assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();

    operator.stop();

    assertThat(finished).isTrue();
  }

  private static ControllerSettings settings() {
    return ControllerSettings.defaults()
        .withProbePort(0)
        .withServerSideApplyStatus(false)
        .withTerminationTimeout(Duration.ofSeconds(20));
  }

  private static ConfigMap configMap(String name) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("default")
        .endMetadata()
        .build();
  }

  private static HttpResponse<String> get(int port, String path)
      throws IOException, InterruptedException {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
            HttpResponse.BodyHandlers.ofString());
  }

  /** Simulates a reconcile that takes a while, to see whether stop() waits for it. */
  @ControllerConfiguration(name = "slow-configmaps")
  static final class SlowConfigMapReconciler implements Reconciler<ConfigMap> {
    private final CountDownLatch started;
    private final AtomicBoolean finished;
    private final long workMillis;

    SlowConfigMapReconciler(CountDownLatch started, AtomicBoolean finished, long workMillis) {
      this.started = started;
      this.finished = finished;
      this.workMillis = workMillis;
    }

    @Override
    public UpdateControl<ConfigMap> reconcile(ConfigMap resource, Context<ConfigMap> context)
        throws InterruptedException {
      started.countDown();
      Thread.sleep(workMillis);
      finished.set(true);
      return UpdateControl.noUpdate();
    }
  }
}
