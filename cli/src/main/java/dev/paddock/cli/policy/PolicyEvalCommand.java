package dev.paddock.cli.policy;

import dev.paddock.policies.AdmissionInput;
import dev.paddock.policies.Decision;
import dev.paddock.policies.Manifests;
import dev.paddock.policies.PolicySet;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code paddock policy eval}: the decision of some policies on one resource. */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    description = {
      "Evaluates policies (SandboxPolicy, ValidatingAdmissionPolicy and its Binding,",
      "MutatingAdmissionPolicy) on one resource and prints the decision.",
      "Exit 0 when a decision was printed (allowed or denied), 2 for unusable input."
    })
public final class PolicyEvalCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--policy",
      required = true,
      paramLabel = "FILE",
      description = "A policy or binding file (repeatable; a file may hold several documents).")
  List<Path> policies;

  @Option(names = "--resource", required = true, paramLabel = "FILE", description = "The object.")
  Path resource;

  @Option(names = "--old", paramLabel = "FILE", description = "The old object (UPDATE, DELETE).")
  Path old;

  @Option(
      names = "--operation",
      defaultValue = "CREATE",
      paramLabel = "OP",
      description = "CREATE (default), UPDATE or DELETE.")
  Operation operation;

  @Option(
      names = "--namespace-labels",
      paramLabel = "k=v,...",
      description = "Labels of the object's namespace.")
  String namespaceLabels;

  @Option(names = "--tenant", paramLabel = "FILE", description = "A TenantProfile.")
  Path tenant;

  @Option(
      names = {"-o", "--output"},
      defaultValue = "text",
      paramLabel = "FORMAT",
      description = "text (default) or json.")
  Format output;

  enum Operation {
    CREATE,
    UPDATE,
    DELETE
  }

  enum Format {
    text,
    json
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      PolicySet set = PolicyInputs.compile(policies).policySet();
      Map<String, Object> object = PolicyInputs.resource(resource);
      Map<String, Object> oldObject = old == null ? null : PolicyInputs.resource(old);
      Map<String, String> labels = PolicyInputs.labels(namespaceLabels);
      Map<String, Object> tenantProfile =
          PolicyInputs.tenant(
              tenant == null ? null : PolicyInputs.resource(tenant),
              labels,
              namespaceLabels != null);
      Decision decision = set.evaluate(input(object, oldObject, labels, tenantProfile));
      if (output == Format.json) {
        out.println(Manifests.toPrettyJson(json(decision)));
      } else {
        printText(out, decision);
      }
      out.flush();
      return 0;
    } catch (PolicyInputs.UnusableInput e) {
      for (String problem : e.problems) {
        err.println("paddock: " + problem);
      }
      err.flush();
      return 2;
    }
  }

  private AdmissionInput input(
      Map<String, Object> object,
      Map<String, Object> oldObject,
      Map<String, String> labels,
      Map<String, Object> tenantProfile)
      throws PolicyInputs.UnusableInput {
    AdmissionInput.Builder builder = AdmissionInput.builder().operation(operation.name());
    if (operation == Operation.DELETE) {
      builder.oldObject(oldObject != null ? oldObject : object);
    } else {
      builder.object(object).oldObject(oldObject);
    }
    if (operation == Operation.UPDATE && oldObject == null) {
      throw new PolicyInputs.UnusableInput("--operation UPDATE needs --old FILE");
    }
    String namespace = namespaceOf(object);
    builder.namespaceLabels(namespace, labels);
    builder.tenant(tenantProfile);
    try {
      return builder.build();
    } catch (RuntimeException e) {
      throw new PolicyInputs.UnusableInput(resource + ": " + e.getMessage());
    }
  }

  static String namespaceOf(Map<String, Object> object) {
    if (object.get("metadata") instanceof Map<?, ?> metadata
        && metadata.get("namespace") instanceof String ns) {
      return ns;
    }
    return "default";
  }

  static Map<String, Object> json(Decision decision) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("allowed", decision.allowed());
    json.put("warnings", decision.warnings());
    json.put(
        "violations",
        decision.violations().stream()
            .map(
                v -> {
                  Map<String, Object> violation = new LinkedHashMap<>();
                  violation.put("policy", v.policy());
                  violation.put("validation", v.validation());
                  violation.put("message", v.message());
                  violation.put("reason", v.reason());
                  violation.put("code", v.code());
                  return violation;
                })
            .toList());
    json.put("auditAnnotations", decision.auditAnnotations());
    json.put("patch", decision.patch());
    json.put("errors", decision.errors());
    return json;
  }

  private static void printText(PrintWriter out, Decision decision) {
    out.println(decision.allowed() ? "ALLOWED" : "DENIED");
    for (Decision.Violation v : decision.violations()) {
      out.println(
          "  violation: "
              + v.policy()
              + (v.validation() >= 0 ? " validations[" + v.validation() + "]" : "")
              + ": "
              + v.message());
    }
    for (String warning : decision.warnings()) {
      out.println("  warning: " + warning);
    }
    for (String error : decision.errors()) {
      out.println("  error: " + error);
    }
    decision.auditAnnotations().forEach((k, v) -> out.println("  audit: " + k + "=" + v));
    if (!decision.patch().isEmpty()) {
      out.println("  patch: " + Manifests.toJson(decision.patch()));
    }
  }
}
