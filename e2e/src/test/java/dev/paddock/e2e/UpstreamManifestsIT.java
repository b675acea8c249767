package dev.paddock.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.paddock.e2e.cluster.ControlPlaneBinaries;
import dev.paddock.e2e.cluster.LocalControlPlane;
import dev.paddock.e2e.support.ControlPlaneTest;
import dev.paddock.e2e.support.PaddockCrds;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Our generated CRDs (deploy/crds) accept every upstream example manifest of our kinds, with the
 * API server's own schema validation (server-side apply).
 */
@ControlPlaneTest
class UpstreamManifestsIT {

  private static final Set<String> OUR_KINDS =
      Set.of("Sandbox", "SandboxTemplate", "SandboxClaim", "SandboxWarmPool");

  /** envsubst-style placeholders in names, e.g. ${SANDBOX_TEMPLATE_NAME}. */
  private static final Pattern SANDBOX_PLACEHOLDER = Pattern.compile("\\$\\{(SANDBOX_[A-Z0-9_]+)}");

  private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---.*$");

  private final Path root = ControlPlaneBinaries.findRepoRoot();

  @BeforeEach
  void installCrds(LocalControlPlane controlPlane) {
    PaddockCrds.ensureInstalled(controlPlane);
  }

  @Test
  void everyUpstreamExampleOfOurKindsIsAcceptedByTheApiServer(KubernetesClient client)
      throws IOException {
    Path examples = root.resolve("../shared/reference/upstream/examples").normalize();
    if (!Files.isDirectory(examples)) {
      fail(
          "the upstream examples are missing: expected "
              + examples
              + " (a copy of shared/ beside the repository clone)");
    }
    List<Path> files;
    try (Stream<Path> walk = Files.walk(examples)) {
      files =
          walk.filter(p -> p.toString().matches(".*\\.ya?ml"))
              .sorted()
              .collect(Collectors.toList());
    }
    Map<String, Integer> appliedPerKind = new TreeMap<>();
    List<String> rejected = new ArrayList<>();
    for (Path file : files) {
      String yaml = substitutePlaceholders(Files.readString(file, StandardCharsets.UTF_8));
      for (String document : DOCUMENT_SEPARATOR.split(yaml)) {
        if (document.isBlank()) {
          continue;
        }
        // generic on purpose: typed model classes on the classpath must not reshape the input
        GenericKubernetesResource item;
        try {
          item = Serialization.unmarshal(document, GenericKubernetesResource.class);
        } catch (RuntimeException e) {
          rejected.add(examples.relativize(file) + ": not parseable YAML: " + e.getMessage());
          continue;
        }
        if (item == null || !OUR_KINDS.contains(item.getKind())) {
          continue;
        }
        String what =
            examples.relativize(file) + ": " + item.getKind() + "/" + item.getMetadata().getName();
        try {
          GenericKubernetesResource resource = item;
          resource.getMetadata().setNamespace(client.getNamespace());
          client
              .genericKubernetesResources(item.getApiVersion(), item.getKind())
              .inNamespace(client.getNamespace())
              .resource(resource)
              .fieldManager("upstream-examples-it")
              .forceConflicts()
              .serverSideApply();
          appliedPerKind.merge(item.getKind(), 1, Integer::sum);
        } catch (KubernetesClientException e) {
          rejected.add(what + " -> " + e.getCode() + " " + e.getMessage());
        }
      }
    }
    assertThat(rejected).as("upstream examples the API server rejected").isEmpty();
    assertThat(appliedPerKind.keySet()).containsExactlyInAnyOrderElementsOf(OUR_KINDS);
  }

  @Test
  void theApiServerEnforcesTheCrdSchema(KubernetesClient client) {
    GenericKubernetesResource withoutPodTemplate =
        new GenericKubernetesResourceBuilder()
            .withApiVersion("agents.x-k8s.io/v1beta1")
            .withKind("Sandbox")
            .withNewMetadata()
            .withName("no-pod-template")
            .withNamespace(client.getNamespace())
            .endMetadata()
            .addToAdditionalProperties("spec", Map.of("shutdownPolicy", "Delete"))
            .build();

    assertThatThrownBy(
            () ->
                client
                    .genericKubernetesResources("agents.x-k8s.io/v1beta1", "Sandbox")
                    .resource(withoutPodTemplate)
                    .fieldManager("upstream-examples-it")
                    .serverSideApply())
        .isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(422))
        .hasMessageContaining("podTemplate");
  }

  private static String substitutePlaceholders(String yaml) {
    // python-sdk/sandbox_template.yaml is a str.format() template of the Python SDK
    yaml = yaml.replace("{image_prefix}", "registry.invalid/").replace("{image_tag}", "latest");
    Matcher m = SANDBOX_PLACEHOLDER.matcher(yaml);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, m.group(1).toLowerCase(Locale.ROOT).replace('_', '-'));
    }
    m.appendTail(out);
    return out.toString();
  }
}
