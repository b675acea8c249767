package dev.paddock.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CRDs the build generates into {@code deploy/crds/} serve the same API as upstream's: a test
 * that walks both and names every difference.
 */
class UpstreamCrdCompatibilityTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /**
   * Schema keywords compared everywhere. Inside the embedded Kubernetes types (PodSpec, PVC spec,
   * NetworkPolicy rules) fabric8's model carries no required/default markers, so those two are
   * compared only outside them; presence, type and format are compared everywhere.
   */
  private static final List<String> KEYWORDS =
      List.of("type", "format", "enum", "default", "required", "minimum");

  private static final List<String> EMBEDDED_KUBERNETES_TYPES =
      List.of(
          ".spec.podTemplate.spec.",
          ".spec.volumeClaimTemplates[].spec.",
          ".spec.networkPolicy.ingress[].",
          ".spec.networkPolicy.egress[].");

  /**
   * Fields of Kubernetes core types newer than fabric8 7.5.2's model (Kubernetes 1.35+). The API
   * server prunes them from a Sandbox; recorded here so that a model upgrade shows up as a change.
   */
  private static final Set<String> NEWER_THAN_FABRIC8 =
      Set.of(
          ".spec.podTemplate.spec.schedulingGroup",
          ".spec.podTemplate.spec.volumes[].projected.sources[].podCertificate.userAnnotations");

  static Stream<String> upstreamCrdNames() throws IOException {
    return upstreamCrds().keySet().stream().sorted();
  }

  @Test
  void everyUpstreamCrdHasAGeneratedCounterpart() throws IOException {
    assertThat(generatedCrds().keySet()).containsAll(upstreamCrds().keySet());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("upstreamCrdNames")
  void generatedCrdServesTheUpstreamApi(String name) throws IOException {
    JsonNode upstream = upstreamCrds().get(name).get("spec");
    JsonNode ours = generatedCrds().get(name).get("spec");
    List<String> differences = new ArrayList<>();

    same(differences, "group", ours.get("group"), upstream.get("group"));
    same(differences, "scope", ours.get("scope"), upstream.get("scope"));
    for (String field : List.of("kind", "listKind", "plural", "singular", "shortNames")) {
      same(
          differences,
          "names." + field,
          ours.at("/names/" + field),
          upstream.at("/names/" + field));
    }
    same(differences, "versions", versionNames(ours), versionNames(upstream));
    for (JsonNode upstreamVersion : upstream.get("versions")) {
      String version = upstreamVersion.get("name").asText();
      JsonNode ourVersion = findVersion(ours, version);
      if (ourVersion == null) {
        continue;
      }
      String at = "versions[" + version + "].";
      same(differences, at + "served", ourVersion.get("served"), upstreamVersion.get("served"));
      same(differences, at + "storage", ourVersion.get("storage"), upstreamVersion.get("storage"));
      same(
          differences,
          at + "subresources",
          ourVersion.get("subresources"),
          upstreamVersion.get("subresources"));
      same(
          differences,
          at + "additionalPrinterColumns",
          printerColumns(ourVersion),
          printerColumns(upstreamVersion));
      compareSchema(
          differences,
          "",
          ourVersion.at("/schema/openAPIV3Schema"),
          upstreamVersion.at("/schema/openAPIV3Schema"));
    }

    assertThat(differences).as("differences from upstream's " + name).isEmpty();
  }

  private static void compareSchema(
      List<String> differences, String path, JsonNode ours, JsonNode upstream) {
    boolean embedded = EMBEDDED_KUBERNETES_TYPES.stream().anyMatch(path::startsWith);
    for (String keyword : KEYWORDS) {
      if (embedded && (keyword.equals("required") || keyword.equals("default"))) {
        continue;
      }
      JsonNode a = canonical(keyword, ours.get(keyword));
      JsonNode b = canonical(keyword, upstream.get(keyword));
      if (!equivalent(a, b)) {
        differences.add(path + " " + keyword + ": ours " + a + ", upstream " + b);
      }
    }
    JsonNode upstreamProperties = upstream.get("properties");
    if (upstreamProperties != null) {
      for (Iterator<String> it = upstreamProperties.fieldNames(); it.hasNext(); ) {
        String property = it.next();
        String child = path + "." + property;
        JsonNode ourProperty = ours.path("properties").get(property);
        if (ourProperty == null) {
          if (!NEWER_THAN_FABRIC8.contains(child)) {
            differences.add(child + " is missing");
          }
          continue;
        }
        compareSchema(differences, child, ourProperty, upstreamProperties.get(property));
      }
    }
    if (upstream.has("items") && ours.has("items")) {
      compareSchema(differences, path + "[]", ours.get("items"), upstream.get("items"));
    }
  }

  /** Order does not matter in enum and required; 0 and 0.0 are the same minimum. */
  private static JsonNode canonical(String keyword, JsonNode value) {
    if (value == null) {
      return null;
    }
    if ((keyword.equals("enum") || keyword.equals("required")) && value.isArray()) {
      Set<String> sorted = new TreeSet<>();
      value.forEach(v -> sorted.add(v.asText()));
      return YAML.valueToTree(sorted);
    }
    return value;
  }

  private static boolean equivalent(JsonNode a, JsonNode b) {
    if (a == null || b == null) {
      return a == b;
    }
    if (a.isNumber() && b.isNumber()) {
      return a.decimalValue().compareTo(b.decimalValue()) == 0;
    }
    return a.equals(b);
  }

  private static void same(List<String> differences, String what, Object ours, Object upstream) {
    if (!java.util.Objects.equals(ours, upstream)) {
      differences.add(what + ": ours " + ours + ", upstream " + upstream);
    }
  }

  private static List<String> versionNames(JsonNode spec) {
    List<String> names = new ArrayList<>();
    spec.get("versions").forEach(v -> names.add(v.get("name").asText()));
    return names;
  }

  private static JsonNode findVersion(JsonNode spec, String name) {
    for (JsonNode version : spec.get("versions")) {
      if (version.get("name").asText().equals(name)) {
        return version;
      }
    }
    return null;
  }

  /** Name, type and JSONPath of each column, in order; priority 0 is the default. */
  private static List<String> printerColumns(JsonNode version) {
    List<String> columns = new ArrayList<>();
    for (JsonNode column : version.path("additionalPrinterColumns")) {
      columns.add(
          column.get("name").asText()
              + " "
              + column.get("type").asText()
              + " "
              + column.get("jsonPath").asText()
              + " priority="
              + column.path("priority").asInt(0));
    }
    return columns;
  }

  private static Map<String, JsonNode> upstreamCrds() throws IOException {
    return crdsIn(UpstreamFiles.upstream().resolve("crds"));
  }

  private static Map<String, JsonNode> generatedCrds() throws IOException {
    return crdsIn(UpstreamFiles.repoRoot().resolve("deploy").resolve("crds"));
  }

  private static Map<String, JsonNode> crdsIn(Path dir) throws IOException {
    Map<String, JsonNode> crds = new HashMap<>();
    for (Path file : UpstreamFiles.yamlFilesUnder(dir)) {
      JsonNode crd = YAML.readTree(file.toFile());
      if (!crd.path("kind").asText().equals("CustomResourceDefinition")) {
        continue;
      }
      crds.put(crd.at("/metadata/name").asText(), crd);
    }
    return crds;
  }
}
