package dev.paddock.webhook.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paddock.policies.PolicyCompiler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryPolicySourceTest {
  private static PolicyCompiler compiler;
  @TempDir Path dir;

  @BeforeAll
  static void compiler() {
    compiler = new PolicyCompiler();
  }

  private static final String GOOD =
      """
      apiVersion: policy.paddock.dev/v1alpha1
      kind: SandboxPolicy
      metadata: {name: good}
      spec:
        validationActions: [Deny]
        match: {resources: [sandboxes]}
        validations:
          - expression: "has(object.metadata.labels)"
      """;

  @Test
  void everyErrorOfEveryFileIsReportedAndNothingIsLoaded() throws IOException {
    Files.writeString(dir.resolve("good.yaml"), GOOD);
    Files.writeString(
        dir.resolve("bad.yaml"),
        GOOD.replace("name: good", "name: bad")
            .replace("has(object.metadata.labels)", "object.metadata.labels +"));
    Files.writeString(dir.resolve("broken.yml"), "kind: [unclosed");
    Files.writeString(
        dir.resolve("tenant.yaml"),
        """
        apiVersion: policy.paddock.dev/v1alpha1
        kind: TenantProfile
        metadata: {name: t}
        spec:
          namespaceSelector: {matchExpressions: [{key: a, operator: Near}]}
          quotas: {maxSandboxes: -1}
        """);

    DirectoryPolicySource source = new DirectoryPolicySource(dir, compiler);

    assertThatThrownBy(source::start)
        .isInstanceOf(PolicyLoadException.class)
        .satisfies(
            e -> {
              var errors = ((PolicyLoadException) e).errors();
              assertThat(errors).anyMatch(m -> m.contains("bad.yaml") && m.contains("'bad'"));
              assertThat(errors).anyMatch(m -> m.contains("broken.yml"));
              assertThat(errors).anyMatch(m -> m.contains("operator"));
              assertThat(errors).anyMatch(m -> m.contains("maxSandboxes"));
            });
    assertThat(source.snapshot().get()).isNull();
  }

  @Test
  void otherKindsAreSkippedAndReported() throws IOException, PolicyLoadException {
    Files.writeString(dir.resolve("good.yaml"), GOOD + "---\napiVersion: v1\nkind: ConfigMap\n");
    Files.writeString(dir.resolve("notes.txt"), "not a manifest");

    DirectoryPolicySource.Loaded loaded = new DirectoryPolicySource(dir, compiler).start();

    assertThat(loaded.snapshot().policyNames()).containsExactly("good");
    assertThat(loaded.skipped()).containsExactly("good.yaml (ConfigMap)");
  }

  @Test
  void aChangeWithErrorsKeepsThePreviousPoliciesWholeAndAFixedOneIsApplied()
      throws IOException, PolicyLoadException {
    Path file = dir.resolve("good.yaml");
    Files.writeString(file, GOOD);
    DirectoryPolicySource source = new DirectoryPolicySource(dir, compiler);
    source.start();
    PolicySnapshot first = source.snapshot().get();

    Files.writeString(dir.resolve("second.yaml"), GOOD.replace("name: good", "name: second"));
    Files.writeString(file, GOOD.replace("has(object.metadata.labels)", "1 +"));
    touch(file, 1);
    source.reloadIfChanged();
    assertThat(source.snapshot().get()).isSameAs(first);

    Files.writeString(file, GOOD);
    touch(file, 2);
    source.reloadIfChanged();
    assertThat(source.snapshot().get().policyNames()).containsExactlyInAnyOrder("good", "second");
  }

  private static void touch(Path file, int seconds) throws IOException {
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(seconds)));
  }
}
