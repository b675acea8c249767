package dev.paddock.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paddock.certs.Pem;
import dev.paddock.certs.TlsMaterial;
import io.fabric8.zjsonpatch.JsonPatch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example policies of docs/webhook.md, served standalone and judged through HTTPS. */
class StandaloneWebhookTest {
  static final Path EXAMPLES = Path.of("examples");
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path temp;
  private static StandaloneWebhook webhook;
  private static TestClient client;

  @BeforeAll
  static void start() throws Exception {
    Path ca = temp.resolve("out/ca.pem");
    webhook = StandaloneWebhook.start(EXAMPLES.resolve("policies"), "127.0.0.1", 0, ca);
    TlsMaterial served = webhook.server().tlsMaterial();
    // a client that trusts only the written CA file can verify the server
    TlsMaterial fromFile =
        new TlsMaterial(
            served.certificate(), served.privateKey(), Pem.parseCertificates(Files.readString(ca)));
    client = new TestClient(fromFile, webhook.server().port());
  }

  @AfterAll
  static void stop() {
    webhook.close();
  }

  private static JsonNode review(String path, String file) throws Exception {
    var response =
        client.postJson(path, Files.readString(EXAMPLES.resolve("reviews").resolve(file)));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body()).path("response");
  }

  @Test
  void loadsEveryExamplePolicy() {
    assertThat(webhook.policyNames())
        .containsExactlyInAnyOrder(
            "no-host-network", "trusted-registry", "owner-audit", "inject-runtime-class");
  }

  @Test
  void compliantSandboxIsAllowedWithItsAuditAnnotation() throws Exception {
    JsonNode response = review("/validate", "sandbox-create.json");

    assertThat(response.path("uid").asText()).isEqualTo("0a1b2c3d-0000-4000-8000-000000000001");
    assertThat(response.path("allowed").asBoolean()).isTrue();
    assertThat(response.path("warnings").isMissingNode()).isTrue();
    assertThat(response.at("/auditAnnotations/owner-audit~1containers").asText()).isEqualTo("1");
  }

  @Test
  void hostNetworkIsDeniedNamingThePolicyAndTheRuleWithWarnAndAuditFindings() throws Exception {
    JsonNode response = review("/validate", "sandbox-host-network.json");

    assertThat(response.path("allowed").asBoolean()).isFalse();
    assertThat(response.at("/status/code").asInt()).isEqualTo(403);
    assertThat(response.at("/status/reason").asText()).isEqualTo("Forbidden");
    assertThat(response.at("/status/message").asText())
        .contains("no-host-network")
        .contains("validation 0")
        .contains("host network");
    assertThat(response.path("warnings").toString()).contains("registry.example.com");
    assertThat(response.path("auditAnnotations").toString()).contains("owner");
  }

  @Test
  void mutationInjectsTheRuntimeClassAsAJsonPatch() throws Exception {
    String body = Files.readString(EXAMPLES.resolve("reviews/sandbox-create.json"));
    JsonNode response = review("/mutate", "sandbox-create.json");

    assertThat(response.path("allowed").asBoolean()).isTrue();
    assertThat(response.path("patchType").asText()).isEqualTo("JSONPatch");
    JsonNode patch = JSON.readTree(Base64.getDecoder().decode(response.path("patch").asText()));
    JsonNode patched = JsonPatch.apply(patch, JSON.readTree(body).at("/request/object"));
    assertThat(patched.at("/spec/podTemplate/spec/runtimeClassName").asText()).isEqualTo("gvisor");
    assertThat(response.path("status").isMissingNode()).as("mutate never denies").isTrue();
  }

  @Test
  void sandboxPolicyThatDoesNotCompileIsRejectedWithEveryError() throws Exception {
    JsonNode response = review("/validate", "policy-that-does-not-compile.json");

    assertThat(response.path("allowed").asBoolean()).isFalse();
    assertThat(response.at("/status/code").asInt()).isEqualTo(422);
    assertThat(response.at("/status/reason").asText()).isEqualTo("Invalid");
    String message = response.at("/status/message").asText();
    assertThat(message)
        .contains("2 errors")
        .contains("spec.validations[0].expression")
        .contains("spec.validations[1].expression");
  }

  @Test
  void metricsReportThePoliciesLoaded() {
    assertThat(client.get("/metrics").body()).contains("paddock_policies_loaded 4.0");
  }
}
