package dev.paddock.policies.bench;

import dev.paddock.policies.AdmissionInput;
import dev.paddock.policies.Decision;
import dev.paddock.policies.Manifests;
import dev.paddock.policies.PolicyCompiler;
import dev.paddock.policies.PolicyDocument;
import dev.paddock.policies.PolicySet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Evaluation of compiled policies over a typical Sandbox (one container, a tenant profile): the
 * 16-rule pod hardening policy, the upstream 16-rule secure-sandbox VAP, four library policies that
 * apply to a Sandbox, and every policy of the library. Compilation happens in setup only. Run:
 * {@code mvn -B -pl policies -am -Pbench process-test-classes}; {@link PolicyCpuTime} measures the
 * same in CPU time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PolicyEvaluationBenchmark {
  private PolicySet hardening;
  private PolicySet upstream;
  private PolicySet library;
  private PolicySet wholeLibrary;
  private AdmissionInput sandbox;

  @Setup
  public void setUp() throws Exception {
    Path root = Path.of(System.getProperty("paddock.root", ".")).toAbsolutePath().normalize();
    if (!root.resolve("policies/library").toFile().exists()) {
      root = root.getParent();
    }
    Path lib = root.resolve("policies/library");
    PolicyCompiler compiler = new PolicyCompiler();
    hardening = compile(compiler, List.of(lib.resolve("pod-hardening.yaml")));
    upstream =
        compile(
            compiler,
            List.of(
                root.resolve(
                    "../shared/reference/upstream/examples/policy-vap/secure-sandbox-policy.yaml")));
    library =
        compile(
            compiler,
            List.of(
                lib.resolve("pod-hardening.yaml"),
                lib.resolve("runtime-class.yaml"),
                lib.resolve("resources.yaml"),
                lib.resolve("image-registries.yaml")));
    List<Path> all;
    try (var files = java.nio.file.Files.list(lib)) {
      all = files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
    }
    wholeLibrary = compile(compiler, all);
    Map<String, Object> object = Manifests.read(lib.resolve("tests/sandbox.yaml")).get(0);
    Map<String, Object> tenant = Manifests.read(lib.resolve("tests/tenant.yaml")).get(0);
    sandbox =
        AdmissionInput.builder()
            .object(object)
            .namespaceLabels("team-a", Map.of("tenant", "team-a"))
            .tenant(tenant)
            .build();
    if (!hardening.evaluate(sandbox).allowed()
        || !library.evaluate(sandbox).allowed()
        || !wholeLibrary.evaluate(sandbox).allowed()) {
      throw new IllegalStateException("the benchmark sandbox should pass the library");
    }
  }

  private static PolicySet compile(PolicyCompiler compiler, List<Path> files) throws Exception {
    List<PolicyDocument> documents = new ArrayList<>();
    for (Path file : files) {
      documents.addAll(Manifests.readPolicies(file));
    }
    PolicyCompiler.Compilation compilation = compiler.compile(documents);
    if (!compilation.ok()) {
      throw new IllegalStateException(compilation.errors().toString());
    }
    return compilation.policySet();
  }

  @Benchmark
  public Decision hardening16Rules() {
    return hardening.evaluate(sandbox);
  }

  @Benchmark
  public Decision upstreamSecureSandboxVap16Rules() {
    return upstream.evaluate(sandbox);
  }

  @Benchmark
  public Decision libraryFourPolicies() {
    return library.evaluate(sandbox);
  }

  /** Every policy of policies/library (those for other kinds are skipped by their match rules). */
  @Benchmark
  public Decision wholeLibrary() {
    return wholeLibrary.evaluate(sandbox);
  }
}
