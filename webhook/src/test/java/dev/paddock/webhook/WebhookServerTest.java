package dev.paddock.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paddock.certs.CertificateIssuer;
import dev.paddock.certs.FixedTlsSource;
import dev.paddock.certs.SubjectAltNames;
import dev.paddock.certs.TlsMaterial;
import io.fabric8.zjsonpatch.JsonPatch;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WebhookServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final LabelRulesHandler handler = new LabelRulesHandler();
  private WebhookServer server;
  private TestClient client;

  private void start(dev.paddock.certs.TlsMaterialSource tls) {
    server =
        WebhookServer.builder()
            .settings(WebhookServerSettings.defaults().withAddress("127.0.0.1", 0))
            .tls(tls)
            .handler(handler)
            .start();
    client = new TestClient(server.tlsMaterial(), server.port());
  }

  private void start() {
    start(FixedTlsSource.selfSigned(SubjectAltNames.loopback()));
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void allowedReviewEchoesTheUid() throws Exception {
    start();

    HttpResponse<String> response =
        client.postJson("/validate", Reviews.sandbox("uid-1", "CREATE", "{}"));

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode review = JSON.readTree(response.body());
    assertThat(review.path("apiVersion").asText()).isEqualTo("admission.k8s.io/v1");
    assertThat(review.path("kind").asText()).isEqualTo("AdmissionReview");
    assertThat(review.at("/response/uid").asText()).isEqualTo("uid-1");
    assertThat(review.at("/response/allowed").asBoolean()).isTrue();
    assertThat(review.at("/response/status").isMissingNode()).isTrue();
    assertThat(handler.seen.get(0).userInfo().username()).isEqualTo("alice");
    assertThat(handler.seen.get(0).namespace()).isEqualTo("team-a");
  }

  @Test
  void denialCarriesStatusCodeReasonAndAMessageNamingThePolicy() throws Exception {
    start();

    JsonNode review =
        JSON.readTree(
            client
                .postJson("/validate", Reviews.sandbox("uid-2", "CREATE", "{\"deny\":\"x\"}"))
                .body());

    assertThat(review.at("/response/allowed").asBoolean()).isFalse();
    assertThat(review.at("/response/status/code").asInt()).isEqualTo(403);
    assertThat(review.at("/response/status/reason").asText()).isEqualTo("Forbidden");
    assertThat(review.at("/response/status/message").asText())
        .contains("label-rules")
        .contains("validation 0");
  }

  @Test
  void warningsAndAuditAnnotationsAreReturned() throws Exception {
    start();

    JsonNode review =
        JSON.readTree(
            client
                .postJson(
                    "/validate",
                    Reviews.sandbox("uid-3", "CREATE", "{\"warn\":\"x\",\"audit\":\"y\"}"))
                .body());

    assertThat(review.at("/response/allowed").asBoolean()).isTrue();
    assertThat(review.at("/response/warnings/0").asText()).contains("deprecated");
    assertThat(review.at("/response/auditAnnotations/label-rules~1audit").asText())
        .isEqualTo("seen");
  }

  @Test
  void mutationIsABase64JsonPatchOfAddRemoveAndReplaceThatProducesTheMutatedObject()
      throws Exception {
    start();
    String body = Reviews.sandbox("uid-4", "CREATE", "{\"remove-me\":\"x\",\"tier\":\"free\"}");

    JsonNode review = JSON.readTree(client.postJson("/mutate", body).body());

    assertThat(review.at("/response/patchType").asText()).isEqualTo("JSONPatch");
    JsonNode patch =
        JSON.readTree(Base64.getDecoder().decode(review.at("/response/patch").asText()));
    assertThat(patch).isNotEmpty();
    patch.forEach(op -> assertThat(op.get("op").asText()).isIn("add", "remove", "replace"));
    JsonNode original = JSON.readTree(body).at("/request/object");
    JsonNode patched = JsonPatch.apply(patch, original);
    assertThat(patched.at("/metadata/labels"))
        .isEqualTo(JSON.readTree("{\"tier\":\"gold\",\"paddock.dev/mutated\":\"true\"}"));
    assertThat(patched.at("/spec")).isEqualTo(original.at("/spec"));
  }

  @Test
  void mutationThatChangesNothingSendsNoPatch() throws Exception {
    start();
    String body = Reviews.sandbox("uid-5", "CREATE", "{\"paddock.dev/mutated\":\"true\"}");

    JsonNode review = JSON.readTree(client.postJson("/mutate", body).body());

    assertThat(review.at("/response/allowed").asBoolean()).isTrue();
    assertThat(review.at("/response/patch").isMissingNode()).isTrue();
  }

  @Test
  void dryRunReachesTheHandlerAndIsNotRecordedInDecisionMetrics() {
    start();

    client.postJson("/validate", Reviews.sandbox("dry", "CREATE", "{\"deny\":\"x\"}", true));
    client.postJson("/validate", Reviews.sandbox("real", "CREATE", "{}", false));

    assertThat(handler.seen).extracting(r -> r.dryRun()).containsExactly(true, false);
    String metrics = client.get("/metrics").body();
    assertThat(metrics)
        .contains(
            "paddock_admission_requests_seconds_count{decision=\"allowed\",kind=\"Sandbox\",operation=\"CREATE\",webhook=\"validate\"} 1")
        .doesNotContain("decision=\"denied\"");
  }

  @Test
  void metricsCountDecisionsWithLatencyHistogramsAndRefusals() {
    start();

    client.postJson("/validate", Reviews.sandbox("a", "CREATE", "{\"deny\":\"x\"}"));
    client.postJson("/mutate", Reviews.sandbox("b", "UPDATE", "{}"));
    client.postJson("/validate", "not json");

    String metrics = client.get("/metrics").body();
    assertThat(metrics)
        .contains(
            "paddock_admission_requests_seconds_count{decision=\"denied\",kind=\"Sandbox\",operation=\"CREATE\",webhook=\"validate\"} 1")
        .contains(
            "paddock_admission_requests_seconds_count{decision=\"patched\",kind=\"Sandbox\",operation=\"UPDATE\",webhook=\"mutate\"} 1")
        .contains("paddock_admission_requests_seconds_bucket{")
        .contains("paddock_admission_refused_total{path=\"/validate\",status=\"400\"} 1");
  }

  @Test
  void healthAndReadiness() {
    start();

    assertThat(client.get("/healthz").statusCode()).isEqualTo(200);
    assertThat(client.get("/readyz").statusCode()).isEqualTo(200);
    assertThat(client.get("/nope").statusCode()).isEqualTo(404);
  }

  @Test
  void notReadyUntilTheHandlerIs() {
    server =
        WebhookServer.builder()
            .settings(WebhookServerSettings.defaults().withAddress("127.0.0.1", 0))
            .tls(FixedTlsSource.selfSigned(SubjectAltNames.loopback()))
            .handler(
                new LabelRulesHandler() {
                  @Override
                  public boolean ready() {
                    return false;
                  }
                })
            .start();
    client = new TestClient(server.tlsMaterial(), server.port());

    assertThat(client.get("/readyz").statusCode()).isEqualTo(503);
  }

  @Test
  void handlerFailureIsA500WithoutAStackTrace() {
    start();

    HttpResponse<String> response =
        client.postJson("/validate", Reviews.sandbox("uid-6", "CREATE", "{\"boom\":\"x\"}"));

    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(response.body())
        .contains("InternalError")
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
  }

  @Test
  void rotatedCertificateIsServedToNewConnectionsWhileAnOpenOneKeepsWorking() throws Exception {
    CertificateIssuer issuer = new CertificateIssuer();
    TlsMaterial first =
        issuer.issue("webhook", SubjectAltNames.loopback(), Duration.ofDays(1), List.of());
    RotatingTlsSource source = new RotatingTlsSource(first);
    start(source);
    TlsMaterial second =
        issuer.issue(
            "webhook", SubjectAltNames.loopback(), Duration.ofDays(1), first.caCertificates());
    TestClient trustingBoth = new TestClient(second, server.port());

    try (SSLSocket open = trustingBoth.rawSocket()) {
      assertThat(open.getSession().getPeerCertificates()[0]).isEqualTo(first.certificate());
      assertThat(healthOver(open)).startsWith("HTTP/1.1 200");

      source.rotate(second);

      assertThat(healthOver(open)).as("keep-alive connection survives").startsWith("HTTP/1.1 200");
      try (SSLSocket fresh = trustingBoth.rawSocket()) {
        X509Certificate served = (X509Certificate) fresh.getSession().getPeerCertificates()[0];
        assertThat(served).isEqualTo(second.certificate());
      }
    }
    assertThat(server.tlsMaterial().sameAs(second)).isTrue();
  }

  private static String healthOver(SSLSocket socket) throws Exception {
    return TestClient.exchange(
        socket,
        "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
  }
}
