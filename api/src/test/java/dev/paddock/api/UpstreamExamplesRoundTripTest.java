package dev.paddock.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.paddock.api.extensions.SandboxClaim;
import dev.paddock.api.extensions.SandboxTemplate;
import dev.paddock.api.extensions.SandboxWarmPool;
import dev.paddock.api.sandbox.Sandbox;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every upstream example of our kinds parses into the Java model and serializes back to the same
 * tree: no field lost (the model knows it) and none added (no defaults invented client-side).
 */
class UpstreamExamplesRoundTripTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  private static final Map<String, Class<? extends HasMetadata>> KINDS =
      Map.of(
          "Sandbox", Sandbox.class,
          "SandboxTemplate", SandboxTemplate.class,
          "SandboxClaim", SandboxClaim.class,
          "SandboxWarmPool", SandboxWarmPool.class);

  static Stream<Arguments> examples() throws IOException {
    Path root = UpstreamFiles.upstream().resolve("examples");
    List<Arguments> documents = new ArrayList<>();
    for (Path file : UpstreamFiles.yamlFilesUnder(root)) {
      int index = 0;
      for (Iterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(render(file));
          it.hasNext(); ) {
        JsonNode document = it.next();
        if (document != null && KINDS.containsKey(document.path("kind").asText())) {
          documents.add(
              Arguments.of(
                  root.relativize(file) + "#" + index + " " + document.get("kind"), document));
        }
        index++;
      }
    }
    assertThat(documents).as("upstream examples of our kinds").hasSizeGreaterThanOrEqualTo(20);
    return documents.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void exampleSurvivesTheModelUnchanged(String name, JsonNode document) throws IOException {
    Class<? extends HasMetadata> type = KINDS.get(document.get("kind").asText());
    HasMetadata parsed = SERIALIZATION.unmarshal(YAML.writeValueAsString(document), type);

    JsonNode back = YAML.readTree(SERIALIZATION.asJson(parsed));

    assertThat(back).as(name).isEqualTo(normalize(document));
  }

  /**
   * A few upstream examples are Python format templates ({@code image: {image_prefix}python:
   * {image_tag}}) that its SDK tests fill in; fill them in the same way.
   */
  private static String render(Path file) throws IOException {
    return Files.readString(file)
        .replace("{image_prefix}", "registry.example/agents/")
        .replace("{image_tag}", "v1");
  }

  /** YAML scalars like {@code port: 8000} and {@code "8000"} differ only in the source text. */
  private static JsonNode normalize(JsonNode document) throws IOException {
    return YAML.readTree(YAML.writeValueAsString(document));
  }
}
