package dev.paddock.e2e.admission;

import static dev.paddock.e2e.admission.AdmissionCluster.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.paddock.e2e.cluster.LocalControlPlane;
import dev.paddock.e2e.support.ControlPlaneTest;
import dev.paddock.policies.AdmissionInput;
import dev.paddock.policies.Decision;
import dev.paddock.policies.Manifests;
import dev.paddock.policies.PolicyCompiler;
import dev.paddock.policies.PolicyDocument;
import dev.paddock.policies.PolicySet;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Differential test: the upstream secure-sandbox ValidatingAdmissionPolicy and its binding, bound
 * in the real kube-apiserver (which evaluates them natively) and compiled by Paddock's engine from
 * the same files. Each case is sent to both; the verdicts (admitted or denied, and the denial's
 * rule message and code) must agree case by case.
 *
 * <p>The engine judges the object as the API server's admission saw it: the case is first created
 * with {@code dryRun=All} in {@code agents-system}, a namespace the binding excludes, which returns
 * it decoded, with explicit nulls dropped and defaults applied. So a "null vs absent" case tests
 * the same thing on both sides, as it would for Paddock's webhook, which also receives the decoded
 * object. The engine's verdict on the object as sent is shown beside it.
 */
@ControlPlaneTest
class NativeVapDifferentialIT {
  private static final String SANDBOXES = "agents.x-k8s.io/v1beta1";
  private static final String EXCLUDED_NAMESPACE = "agents-system";
  private static final String P = "/spec/podTemplate/spec";
  private static final Pattern NATIVE_DENIAL =
      Pattern.compile(
          // admission.NewForbidden prefixes: sandboxes.agents.x-k8s.io "name" is forbidden:
          ".*? is forbidden: ValidatingAdmissionPolicy '([^']+)' with binding '([^']+)' denied"
              + " request: (.*)",
          Pattern.DOTALL);

  /** A compliant init/ephemeral container: drops ALL, has limits. */
  private static final String HARDENED_CONTAINER =
      "{name: %s, image: registry.invalid/tools:1, securityContext: {capabilities: {drop: [ALL]}},"
          + " resources: {limits: {cpu: 100m, memory: 32Mi}}}";

  private static Path example;
  private static KubernetesClient admin;
  private static PolicySet engine;
  private static List<String> ruleMessages;
  private static final List<HasMetadata> bound = new ArrayList<>();
  private static boolean createdExcludedNamespace;

  /**
   * One request.
   *
   * @param name what is special about the Sandbox
   * @param expected the 1-based rule expected to deny it, 0 for admitted, -1 for an expression
   *     error (which denies under failurePolicy Fail)
   */
  private record Case(String name, int expected, Consumer<Map<String, Object>> edit) {}

  private static List<Case> cases() {
    List<Case> cases = new ArrayList<>();
    cases.add(new Case("compliant base", 0, s -> {}));
    // 1 runtime class
    cases.add(new Case("runtimeClassName runc", 1, set(P + "/runtimeClassName", "runc")));
    cases.add(new Case("runtimeClassName absent", 1, remove(P + "/runtimeClassName")));
    cases.add(new Case("runtimeClassName null", 1, set(P + "/runtimeClassName", "null")));
    // 2 host network
    cases.add(new Case("hostNetwork true", 2, set(P + "/hostNetwork", "true")));
    cases.add(new Case("hostNetwork false", 0, set(P + "/hostNetwork", "false")));
    cases.add(new Case("hostNetwork null", 0, set(P + "/hostNetwork", "null")));
    // 3 service account token
    cases.add(
        new Case(
            "automountServiceAccountToken absent", 3, remove(P + "/automountServiceAccountToken")));
    cases.add(
        new Case(
            "automountServiceAccountToken true",
            3,
            set(P + "/automountServiceAccountToken", "true")));
    cases.add(
        new Case(
            "automountServiceAccountToken null",
            3,
            set(P + "/automountServiceAccountToken", "null")));
    // 4 privileged, in every kind of container
    cases.add(
        new Case(
            "container privileged",
            4,
            set(P + "/containers/0/securityContext/privileged", "true")));
    cases.add(
        new Case(
            "container privileged false",
            0,
            set(P + "/containers/0/securityContext/privileged", "false")));
    cases.add(
        new Case(
            "compliant initContainer",
            0,
            set(P + "/initContainers", "[" + HARDENED_CONTAINER.formatted("init") + "]")));
    cases.add(
        new Case(
            "privileged initContainer",
            4,
            set(P + "/initContainers", "[" + HARDENED_CONTAINER.formatted("init") + "]")
                .andThen(set(P + "/initContainers/0/securityContext/privileged", "true"))));
    cases.add(new Case("initContainers empty", 0, set(P + "/initContainers", "[]")));
    cases.add(
        new Case(
            "compliant ephemeralContainer",
            0,
            set(P + "/ephemeralContainers", "[" + HARDENED_CONTAINER.formatted("debug") + "]")));
    cases.add(
        new Case(
            "privileged ephemeralContainer",
            4,
            set(P + "/ephemeralContainers", "[" + HARDENED_CONTAINER.formatted("debug") + "]")
                .andThen(set(P + "/ephemeralContainers/0/securityContext/privileged", "true"))));
    cases.add(
        new Case(
            "ephemeralContainer without limits",
            6,
            set(P + "/ephemeralContainers", "[" + HARDENED_CONTAINER.formatted("debug") + "]")
                .andThen(remove(P + "/ephemeralContainers/0/resources"))));
    // 5 drop ALL
    cases.add(
        new Case(
            "sidecar capabilities empty",
            5,
            set(P + "/containers/1/securityContext/capabilities", "{}")));
    cases.add(
        new Case(
            "sidecar securityContext null", 5, set(P + "/containers/1/securityContext", "null")));
    cases.add(
        new Case(
            "drop NET_RAW only",
            5,
            set(P + "/containers/0/securityContext/capabilities/drop", "[NET_RAW]")));
    // 6 limits
    cases.add(
        new Case("sidecar cpu limit absent", 6, remove(P + "/containers/1/resources/limits/cpu")));
    cases.add(new Case("sidecar resources absent", 6, remove(P + "/containers/1/resources")));
    // 7 non-root
    cases.add(
        new Case(
            "container overrides runAsNonRoot false",
            7,
            set(P + "/containers/0/securityContext/runAsNonRoot", "false")));
    cases.add(
        new Case(
            "no pod securityContext, every container runAsNonRoot",
            0,
            remove(P + "/securityContext")
                .andThen(set(P + "/containers/0/securityContext/runAsNonRoot", "true"))
                .andThen(set(P + "/containers/1/securityContext/runAsNonRoot", "true"))));
    cases.add(new Case("no pod securityContext", 7, remove(P + "/securityContext")));
    cases.add(
        new Case("pod runAsNonRoot false", 7, set(P + "/securityContext/runAsNonRoot", "false")));
    // 8 projected credentials
    cases.add(
        new Case(
            "projected serviceAccountToken",
            8,
            set(
                P + "/volumes",
                "[{name: t, projected: {sources: [{serviceAccountToken: {path: token}}]}}]")));
    cases.add(
        new Case(
            "projected configMap only",
            0,
            set(P + "/volumes", "[{name: c, projected: {sources: [{configMap: {name: cfg}}]}}]")));
    // 9 hostPath
    cases.add(
        new Case("hostPath volume", 9, set(P + "/volumes", "[{name: h, hostPath: {path: /}}]")));
    cases.add(new Case("volumes empty", 0, set(P + "/volumes", "[]")));
    cases.add(new Case("emptyDir volume", 0, set(P + "/volumes", "[{name: e, emptyDir: {}}]")));
    // 10 capabilities.add
    cases.add(
        new Case(
            "capabilities add NET_ADMIN",
            10,
            set(P + "/containers/0/securityContext/capabilities/add", "[NET_ADMIN]")));
    cases.add(
        new Case(
            "capabilities add empty",
            0,
            set(P + "/containers/0/securityContext/capabilities/add", "[]")));
    // 11 host PID/IPC
    cases.add(new Case("hostPID true", 11, set(P + "/hostPID", "true")));
    cases.add(new Case("hostIPC true", 11, set(P + "/hostIPC", "true")));
    // 12 hostPort
    cases.add(new Case("hostPort", 12, set(P + "/containers/0/ports/0/hostPort", "8888")));
    // 13 sysctls
    cases.add(
        new Case(
            "sysctls set",
            13,
            set(P + "/securityContext/sysctls", "[{name: net.core.somaxconn, value: '1024'}]")));
    cases.add(new Case("sysctls empty", 0, set(P + "/securityContext/sysctls", "[]")));
    // 14 procMount
    cases.add(
        new Case(
            "procMount Unmasked",
            14,
            set(P + "/containers/0/securityContext/procMount", "Unmasked")));
    cases.add(
        new Case(
            "procMount Default", 0, set(P + "/containers/0/securityContext/procMount", "Default")));
    // 15 node selector
    cases.add(new Case("nodeSelector absent", 15, remove(P + "/nodeSelector")));
    cases.add(
        new Case(
            "nodeSelector other runtime",
            15,
            set(P + "/nodeSelector", "{sandbox.gke.io/runtime: kata}")));
    // 16 tolerations, and an expression error
    cases.add(new Case("tolerations empty", 16, set(P + "/tolerations", "[]")));
    cases.add(new Case("toleration NoExecute", 16, set(P + "/tolerations/0/effect", "NoExecute")));
    cases.add(
        new Case(
            "only toleration has no value (error)",
            -1,
            set(P + "/tolerations", "[{key: sandbox.gke.io/runtime, operator: Exists}]")));
    cases.add(
        new Case(
            "valueless toleration before the right one",
            0,
            set(
                P + "/tolerations",
                "[{key: sandbox.gke.io/runtime, operator: Exists},"
                    + " {key: sandbox.gke.io/runtime, value: gvisor, effect: NoSchedule}]")));
    // several rules at once: the first in policy order is reported
    cases.add(
        new Case(
            "hostNetwork + privileged + hostPath",
            2,
            set(P + "/hostNetwork", "true")
                .andThen(set(P + "/containers/0/securityContext/privileged", "true"))
                .andThen(set(P + "/volumes", "[{name: h, hostPath: {path: /}}]"))));
    cases.add(
        new Case(
            "hostPort + procMount + tolerations empty",
            12,
            set(P + "/containers/0/ports/0/hostPort", "8888")
                .andThen(set(P + "/containers/0/securityContext/procMount", "Unmasked"))
                .andThen(set(P + "/tolerations", "[]"))));
    cases.add(
        new Case(
            "minimal sandbox (almost every rule)",
            1,
            s -> {
              s.put("spec", SandboxObjects.minimal("x").get("spec"));
            }));
    return cases;
  }

  @BeforeAll
  static void bindThePolicyInTheApiServer(LocalControlPlane controlPlane) throws Exception {
    example =
        AdmissionCluster.repoRoot()
            .resolve("../shared/reference/upstream/examples/policy-vap")
            .normalize();
    admin = controlPlane.newClient();
    AdmissionCluster.installCrds(admin);
    assertNoSandboxWebhookIsRegistered();

    List<PolicyDocument> documents = new ArrayList<>();
    for (String file : List.of("secure-sandbox-policy.yaml", "secure-sandbox-binding.yaml")) {
      documents.addAll(Manifests.readPolicies(example.resolve(file)));
      try (InputStream in = Files.newInputStream(example.resolve(file))) {
        for (HasMetadata item : admin.load(in).items()) {
          bound.add(admin.resource(item).create());
        }
      }
    }
    PolicyCompiler.Compilation compilation = new PolicyCompiler().compile(documents);
    assertThat(compilation.errors()).as("Paddock compiles the upstream files").isEmpty();
    engine = compilation.policySet();
    ruleMessages = ruleMessages(documents.get(0));

    if (admin.namespaces().withName(EXCLUDED_NAMESPACE).get() == null) {
      admin
          .namespaces()
          .resource(
              new NamespaceBuilder()
                  .withNewMetadata()
                  .withName(EXCLUDED_NAMESPACE)
                  .endMetadata()
                  .build())
          .create();
      createdExcludedNamespace = true;
    }
  }

  @AfterAll
  static void unbind() {
    if (admin == null) {
      return;
    }
    try {
      // binding first: later tests share the control plane and create non-compliant Sandboxes
      for (int i = bound.size() - 1; i >= 0; i--) {
        admin.resource(bound.get(i)).delete();
      }
      if (!bound.isEmpty()) {
        eventually()
            .ignoreExceptions()
            .until(
                () ->
                    ApiServerCalls.create(
                            admin,
                            SANDBOXES,
                            "sandboxes",
                            "default",
                            SandboxObjects.minimal("probe-unbound"),
                            true)
                        .created());
      }
      if (createdExcludedNamespace) {
        admin.namespaces().withName(EXCLUDED_NAMESPACE).delete();
      }
    } finally {
      admin.close();
    }
  }

  @Test
  void paddocksEngineAgreesWithTheApiServerCaseByCase(KubernetesClient client) throws IOException {
    String namespace = client.getNamespace();
    Map<String, Object> namespaceObject =
        Manifests.toMap(client.namespaces().withName(namespace).get());
    // the binding selects by kubernetes.io/metadata.name NotIn [kube-system, agents-system]
    assertThat(namespace).isNotIn("kube-system", EXCLUDED_NAMESPACE);

    // the API server's policy informer sees the binding a moment after it is created
    eventually()
        .untilAsserted(
            () ->
                assertThat(
                        judge(client, namespace, SandboxObjects.minimal("probe-bound")).message())
                    .contains(
                        "ValidatingAdmissionPolicy 'secure-sandbox-policy' with binding"
                            + " 'secure-sandbox-binding' denied request: "));

    List<Case> cases = cases();
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < cases.size(); i++) {
      Case c = cases.get(i);
      Map<String, Object> sent = SandboxObjects.compliant("case-" + (i + 1));
      c.edit().accept(sent);

      ApiServerCalls.Reply decoded =
          ApiServerCalls.create(
              admin,
              SANDBOXES,
              "sandboxes",
              EXCLUDED_NAMESPACE,
              SandboxObjects.deepCopy(sent),
              true);
      assertThat(decoded.code())
          .as(
              "case %s must be a valid Sandbox (the excluded namespace is not judged): %s",
              c.name(), decoded.message())
          .isEqualTo(201);
      Map<String, Object> admitted = decoded.body();
      @SuppressWarnings("unchecked")
      Map<String, Object> metadata = (Map<String, Object>) admitted.get("metadata");
      metadata.put("namespace", namespace);

      ApiServerCalls.Reply reply = judge(client, namespace, sent);
      Verdict native_ = Verdict.of(reply);
      Verdict paddock = Verdict.of(engine.evaluate(input(admitted, namespaceObject)));
      Verdict paddockAsSent =
          Verdict.of(engine.evaluate(input(SandboxObjects.deepCopy(sent), namespaceObject)));
      rows.add(new Row(i + 1, c, native_, paddock, paddockAsSent));
    }

    String table = table(rows);
    System.out.println(table);
    Path report = AdmissionCluster.repoRoot().resolve("e2e/target/vap-differential.md");
    Files.createDirectories(report.getParent());
    Files.writeString(report, table, StandardCharsets.UTF_8);

    assertThat(rows).hasSizeGreaterThanOrEqualTo(20);
    assertThat(rows.stream().filter(r -> !r.agree()).map(Row::line).toList())
        .as("cases where Paddock's engine and the API server disagree (see the table above)")
        .isEmpty();
    assertThat(rows.stream().filter(r -> !r.asExpected()).map(Row::line).toList())
        .as("cases whose API server verdict is not the one the case was written for")
        .isEmpty();
    // every rule of the policy denies at least one case, so none of them is untested
    assertThat(rows.stream().map(r -> r.testCase().expected()).distinct())
        .containsAll(Stream.iterate(1, n -> n + 1).limit(ruleMessages.size()).toList());
  }

  /** One side's verdict: admitted, or denied with a code and the rule's message. */
  private record Verdict(boolean allowed, int code, String message) {
    static Verdict of(ApiServerCalls.Reply reply) {
      if (reply.created()) {
        return new Verdict(true, reply.code(), "");
      }
      Matcher m = NATIVE_DENIAL.matcher(reply.message());
      if (!m.matches()) {
        // not a policy denial (e.g. schema validation): keep the whole message
        return new Verdict(false, reply.code(), "NOT A POLICY DENIAL: " + reply.message());
      }
      return new Verdict(false, reply.code(), m.group(3));
    }

    static Verdict of(Decision decision) {
      if (decision.allowed()) {
        return new Verdict(true, 201, "");
      }
      Decision.Violation first = decision.violations().get(0);
      return new Verdict(false, first.code(), first.message());
    }

    String shortly() {
      return allowed ? "admitted" : "denied " + code;
    }
  }

  private record Row(int number, Case testCase, Verdict native_, Verdict paddock, Verdict asSent) {
    boolean agree() {
      return native_.equals(paddock);
    }

    boolean asExpected() {
      int expected = testCase.expected();
      if (expected == 0) {
        return native_.allowed();
      }
      if (expected < 0) {
        return !native_.allowed() && native_.message().contains("resulted in error");
      }
      return !native_.allowed() && native_.message().equals(ruleMessages.get(expected - 1));
    }

    String line() {
      return number + " " + testCase.name() + ": API server " + native_ + ", Paddock " + paddock;
    }
  }

  private static String table(List<Row> rows) {
    StringBuilder out = new StringBuilder();
    out.append("\nsecure-sandbox-policy: kube-apiserver (native VAP) vs Paddock's engine\n\n");
    out.append(
        "| # | case | expected | API server | Paddock | agree | Paddock on the object as sent |\n");
    out.append("|---|---|---|---|---|---|---|\n");
    for (Row r : rows) {
      int expected = r.testCase().expected();
      out.append("| ")
          .append(r.number())
          .append(" | ")
          .append(r.testCase().name())
          .append(" | ")
          .append(expected == 0 ? "admit" : expected < 0 ? "error" : "rule " + expected)
          .append(" | ")
          .append(r.native_().shortly())
          .append(rule(r.native_()))
          .append(" | ")
          .append(r.paddock().shortly())
          .append(rule(r.paddock()))
          .append(" | ")
          .append(r.agree() ? "yes" : "**NO**")
          .append(" | ")
          .append(r.asSent().equals(r.paddock()) ? "same" : r.asSent().shortly() + rule(r.asSent()))
          .append(" |\n");
    }
    long agreeing = rows.stream().filter(Row::agree).count();
    out.append("\n")
        .append(agreeing)
        .append("/")
        .append(rows.size())
        .append(" agree; ")
        .append(rows.stream().filter(r -> r.native_().allowed()).count())
        .append(" admitted, ")
        .append(rows.stream().filter(r -> !r.native_().allowed()).count())
        .append(" denied by the API server\n");
    for (Row r : rows) {
      if (!r.agree()) {
        out.append("\nDISAGREE ")
            .append(r.number())
            .append(":\n  API server: ")
            .append(r.native_().message())
            .append("\n  Paddock:    ")
            .append(r.paddock().message())
            .append('\n');
      }
    }
    return out.toString();
  }

  private static String rule(Verdict verdict) {
    if (verdict.allowed()) {
      return "";
    }
    int index = ruleMessages.indexOf(verdict.message());
    if (index >= 0) {
      return " (rule " + (index + 1) + ")";
    }
    return verdict.message().contains("resulted in error") ? " (error)" : " (other)";
  }

  private static ApiServerCalls.Reply judge(
      KubernetesClient client, String namespace, Map<String, Object> sandbox) {
    return ApiServerCalls.create(
        client, SANDBOXES, "sandboxes", namespace, SandboxObjects.deepCopy(sandbox), true);
  }

  private static AdmissionInput input(
      Map<String, Object> sandbox, Map<String, Object> namespaceObject) {
    return AdmissionInput.builder()
        .operation("CREATE")
        .object(sandbox)
        .namespace(String.valueOf(((Map<?, ?>) namespaceObject.get("metadata")).get("name")))
        .namespaceObject(namespaceObject)
        .dryRun(true)
        .build();
  }

  @SuppressWarnings("unchecked")
  private static List<String> ruleMessages(PolicyDocument policy) {
    Map<String, Object> spec = (Map<String, Object>) policy.manifest().get("spec");
    return ((List<Map<String, Object>>) spec.get("validations"))
        .stream().map(v -> String.valueOf(v.get("message"))).toList();
  }

  private static void assertNoSandboxWebhookIsRegistered() {
    // otherwise a webhook could deny, warn or mutate, and the verdict would not be the native one
    List<ValidatingWebhookConfiguration> validating =
        admin.admissionRegistration().v1().validatingWebhookConfigurations().list().getItems();
    List<MutatingWebhookConfiguration> mutating =
        admin.admissionRegistration().v1().mutatingWebhookConfigurations().list().getItems();
    assertThat(validating)
        .as("validating webhooks during the differential test")
        .flatExtracting(ValidatingWebhookConfiguration::getWebhooks)
        .flatExtracting(w -> w.getRules())
        .flatExtracting(r -> r.getApiGroups())
        .doesNotContain("agents.x-k8s.io", "*");
    assertThat(mutating)
        .as("mutating webhooks during the differential test")
        .flatExtracting(MutatingWebhookConfiguration::getWebhooks)
        .flatExtracting(w -> w.getRules())
        .flatExtracting(r -> r.getApiGroups())
        .doesNotContain("agents.x-k8s.io", "*");
  }

  private static Consumer<Map<String, Object>> set(String pointer, String valueYaml) {
    return s -> SandboxObjects.set(s, pointer, valueYaml);
  }

  private static Consumer<Map<String, Object>> remove(String pointer) {
    return s -> SandboxObjects.remove(s, pointer);
  }
}
