package dev.paddock.e2e;

import static dev.paddock.e2e.support.AgentSandboxes.eventually;
import static dev.paddock.e2e.support.AgentSandboxes.fromYaml;
import static dev.paddock.e2e.support.AgentSandboxes.templateYaml;
import static dev.paddock.e2e.support.AgentSandboxes.warmPoolYaml;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paddock.api.NameHash;
import dev.paddock.api.extensions.SandboxClaim;
import dev.paddock.api.extensions.SandboxTemplate;
import dev.paddock.api.extensions.SandboxWarmPool;
import dev.paddock.api.sandbox.Sandbox;
import dev.paddock.e2e.cluster.LocalControlPlane;
import dev.paddock.e2e.support.AgentSandboxes;
import dev.paddock.e2e.support.PaddockControllerTest;
import dev.paddock.e2e.support.PythonSdk;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The upstream Python SDK ({@code k8s-agent-sandbox}, pinned in requirements.txt) works against
 * Paddock unchanged: {@code sdk_claim.py} claims a sandbox from a warm pool, waits for Ready, reads
 * the sandbox's pod name, IP and name hash, and deletes its claim. The script's JSON lines are the
 * contract this test reads.
 */
@PaddockControllerTest
class SdkCompatibilityIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int SDK_READY_TIMEOUT_SECONDS = 120;
  private static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(3);

  @Test
  void theUpstreamPythonSdkClaimsAReadySandboxAndDeletesItsClaim(
      KubernetesClient client, LocalControlPlane controlPlane) throws Exception {
    Path python = PythonSdk.python();
    String ns = client.getNamespace();
    client.resource(fromYaml(templateYaml("python"), SandboxTemplate.class)).create();
    SandboxWarmPool pool =
        client
            .resource(fromYaml(warmPoolYaml("pool", "python", 1), SandboxWarmPool.class))
            .create();
    WarmPoolIT.awaitReadyMembers(client, pool, 1);

    Path stderr = PythonSdk.logDir().resolve(ns + ".stderr.log");
    ProcessBuilder builder =
        new ProcessBuilder(
                List.of(
                    python.toString(),
                    PythonSdk.scriptDir().resolve("sdk_claim.py").toString(),
                    ns,
                    "pool",
                    Integer.toString(SDK_READY_TIMEOUT_SECONDS),
                    "--hold"))
            .redirectError(stderr.toFile());
    Map<String, String> env = builder.environment();
    env.put("KUBECONFIG", controlPlane.kubeconfig().toString());
    // the SDK prefers in-cluster config: never let it find the cluster this build may run in
    env.remove("KUBERNETES_SERVICE_HOST");
    env.remove("KUBERNETES_SERVICE_PORT");
    env.put("NO_PROXY", "127.0.0.1,localhost" + suffix(env.get("NO_PROXY")));
    env.put("no_proxy", env.get("NO_PROXY"));
    env.put("PYTHONUNBUFFERED", "1");

    Process process = builder.start();
    try {
      BlockingQueue<String> lines = readLines(process);

      JsonNode claimed = nextJson(lines, process, stderr);
      String name = claimed.path("sandbox").asText();
      String podIP = claimed.path("podIP").asText();
      assertThat(claimed.path("status").asText()).as(claimed.toString()).isEqualTo("SandboxReady");
      assertThat(claimed.path("claim").asText()).isEqualTo("sdk-claim");
      assertThat(name).as("the sandbox the SDK received").isNotBlank();

      // while the SDK holds the claim, what it received must be what the cluster says
      SandboxClaim claim = client.resources(SandboxClaim.class).withName("sdk-claim").get();
      assertThat(claim.getStatus().getSandbox().getName()).isEqualTo(name);
      assertThat(AgentSandboxes.isReady(claim)).isTrue();
      Sandbox sandbox = client.resources(Sandbox.class).withName(name).get();
      assertThat(AgentSandboxes.isReady(sandbox)).isTrue();
      assertThat(AgentSandboxes.isControlledBy(sandbox, claim)).isTrue();
      assertThat(sandbox.getStatus().getPodIPs()).contains(podIP);
      assertThat(claimed.path("nameHash").asText()).isEqualTo(NameHash.of(name));
      assertThat(claimed.path("podName").asText()).isEqualTo(name);
      Pod pod = client.pods().withName(claimed.path("podName").asText()).get();
      assertThat(pod).as("the pod the SDK named").isNotNull();
      assertThat(pod.getStatus().getPodIP()).isEqualTo(podIP);
      String podUid = pod.getMetadata().getUid();

      try (OutputStream stdin = process.getOutputStream()) {
        stdin.write('\n'); // let go: the script deletes its claim through the SDK
      }
      JsonNode deleted = nextJson(lines, process, stderr);
      assertThat(deleted.path("deleted").asText()).isEqualTo("sdk-claim");
      assertThat(deleted.path("claimAfterDelete").asText())
          .as("the SDK's view of its claim after delete; stderr:\n%s", PythonSdk.tail(stderr))
          .isIn("absent", "terminating");
      if (!process.waitFor(SCRIPT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        fail("sdk_claim.py did not exit; stderr:\n" + PythonSdk.tail(stderr));
      }
      assertThat(process.exitValue()).as("exit code; stderr:\n%s", PythonSdk.tail(stderr)).isZero();

      eventually()
          .until(() -> client.resources(SandboxClaim.class).withName("sdk-claim").get() == null);
      eventually()
          .until(
              () -> {
                Sandbox s = client.resources(Sandbox.class).withName(name).get();
                Pod p = client.pods().withName(name).get();
                return (s == null
                        || !Objects.equals(
                            s.getMetadata().getUid(), sandbox.getMetadata().getUid()))
                    && (p == null || !Objects.equals(p.getMetadata().getUid(), podUid));
              });
    } finally {
      process.destroyForcibly();
    }
  }

  private static String suffix(String noProxy) {
    return noProxy == null || noProxy.isBlank() ? "" : "," + noProxy;
  }

  /** The process's stdout, line by line; a reader thread ends at end of stream. */
  private static BlockingQueue<String> readLines(Process process) {
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                  lines.add(line);
                }
              } catch (IOException e) {
                // the process was killed: the test reports what it has
              }
            },
            "sdk_claim.py stdout");
    reader.setDaemon(true);
    reader.start();
    return lines;
  }

  /** The next JSON line the script prints, or a failure that shows the SDK's stderr. */
  private static JsonNode nextJson(BlockingQueue<String> lines, Process process, Path stderr)
      throws Exception {
    long deadline = System.nanoTime() + SCRIPT_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      String line = lines.poll(250, TimeUnit.MILLISECONDS);
      if (line != null && line.startsWith("{")) {
        return JSON.readTree(line);
      }
      if (line == null && !process.isAlive() && lines.isEmpty()) {
        fail(
            "sdk_claim.py exited with "
                + process.exitValue()
                + " before printing its JSON; stderr:\n"
                + PythonSdk.tail(stderr));
      }
    }
    return fail(
        "no JSON from sdk_claim.py within "
            + SCRIPT_TIMEOUT
            + "; stderr:\n"
            + PythonSdk.tail(stderr));
  }
}
