package dev.paddock.cli.policy;

import dev.paddock.policies.CompileError;
import dev.paddock.policies.Manifests;
import dev.paddock.policies.PolicyCompiler;
import dev.paddock.policies.PolicyDocument;
import dev.paddock.policies.TenantProfiles;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reading what the policy commands are given; every problem is collected, none thrown. */
final class PolicyInputs {
  private static PolicyCompiler compiler;

  private PolicyInputs() {}

  /** A user's mistake: reported as one line per problem, exit code 2. */
  static final class UnusableInput extends Exception {
    final List<String> problems;

    UnusableInput(List<String> problems) {
      super(String.join("\n", problems));
      this.problems = List.copyOf(problems);
    }

    UnusableInput(String problem) {
      this(List.of(problem));
    }
  }

  /**
   * Compiles policy files; cel-tools' parser prints syntax errors to System.err on its own, which
   * would duplicate (and garble) the report, so it is silenced while compiling.
   */
  static PolicyCompiler.Compilation compile(List<Path> files) throws UnusableInput {
    List<String> problems = new ArrayList<>();
    List<PolicyDocument> documents = new ArrayList<>();
    for (Path file : files) {
      try {
        documents.addAll(Manifests.readPolicies(file));
      } catch (Manifests.InvalidManifestException e) {
        problems.add(e.getMessage());
      }
    }
    PolicyCompiler.Compilation compilation = quietly(() -> compiler().compile(documents));
    for (CompileError error : compilation.errors()) {
      problems.add(error.toString());
    }
    if (!problems.isEmpty()) {
      throw new UnusableInput(problems);
    }
    return compilation;
  }

  private static synchronized PolicyCompiler compiler() {
    if (compiler == null) {
      compiler = new PolicyCompiler();
    }
    return compiler;
  }

  private interface Action<T> {
    T run();
  }

  private static synchronized <T> T quietly(Action<T> action) {
    PrintStream err = System.err;
    System.setErr(new PrintStream(OutputStream.nullOutputStream()));
    try {
      return action.run();
    } finally {
      System.setErr(err);
    }
  }

  /** The one object a resource file holds. */
  static Map<String, Object> resource(Path file) throws UnusableInput {
    try {
      List<Map<String, Object>> documents = Manifests.read(file);
      if (documents.size() != 1) {
        throw new UnusableInput(file + ": expected exactly one object, found " + documents.size());
      }
      return documents.get(0);
    } catch (Manifests.InvalidManifestException e) {
      throw new UnusableInput(e.getMessage());
    }
  }

  /** {@code k=v,k2=v2} as a map. */
  static Map<String, String> labels(String text) throws UnusableInput {
    Map<String, String> labels = new LinkedHashMap<>();
    if (text == null || text.isBlank()) {
      return labels;
    }
    for (String pair : text.split(",")) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new UnusableInput("--namespace-labels: '" + pair + "' is not key=value");
      }
      labels.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
    }
    return labels;
  }

  /**
   * The tenant CEL sees: with namespace labels given, the profile in the file whose selector
   * matches them (or none); without, the file's single profile as given.
   */
  static Map<String, Object> tenant(
      Map<String, Object> profile, Map<String, String> labels, boolean labelsGiven)
      throws UnusableInput {
    if (profile == null) {
      return null;
    }
    if (!"TenantProfile".equals(profile.get("kind"))) {
      throw new UnusableInput("tenant: expected kind TenantProfile, found " + profile.get("kind"));
    }
    if (!labelsGiven || TenantProfiles.selects(profile, labels)) {
      return profile;
    }
    return null;
  }
}
