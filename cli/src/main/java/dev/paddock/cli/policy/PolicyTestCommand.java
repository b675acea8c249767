package dev.paddock.cli.policy;

import dev.paddock.policies.AdmissionInput;
import dev.paddock.policies.Decision;
import dev.paddock.policies.Manifests;
import dev.paddock.policies.PolicySet;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code paddock policy test DIR}: runs every suite ({@code kind: PolicyTest}) under DIR. The
 * format is documented in docs/policies.md.
 */
@Command(
    name = "test",
    mixinStandardHelpOptions = true,
    description = {
      "Runs every policy test suite (YAML files with kind: PolicyTest) under DIR.",
      "Exit 0 when every test passes, 1 when one fails, 2 for unusable input."
    })
public final class PolicyTestCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "DIR", description = "Directory searched for suites.")
  Path directory;

  @Option(names = "--junit", paramLabel = "FILE", description = "Also write a JUnit XML report.")
  Path junit;

  record Outcome(String suite, String test, String failure) {}

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<String> problems = new ArrayList<>();
    List<Outcome> outcomes = new ArrayList<>();
    List<Path> suites;
    try {
      suites = findSuites(directory);
    } catch (PolicyInputs.UnusableInput e) {
      e.problems.forEach(p -> err.println("paddock: " + p));
      err.flush();
      return 2;
    }
    if (suites.isEmpty()) {
      err.println("paddock: no test suites (kind: PolicyTest) under " + directory);
      err.flush();
      return 2;
    }
    for (Path suite : suites) {
      try {
        outcomes.addAll(runSuite(suite, out));
      } catch (PolicyInputs.UnusableInput e) {
        problems.addAll(e.problems);
      }
    }
    long failed = outcomes.stream().filter(o -> o.failure() != null).count();
    out.printf(
        "%d suites, %d tests, %d passed, %d failed%n",
        suites.size(), outcomes.size(), outcomes.size() - failed, failed);
    out.flush();
    problems.forEach(p -> err.println("paddock: " + p));
    err.flush();
    if (junit != null) {
      try {
        Files.writeString(junit, JunitReport.xml(outcomes));
      } catch (IOException e) {
        err.println("paddock: cannot write " + junit + ": " + e.getMessage());
        err.flush();
        return 2;
      }
    }
    if (!problems.isEmpty()) {
      return 2;
    }
    return failed > 0 ? 1 : 0;
  }

  static List<Path> findSuites(Path directory) throws PolicyInputs.UnusableInput {
    if (!Files.isDirectory(directory)) {
      throw new PolicyInputs.UnusableInput(directory + ": not a directory");
    }
    List<Path> suites = new ArrayList<>();
    try (Stream<Path> files = Files.walk(directory)) {
      for (Path file : files.sorted().toList()) {
        String name = file.getFileName().toString();
        if (Files.isRegularFile(file)
            && (name.endsWith(".yaml") || name.endsWith(".yml"))
            && Files.readString(file).contains("kind: PolicyTest")) {
          suites.add(file);
        }
      }
    } catch (IOException e) {
      throw new PolicyInputs.UnusableInput(directory + ": " + e.getMessage());
    }
    return suites;
  }

  @SuppressWarnings("unchecked")
  private List<Outcome> runSuite(Path file, PrintWriter out) throws PolicyInputs.UnusableInput {
    Map<String, Object> suite = PolicyInputs.resource(file);
    if (!"PolicyTest".equals(suite.get("kind"))) {
      throw new PolicyInputs.UnusableInput(file + ": expected kind PolicyTest");
    }
    Path base = file.getParent();
    List<Path> policyFiles = new ArrayList<>();
    for (Object p : list(suite, "policies", file)) {
      policyFiles.add(base.resolve(String.valueOf(p)));
    }
    if (policyFiles.isEmpty()) {
      throw new PolicyInputs.UnusableInput(file + ": a suite needs policies");
    }
    PolicySet set = PolicyInputs.compile(policyFiles).policySet();
    Map<String, Object> suiteTenant = object(suite.get("tenant"), base, file);
    List<Outcome> outcomes = new ArrayList<>();
    String suiteName = suite.get("name") instanceof String n ? n : file.toString();
    out.println(suiteName);
    List<Object> tests = list(suite, "tests", file);
    for (int i = 0; i < tests.size(); i++) {
      if (!(tests.get(i) instanceof Map<?, ?> raw)) {
        throw new PolicyInputs.UnusableInput(file + ": tests[" + i + "] must be an object");
      }
      Map<String, Object> test = (Map<String, Object>) raw;
      String name = test.get("name") instanceof String n ? n : "tests[" + i + "]";
      String where = file + ": " + name;
      String failure = runTest(set, test, base, where, suiteTenant, suite);
      outcomes.add(new Outcome(suiteName, name, failure));
      out.println((failure == null ? "  PASS " : "  FAIL ") + name);
      if (failure != null) {
        for (String line : failure.split("\n")) {
          out.println("       " + line);
        }
      }
    }
    return outcomes;
  }

  @SuppressWarnings("unchecked")
  private static String runTest(
      PolicySet set,
      Map<String, Object> test,
      Path base,
      String where,
      Map<String, Object> suiteTenant,
      Map<String, Object> suite)
      throws PolicyInputs.UnusableInput {
    Map<String, Object> object = object(test.get("object"), base, where);
    Map<String, Object> oldObject = object(test.get("oldObject"), base, where);
    if (object == null && oldObject == null) {
      throw new PolicyInputs.UnusableInput(where + ": a test needs an object (inline or a file)");
    }
    String operation = String.valueOf(test.getOrDefault("operation", "CREATE"));
    if (!List.of("CREATE", "UPDATE", "DELETE", "CONNECT").contains(operation)) {
      throw new PolicyInputs.UnusableInput(where + ": unknown operation " + operation);
    }
    Object labelsValue = test.getOrDefault("namespaceLabels", suite.get("namespaceLabels"));
    Map<String, String> labels = new LinkedHashMap<>();
    if (labelsValue instanceof Map<?, ?> m) {
      m.forEach((k, v) -> labels.put(String.valueOf(k), String.valueOf(v)));
    }
    Map<String, Object> tenantProfile =
        test.containsKey("tenant") ? object(test.get("tenant"), base, where) : suiteTenant;
    Map<String, Object> tenant =
        PolicyInputs.tenant(tenantProfile, labels, labelsValue instanceof Map<?, ?>);
    AdmissionInput.Builder builder =
        AdmissionInput.builder()
            .operation(operation)
            .object("DELETE".equals(operation) ? null : object)
            .oldObject("DELETE".equals(operation) && oldObject == null ? object : oldObject)
            .tenant(tenant);
    if (test.get("resource") != null) {
      // group/version/resource, for requests to a resource other than the object's own kind's
      // (a subresource such as sandboxwarmpools/scale, whose object is an autoscaling/v1 Scale)
      String[] gvr = String.valueOf(test.get("resource")).split("/");
      if (gvr.length != 3) {
        throw new PolicyInputs.UnusableInput(
            where + ": resource must be group/version/resource, not " + test.get("resource"));
      }
      builder.resource(new AdmissionInput.GroupVersionResource(gvr[0], gvr[1], gvr[2]));
    }
    if (test.get("subResource") != null) {
      builder.subResource(String.valueOf(test.get("subResource")));
    }
    if (test.get("userInfo") instanceof Map<?, ?> userInfo) {
      builder.userInfo((Map<String, Object>) userInfo);
    }
    Map<String, Object> source = object != null ? object : oldObject;
    builder.namespaceLabels(PolicyEvalCommand.namespaceOf(source), labels);
    Decision decision;
    try {
      decision = set.evaluate(builder.build());
    } catch (RuntimeException e) {
      throw new PolicyInputs.UnusableInput(where + ": " + e.getMessage());
    }
    if (!(test.get("expect") instanceof Map<?, ?> expectRaw)) {
      throw new PolicyInputs.UnusableInput(where + ": a test needs expect");
    }
    Map<String, Object> expect = (Map<String, Object>) expectRaw;
    return check(decision, expect, base, where);
  }

  private static String check(
      Decision decision, Map<String, Object> expect, Path base, String where)
      throws PolicyInputs.UnusableInput {
    List<String> failures = new ArrayList<>();
    String expected = String.valueOf(expect.getOrDefault("result", ""));
    String actual = !decision.allowed() ? "deny" : decision.warnings().isEmpty() ? "allow" : "warn";
    if (!List.of("allow", "deny", "warn").contains(expected)) {
      throw new PolicyInputs.UnusableInput(where + ": expect.result must be allow, deny or warn");
    }
    if (!expected.equals(actual)) {
      failures.add("expected " + expected + ", got " + actual + describe(decision));
    }
    List<String> messages = new ArrayList<>();
    decision.violations().forEach(v -> messages.add(v.message()));
    messages.addAll(decision.warnings());
    messages.addAll(decision.errors());
    List<String> wanted = new ArrayList<>();
    if (expect.get("message") instanceof String m) {
      wanted.add(m);
    }
    if (expect.get("messages") instanceof List<?> list) {
      list.forEach(m -> wanted.add(String.valueOf(m)));
    }
    for (String m : wanted) {
      if (messages.stream().noneMatch(actualMessage -> actualMessage.contains(m))) {
        failures.add("expected a message containing '" + m + "', got " + messages);
      }
    }
    if (expect.containsKey("patchedObject")) {
      Map<String, Object> want = object(expect.get("patchedObject"), base, where);
      Object got = decision.patchedObject();
      if (!Objects.equals(normalize(want), normalize(got))) {
        failures.add(
            "expected patched object "
                + Manifests.toJson(want)
                + "\ngot "
                + (got == null ? "no patch" : Manifests.toJson(got)));
      }
    }
    return failures.isEmpty() ? null : String.join("\n", failures);
  }

  private static String describe(Decision decision) {
    List<String> details = new ArrayList<>();
    decision
        .violations()
        .forEach(v -> details.add(v.policy() + "[" + v.validation() + "]: " + v.message()));
    decision.warnings().forEach(details::add);
    decision.errors().forEach(details::add);
    return details.isEmpty() ? "" : " (" + String.join("; ", details) + ")";
  }

  private static Object normalize(Object value) {
    if (value instanceof Number n && !(value instanceof Double || value instanceof Float)) {
      return n.longValue();
    }
    if (value instanceof Map<?, ?> map) {
      Map<Object, Object> copy = new LinkedHashMap<>();
      map.forEach((k, v) -> copy.put(k, normalize(v)));
      return copy;
    }
    if (value instanceof List<?> list) {
      return list.stream().map(PolicyTestCommand::normalize).toList();
    }
    return value;
  }

  /** An inline object, or the single object in a file named relative to the suite. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> object(Object value, Path base, Object where)
      throws PolicyInputs.UnusableInput {
    if (value == null) {
      return null;
    }
    if (value instanceof Map<?, ?> map) {
      return (Map<String, Object>) map;
    }
    if (value instanceof String file) {
      return PolicyInputs.resource(base.resolve(file));
    }
    throw new PolicyInputs.UnusableInput(where + ": expected an object or a file name");
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Map<String, Object> map, String key, Object where)
      throws PolicyInputs.UnusableInput {
    Object value = map.get(key);
    if (value == null) {
      return List.of();
    }
    if (value instanceof List<?> list) {
      return (List<Object>) list;
    }
    throw new PolicyInputs.UnusableInput(where + ": " + key + " must be a list");
  }
}
