package dev.paddock.controller.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.paddock.api.sandbox.Sandbox;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.ListMetaBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimList;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The desired Pod, Service and PVCs of a Sandbox, compared with reviewed YAML in {@code
 * src/test/resources/golden/}. Run with {@code -Dpaddock.updateGolden=true} to rewrite the files
 * after an intended change, then review the diff.
 */
class DesiredStateGoldenTest {
  private static final Path GOLDEN = Path.of("src/test/resources/golden");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  static Stream<Arguments> cases() {
    return Stream.of("full", "minimal")
        .flatMap(
            name ->
                Stream.of(
                    Arguments.of(
                        name, "pod", (Function<Sandbox, Object>) SandboxPodBuilder::desired),
                    Arguments.of(
                        name,
                        "service",
                        (Function<Sandbox, Object>) SandboxServiceBuilder::desired),
                    Arguments.of(
                        name, "pvcs", (Function<Sandbox, Object>) DesiredStateGoldenTest::pvcs)));
  }

  @ParameterizedTest(name = "{1} of sandbox-{0}")
  @MethodSource("cases")
  void desiredStateMatchesTheReviewedYaml(
      String sandbox, String kind, Function<Sandbox, Object> build) throws IOException {
    Sandbox input =
        Serialization.unmarshal(
            Files.readString(GOLDEN.resolve("sandbox-" + sandbox + ".yaml")), Sandbox.class);

    JsonNode actual = Serialization.jsonMapper().valueToTree(build.apply(input));

    Path golden = GOLDEN.resolve(kind + "-" + sandbox + ".yaml");
    if (Boolean.getBoolean("paddock.updateGolden")) {
      Files.writeString(golden, Serialization.asYaml(actual));
    }
    assertThat(actual).isEqualTo(YAML.readTree(golden.toFile()));
  }

  private static KubernetesResourceList<?> pvcs(Sandbox sandbox) {
    var list = new PersistentVolumeClaimList();
    list.setMetadata(new ListMetaBuilder().build());
    list.setItems(SandboxPvcBuilder.desired(sandbox));
    return list;
  }
}
