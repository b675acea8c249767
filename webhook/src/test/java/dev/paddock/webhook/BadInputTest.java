package dev.paddock.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paddock.certs.FixedTlsSource;
import dev.paddock.certs.SubjectAltNames;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Everything a client can get wrong gets a 4xx with a reason, and never a stack trace. */
class BadInputTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_BODY = 64 * 1024;
  private static final LabelRulesHandler HANDLER = new LabelRulesHandler();
  private static WebhookServer server;
  private static TestClient client;

  @BeforeAll
  static void start() {
    server =
        WebhookServer.builder()
            .settings(
                WebhookServerSettings.defaults()
                    .withAddress("127.0.0.1", 0)
                    .withLimits(MAX_BODY, 32)
                    .withTimeouts(
                        Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(30))
                    .withThreads(1, 1, 16))
            .tls(FixedTlsSource.selfSigned(SubjectAltNames.loopback()))
            .handler(HANDLER)
            .start();
    client = new TestClient(server.tlsMaterial(), server.port());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static String refused(HttpResponse<String> response, int status) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.path("kind").asText()).isEqualTo("Status");
    assertThat(body.path("code").asInt()).isEqualTo(status);
    assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ");
    return body.path("message").asText();
  }

  @Test
  void nonJsonBody() throws Exception {
    assertThat(refused(client.postJson("/validate", "hello"), 400)).contains("not valid JSON");
  }

  @Test
  void truncatedBody() throws Exception {
    String review = Reviews.sandbox("u", "CREATE", "{}");
    String message =
        refused(client.postJson("/validate", review.substring(0, review.length() / 2)), 400);
    assertThat(message).contains("not valid JSON");
  }

  @Test
  void emptyBody() throws Exception {
    assertThat(refused(client.postJson("/mutate", ""), 400)).contains("empty");
  }

  @Test
  void trailingGarbageAfterTheReview() throws Exception {
    refused(client.postJson("/validate", Reviews.sandbox("u", "CREATE", "{}") + "{}"), 400);
  }

  @Test
  void oversizedBodyWithContentLength() throws Exception {
    String huge = Reviews.sandbox("u", "CREATE", "{\"x\":\"" + "a".repeat(MAX_BODY) + "\"}");
    assertThat(refused(client.postJson("/validate", huge), 413))
        .contains(Integer.toString(MAX_BODY));
  }

  @Test
  void oversizedChunkedBody() throws Exception {
    byte[] chunk = "a".repeat(8192).getBytes(StandardCharsets.US_ASCII);
    List<byte[]> chunks = new ArrayList<>();
    for (int i = 0; i < MAX_BODY / chunk.length + 2; i++) {
      chunks.add(chunk);
    }
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(server.localUri().resolve("/validate"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArrays(chunks))
                .build());
    refused(response, 413);
  }

  @Test
  void wrongApiVersion() throws Exception {
    String review =
        Reviews.sandbox("u", "CREATE", "{}")
            .replace("admission.k8s.io/v1", "admission.k8s.io/v1beta1");
    assertThat(refused(client.postJson("/validate", review), 400)).contains("apiVersion");
  }

  @Test
  void wrongKind() throws Exception {
    String review =
        Reviews.sandbox("u", "CREATE", "{}").replace("\"AdmissionReview\"", "\"TokenReview\"");
    assertThat(refused(client.postJson("/validate", review), 400)).contains("AdmissionReview");
  }

  @Test
  void missingRequest() throws Exception {
    String message =
        refused(
            client.postJson(
                "/validate",
                "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\"}"),
            400);
    assertThat(message).contains("no request");
  }

  @Test
  void missingOrBlankUid() throws Exception {
    assertThat(
            refused(
                client.postJson(
                    "/validate",
                    Reviews.sandbox("u", "CREATE", "{}").replace("\"uid\":\"u\",", "")),
                400))
        .contains("uid");
    assertThat(refused(client.postJson("/validate", Reviews.sandbox(" ", "CREATE", "{}")), 400))
        .contains("uid");
  }

  @Test
  void unknownOperation() throws Exception {
    assertThat(refused(client.postJson("/validate", Reviews.sandbox("u", "PATCH", "{}")), 400))
        .contains("operation");
  }

  @Test
  void kindThisWebhookDoesNotAdmit() throws Exception {
    String review =
        """
        {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u",
         "kind":{"group":"","version":"v1","kind":"ConfigMap"},
         "resource":{"group":"","version":"v1","resource":"configmaps"},
         "operation":"CREATE","object":{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"}}}}
        """;
    assertThat(refused(client.postJson("/validate", review), 400)).contains("ConfigMap");
  }

  @Test
  void objectOfAnotherKindThanTheRequestSays() throws Exception {
    String review =
        Reviews.sandbox("u", "CREATE", "{}")
            .replace("\"kind\":\"Sandbox\",\n", "\"kind\":\"Secret\",\n");
    assertThat(review).contains("\"kind\":\"Secret\"");
    assertThat(refused(client.postJson("/validate", review), 400)).contains("Secret");
  }

  @Test
  void createWithoutAnObject() throws Exception {
    String withoutObject =
        """
        {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u",
         "kind":{"group":"agents.x-k8s.io","version":"v1beta1","kind":"Sandbox"},
         "resource":{"group":"agents.x-k8s.io","version":"v1beta1","resource":"sandboxes"},
         "operation":"CREATE"}}
        """;
    assertThat(refused(client.postJson("/validate", withoutObject), 400)).contains("object");
  }

  @Test
  void fieldsOfTheWrongType() throws Exception {
    String review =
        Reviews.sandbox("u", "CREATE", "{}").replace("\"dryRun\":false", "\"dryRun\":\"yes\"");
    assertThat(refused(client.postJson("/validate", review), 400)).contains("dryRun");
    String groups =
        Reviews.sandbox("u", "CREATE", "{}").replace("[\"system:authenticated\"]", "[1]");
    assertThat(refused(client.postJson("/validate", groups), 400)).contains("groups");
  }

  @Test
  void labelsThatAreNotStrings() throws Exception {
    assertThat(
            refused(client.postJson("/validate", Reviews.sandbox("u", "CREATE", "{\"a\":5}")), 400))
        .contains("labels");
  }

  @Test
  void deeplyNestedJson() throws Exception {
    String deep = "[".repeat(10_000) + "]".repeat(10_000);
    String review =
        Reviews.sandbox("u", "CREATE", "{\"x\":\"y\"}")
            .replace("\"spec\":", "\"deep\":" + deep + ",\"spec\":");
    assertThat(refused(client.postJson("/validate", review), 400)).contains("nesting");
  }

  @Test
  void wrongMethod() throws Exception {
    HttpResponse<String> response = client.get("/validate");
    refused(response, 405);
    assertThat(response.headers().firstValue("Allow")).contains("POST");
  }

  @Test
  void wrongContentType() throws Exception {
    String message =
        refused(client.post("/validate", "text/plain", Reviews.sandbox("u", "CREATE", "{}")), 415);
    assertThat(message).contains("application/json");
    assertThat(
            client
                .post(
                    "/validate",
                    "application/json; charset=utf-8",
                    Reviews.sandbox("u", "CREATE", "{}"))
                .statusCode())
        .isEqualTo(200);
  }

  @Test
  void clientThatStallsMidBodyGets408AndHoldsNoWorker() throws Exception {
    // the server has one worker thread: stalled bodies must not occupy it
    List<SSLSocket> stalled = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        SSLSocket socket = client.rawSocket();
        OutputStream out = socket.getOutputStream();
        out.write(
            ("POST /validate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 1000\r\n\r\n{\"apiVersion\":")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        stalled.add(socket);
      }

      HttpResponse<String> meanwhile =
          client.postJson("/validate", Reviews.sandbox("served", "CREATE", "{}"));
      assertThat(meanwhile.statusCode()).isEqualTo(200);

      for (SSLSocket socket : stalled) {
        String response = TestClient.readResponse(socket.getInputStream());
        assertThat(response).startsWith("HTTP/1.1 408").contains("not received within");
        InputStream in = socket.getInputStream();
        assertThat(readToEnd(in)).as("connection closed after the 408").isEqualTo(-1);
      }
    } finally {
      for (SSLSocket socket : stalled) {
        socket.close();
      }
    }
  }

  @Test
  void clientThatDisconnectsMidBodyLeavesTheServerServing() throws Exception {
    try (SSLSocket socket = client.rawSocket()) {
      socket
          .getOutputStream()
          .write(
              ("POST /mutate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                      + "Content-Length: 500\r\n\r\n{\"a\"")
                  .getBytes(StandardCharsets.US_ASCII));
    }
    assertThat(client.postJson("/mutate", Reviews.sandbox("after", "CREATE", "{}")).statusCode())
        .isEqualTo(200);
  }

  private static int readToEnd(InputStream in) {
    try {
      int b;
      do {
        b = in.read();
      } while (b != -1);
      return b;
    } catch (java.io.IOException e) {
      return -1;
    }
  }
}
