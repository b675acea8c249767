package dev.paddock.webhook.policy;

import dev.paddock.api.policy.TenantProfile;
import dev.paddock.policies.CompileError;
import dev.paddock.policies.Manifests;
import dev.paddock.policies.PolicyCompiler;
import dev.paddock.policies.PolicyDocument;
import dev.paddock.policies.TenantProfiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Policies from a directory, for running without a cluster ({@code --policies DIR}): every {@code
 * .yaml}, {@code .yml} and {@code .json} file below it, in path order. SandboxPolicy,
 * ValidatingAdmissionPolicy(+Binding) and MutatingAdmissionPolicy(+Binding) documents are compiled;
 * TenantProfile documents select the {@code tenant}; Namespace documents give the labels that
 * namespaceSelectors match. Documents of other kinds are skipped and reported.
 *
 * <p>The directory is re-read when its files change: a version with any error is not applied (the
 * previous set stays in force whole) and its errors are logged.
 */
public final class DirectoryPolicySource implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DirectoryPolicySource.class);
  private static final Set<String> POLICY_KINDS =
      Set.of(
          "SandboxPolicy",
          "ValidatingAdmissionPolicy",
          "ValidatingAdmissionPolicyBinding",
          "MutatingAdmissionPolicy",
          "MutatingAdmissionPolicyBinding");

  private final Path directory;
  private final PolicyCompiler compiler;
  private final PaddockObjectValidator validator;
  private final AtomicReference<PolicySnapshot> snapshot = new AtomicReference<>();
  private ScheduledExecutorService watcher;
  private String fingerprint;

  /** What a directory held. */
  public record Loaded(PolicySnapshot snapshot, List<String> skipped) {}

  public DirectoryPolicySource(Path directory, PolicyCompiler compiler) {
    this.directory = directory;
    this.compiler = compiler;
    this.validator = new PaddockObjectValidator(compiler);
  }

  /** Loads the directory and puts it in force; throws with every error when any is found. */
  public Loaded start() throws PolicyLoadException {
    fingerprint = fingerprint();
    Loaded loaded = load();
    snapshot.set(loaded.snapshot());
    LOG.info(
        "policies: {} loaded from {}{}",
        loaded.snapshot().policyNames().size(),
        directory,
        loaded.skipped().isEmpty() ? "" : " (skipped " + String.join(", ", loaded.skipped()) + ")");
    return loaded;
  }

  /** Re-reads the directory every {@code seconds} when its files changed. */
  public void watch(long seconds) {
    watcher =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "paddock-policy-directory");
              thread.setDaemon(true);
              return thread;
            });
    watcher.scheduleWithFixedDelay(this::reloadIfChanged, seconds, seconds, TimeUnit.SECONDS);
  }

  /** The policies in force, swapped atomically on reload. */
  public AtomicReference<PolicySnapshot> snapshot() {
    return snapshot;
  }

  @Override
  public void close() {
    if (watcher != null) {
      watcher.shutdownNow();
    }
  }

  void reloadIfChanged() {
    try {
      String now = fingerprint();
      if (now.equals(fingerprint)) {
        return;
      }
      fingerprint = now;
      Loaded loaded = load();
      snapshot.set(loaded.snapshot());
      LOG.info("policies: {} reloaded from {}", loaded.snapshot().policyNames().size(), directory);
    } catch (PolicyLoadException e) {
      LOG.warn(
          "policies: {} changed but has errors; the previous policies stay in force:\n{}",
          directory,
          e.getMessage());
    } catch (RuntimeException e) {
      LOG.warn("policies: reloading {} failed: {}", directory, e.toString());
    }
  }

  /** Reads and compiles everything; nothing is put in force here. */
  public Loaded load() throws PolicyLoadException {
    List<String> errors = new ArrayList<>();
    List<PolicyDocument> policies = new ArrayList<>();
    List<TenantProfile> tenants = new ArrayList<>();
    Map<String, Map<String, Object>> namespaces = new LinkedHashMap<>();
    List<String> skipped = new ArrayList<>();
    for (Path file : files(errors)) {
      List<Map<String, Object>> documents;
      try {
        documents = Manifests.read(file);
      } catch (Manifests.InvalidManifestException e) {
        errors.add(e.getMessage());
        continue;
      }
      for (Map<String, Object> document : documents) {
        String kind = String.valueOf(document.getOrDefault("kind", ""));
        String name = nameOf(document);
        if (POLICY_KINDS.contains(kind)) {
          policies.add(new PolicyDocument(file.toString(), document));
        } else if (kind.equals("TenantProfile")) {
          List<String> problems = validator.tenantProfileErrors(document);
          problems.forEach(p -> errors.add(file + ": TenantProfile '" + name + "' " + p));
          if (problems.isEmpty()) {
            tenants.add(Manifests.fromMap(document, TenantProfile.class));
          }
        } else if (kind.equals("Namespace") && !name.isEmpty()) {
          namespaces.put(name, document);
        } else {
          skipped.add(file.getFileName() + " (" + (kind.isEmpty() ? "no kind" : kind) + ")");
        }
      }
    }
    PolicyCompiler.Compilation compilation = compiler.compile(policies);
    for (CompileError error : compilation.errors()) {
      errors.add(error.toString());
    }
    if (!errors.isEmpty()) {
      throw new PolicyLoadException(errors);
    }
    PolicyPhases.Compiled phases = PolicyPhases.compile(compiler, policies);
    return new Loaded(
        new PolicySnapshot(
            phases.validating(), phases.mutating(), TenantProfiles.of(tenants), namespaces),
        skipped);
  }

  private List<Path> files(List<String> errors) {
    if (!Files.isDirectory(directory)) {
      errors.add(directory + ": not a directory");
      return List.of();
    }
    try (Stream<Path> walk = Files.walk(directory)) {
      return walk.filter(Files::isRegularFile)
          .filter(
              p -> {
                String name = p.getFileName().toString();
                return !name.startsWith(".")
                    && (name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json"));
              })
          .sorted()
          .toList();
    } catch (IOException e) {
      errors.add(directory + ": cannot list: " + e.getMessage());
      return List.of();
    }
  }

  private String fingerprint() {
    StringBuilder text = new StringBuilder();
    for (Path file : files(new ArrayList<>())) {
      try {
        text.append(file)
            .append(':')
            .append(Files.getLastModifiedTime(file).toMillis())
            .append(':')
            .append(Files.size(file))
            .append('\n');
      } catch (IOException e) {
        text.append(file).append(":?\n");
      }
    }
    return text.toString();
  }

  @SuppressWarnings("unchecked")
  private static String nameOf(Map<String, Object> document) {
    if (document.get("metadata") instanceof Map<?, ?> metadata
        && ((Map<String, Object>) metadata).get("name") instanceof String name) {
      return name;
    }
    return "";
  }
}
