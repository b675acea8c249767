package dev.paddock.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.paddock.certs.FixedTlsSource;
import dev.paddock.certs.SubjectAltNames;
import dev.paddock.webhook.admission.AdmissionHandler;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Thousands of seeded mutations of valid reviews: every answer is a 200 review or a 4xx Status,
 * none is a 5xx, none hangs (the client times out), no stack trace leaks, and the server ends with
 * the threads it started with.
 */
class AdmissionFuzzTest {
  private static final long SEED = 20260601L;
  private static final int INPUTS = 3000;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] TOKENS = {
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "\"",
    "null",
    "true",
    "1e999999",
    "-0",
    "\\u0000",
    "\uFFFF",
    "\"\\ud800\"",
    "[[[[[[[[[[[[[[[[[[[[",
    "9999999999999999999999999",
    "NaN",
    "'",
    "\u0000"
  };

  /** Runs the fuzz against {@code handler}; reused by the policy engine's fuzz. */
  static void fuzz(AdmissionHandler handler, List<String> seeds) throws Exception {
    WebhookServerSettings settings =
        WebhookServerSettings.defaults()
            .withAddress("127.0.0.1", 0)
            .withLimits(256 * 1024, 64)
            .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(30))
            .withThreads(1, 2, 64);
    WebhookServer server =
        WebhookServer.builder()
            .settings(settings)
            .tls(FixedTlsSource.selfSigned(SubjectAltNames.loopback()))
            .handler(handler)
            .start();
    try {
      TestClient client = new TestClient(server.tlsMaterial(), server.port());
      assertThat(client.postJson("/validate", seeds.get(0)).statusCode()).isEqualTo(200);
      int xnioThreadsBefore = threads("XNIO");

      Random random = new Random(SEED);
      Map<Integer, Integer> statuses = new TreeMap<>();
      for (int i = 0; i < INPUTS; i++) {
        String seed = seeds.get(random.nextInt(seeds.size()));
        byte[] input = mutate(seed, random);
        String path = random.nextBoolean() ? "/validate" : "/mutate";
        HttpResponse<String> response =
            client.send(
                HttpRequest.newBuilder(server.localUri().resolve(path))
                    .timeout(Duration.ofSeconds(20))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(input))
                    .build());
        statuses.merge(response.statusCode(), 1, Integer::sum);
        String context = "input #" + i + ": " + preview(input) + " -> " + response.body();
        assertThat(response.statusCode()).as(context).isIn(200, 400, 413);
        assertThat(response.body()).as(context).doesNotContain("Exception").doesNotContain("\tat ");
        JsonNode body = JSON.readTree(response.body());
        if (response.statusCode() == 200) {
          assertThat(body.at("/response/uid").isTextual()).as(context).isTrue();
          assertThat(body.at("/response/allowed").isBoolean()).as(context).isTrue();
        } else {
          assertThat(body.path("message").asText()).as(context).isNotBlank();
        }
      }

      assertThat(statuses).as("the fuzz reaches both answers").containsKeys(200, 400);
      assertThat(client.postJson("/mutate", seeds.get(0)).statusCode()).isEqualTo(200);
      assertThat(threads("paddock-admission")).isLessThanOrEqualTo(settings.workerThreads());
      assertThat(threads("XNIO")).isEqualTo(xnioThreadsBefore);
    } finally {
      server.close();
    }
  }

  @Test
  void mutatedReviewsNeverCauseA5xxAHangOrALeakedThread() throws Exception {
    fuzz(
        new LabelRulesHandler(),
        List.of(
            Reviews.sandbox("seed-1", "CREATE", "{\"tier\":\"free\"}"),
            Reviews.sandbox("seed-2", "UPDATE", "{\"deny\":\"x\"}"),
            Reviews.sandbox("seed-3", "CREATE", "{\"warn\":\"x\",\"audit\":\"y\"}", true)));
  }

  @Test
  void mutatedReviewsNeverBreakThePolicyEngineEither() throws Exception {
    java.nio.file.Path examples = java.nio.file.Path.of("examples");
    dev.paddock.policies.PolicyCompiler compiler = new dev.paddock.policies.PolicyCompiler();
    var policies =
        new dev.paddock.webhook.policy.DirectoryPolicySource(
            examples.resolve("policies"), compiler);
    policies.start();
    fuzz(
        new dev.paddock.webhook.policy.PolicyAdmissionHandler(
            policies.snapshot(),
            () -> true,
            name -> null,
            new dev.paddock.webhook.policy.PaddockObjectValidator(compiler)),
        List.of(
            java.nio.file.Files.readString(examples.resolve("reviews/sandbox-create.json")),
            java.nio.file.Files.readString(examples.resolve("reviews/sandbox-host-network.json")),
            java.nio.file.Files.readString(
                examples.resolve("reviews/policy-that-does-not-compile.json"))));
  }

  static byte[] mutate(String seed, Random random) throws Exception {
    int rounds = 1 + random.nextInt(3);
    String text = seed;
    for (int r = 0; r < rounds; r++) {
      text =
          switch (random.nextInt(8)) {
            case 0 -> text.substring(0, random.nextInt(text.length() + 1));
            case 1 -> flip(text, random);
            case 2 -> insert(text, TOKENS[random.nextInt(TOKENS.length)], random);
            case 3 -> deleteSpan(text, random);
            default -> treeMutation(text, random);
          };
    }
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String flip(String text, Random random) {
    if (text.isEmpty()) {
      return text;
    }
    char[] chars = text.toCharArray();
    int at = random.nextInt(chars.length);
    chars[at] = (char) random.nextInt(128);
    return new String(chars);
  }

  private static String insert(String text, String token, Random random) {
    int at = random.nextInt(text.length() + 1);
    return text.substring(0, at) + token + text.substring(at);
  }

  private static String deleteSpan(String text, Random random) {
    if (text.isEmpty()) {
      return text;
    }
    int from = random.nextInt(text.length());
    int to = Math.min(text.length(), from + 1 + random.nextInt(40));
    return text.substring(0, from) + text.substring(to);
  }

  /** A structural change that keeps the JSON valid, so the checks past parsing are reached. */
  private static String treeMutation(String text, Random random) throws Exception {
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (Exception e) {
      return text;
    }
    if (root == null || !root.isContainerNode()) {
      return text;
    }
    List<JsonNode> containers = new ArrayList<>();
    collect(root, containers);
    JsonNode target = containers.get(random.nextInt(containers.size()));
    if (target instanceof ObjectNode object && object.size() > 0) {
      List<String> names = new ArrayList<>();
      object.fieldNames().forEachRemaining(names::add);
      String field = names.get(random.nextInt(names.size()));
      switch (random.nextInt(4)) {
        case 0 -> object.remove(field);
        case 1 -> object.set(field, randomValue(random, object.get(field)));
        case 2 -> object.set(field, nest(object.get(field), 1 + random.nextInt(80)));
        default -> object.set(field + "x", object.get(field).deepCopy());
      }
    } else if (target instanceof ArrayNode array) {
      array.add(randomValue(random, array));
    }
    return JSON.writeValueAsString(root);
  }

  private static JsonNode randomValue(Random random, JsonNode like) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    return switch (random.nextInt(9)) {
      case 0 -> f.nullNode();
      case 1 -> f.booleanNode(random.nextBoolean());
      case 2 -> f.numberNode(random.nextLong());
      case 3 -> f.numberNode(random.nextDouble() * 1e300);
      case 4 -> f.textNode("x".repeat(random.nextInt(2000)));
      case 5 -> f.arrayNode().add(like == null ? f.nullNode() : like.deepCopy());
      case 6 -> f.objectNode().set("k", like == null ? f.nullNode() : like.deepCopy());
      case 7 -> f.textNode(random.nextBoolean() ? "CREATE" : "DELETE");
      default -> f.textNode("\u0000\uD7FF\u202E");
    };
  }

  private static JsonNode nest(JsonNode node, int depth) {
    JsonNode current = node == null ? JsonNodeFactory.instance.nullNode() : node;
    for (int i = 0; i < depth; i++) {
      current = JsonNodeFactory.instance.arrayNode().add(current);
    }
    return current;
  }

  private static void collect(JsonNode node, List<JsonNode> out) {
    if (node.isContainerNode()) {
      out.add(node);
      Iterator<JsonNode> children = node.elements();
      while (children.hasNext()) {
        collect(children.next(), out);
      }
    }
  }

  private static int threads(String prefix) {
    return (int)
        Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.isAlive() && t.getName().startsWith(prefix))
            .count();
  }

  private static String preview(byte[] input) {
    String text = new String(input, StandardCharsets.UTF_8);
    return text.length() > 300 ? text.substring(0, 300) + "..." : text;
  }
}
