package dev.paddock.cli.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paddock.cli.Paddock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command-line contract of {@code paddock policy} that scripts and CI depend on. */
class PolicyCommandTest {
  static final Path ROOT =
      Path.of(System.getProperty("paddock.root", "..")).toAbsolutePath().normalize();
  static final Path LIBRARY = ROOT.resolve("policies/library");
  static final Path VAP = ROOT.resolve("../shared/reference/upstream/examples/policy-vap");

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    System.setOut(new PrintStream(o, true));
    System.setErr(new PrintStream(e, true));
    try {
      int code = Paddock.execute(args);
      return new Run(code, o.toString(), e.toString());
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  @Test
  void libraryTestSuitesPass() {
    Run run = run("policy", "test", LIBRARY.toString());
    assertThat(run.code()).as(run.out() + run.err()).isZero();
    assertThat(run.out()).contains("0 failed");
  }

  @Test
  void failingTestExitsOneAndSaysWhy(@TempDir Path dir) throws Exception {
    Files.writeString(
        dir.resolve("suite.yaml"),
        "kind: PolicyTest\npolicies: ["
            + LIBRARY.resolve("pod-hardening.yaml")
            + "]\ntests:\n- name: wrong expectation\n  object: "
            + LIBRARY.resolve("tests/sandbox.yaml")
            + "\n  expect: {result: deny}\n");
    Path junit = dir.resolve("junit.xml");
    Run run = run("policy", "test", dir.toString(), "--junit", junit.toString());
    assertThat(run.code()).isEqualTo(1);
    assertThat(run.out()).contains("FAIL wrong expectation").contains("expected deny, got allow");
    assertThat(Files.readString(junit)).contains("<failure");
  }

  @Test
  void evalOfNativeVapPrintsJsonDecisionAndExitsZeroWhenDenied() {
    Run run =
        run(
            "policy",
            "eval",
            "--policy",
            VAP.resolve("secure-sandbox-policy.yaml").toString(),
            "--resource",
            LIBRARY.resolve("tests/sandbox.yaml").toString(),
            "-o",
            "json");
    assertThat(run.code()).isZero();
    assertThat(run.out())
        .contains("\"allowed\" : false")
        .contains("\"policy\" : \"secure-sandbox-policy\"")
        .contains("\"validation\" : 14");
  }

  @Test
  void invalidPolicyReportsEveryErrorWithPositionAndExitsTwo(@TempDir Path dir) throws Exception {
    Path policy = dir.resolve("bad.yaml");
    Files.writeString(
        policy,
        "apiVersion: policy.paddock.dev/v1alpha1\nkind: SandboxPolicy\nmetadata: {name: bad}\nspec:\n"
            + "  validations:\n  - expression: \"object.spec.((\"\n  - expression: \"1\"\n");
    Run run =
        run(
            "policy",
            "eval",
            "--policy",
            policy.toString(),
            "--resource",
            LIBRARY.resolve("tests/sandbox.yaml").toString());
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err())
        .contains("spec.validations[0].expression:1:12")
        .contains("spec.validations[1].expression")
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
  }

  @Test
  void wrongFlagPrintsOneLineAndUsage() {
    Run run = run("policy", "eval", "--no-such-flag");
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).contains("Usage:");
  }
}
