package dev.paddock.cli.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paddock.cli.Paddock;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class WebhookCommandTest {
  static final Path EXAMPLES =
      Path.of(System.getProperty("paddock.root", "..")).resolve("webhook/examples");

  @TempDir Path temp;

  private record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = paddock().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  private static CommandLine paddock() {
    return new CommandLine(new Paddock())
        .setParameterExceptionHandler(
            (ex, args) -> {
              ex.getCommandLine().getErr().println("paddock: " + ex.getMessage());
              return 2;
            });
  }

  @Test
  void policiesThatDoNotCompileExitWith2ListingEveryError() throws Exception {
    Files.writeString(
        temp.resolve("bad.yaml"),
        """
        apiVersion: policy.paddock.dev/v1alpha1
        kind: SandboxPolicy
        metadata: {name: bad}
        spec:
          validationActions: [Deny]
          match: {resources: [sandboxes]}
          validations:
            - expression: "object.spec +"
            - expression: "object.spec.replicas + 'x'"
        """);

    Run run = run("webhook", "--policies", temp.toString(), "--port", "0");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err())
        .contains("spec.validations[0].expression")
        .contains("spec.validations[1].expression")
        .doesNotContain("Exception");
  }

  @Test
  void aMissingDirectoryOrABadFlagExitWith2() {
    assertThat(run("webhook", "--policies", temp.resolve("nope").toString()).exit()).isEqualTo(2);
    Run badFlag = run("webhook", "--policies", temp.toString(), "--bogus");
    assertThat(badFlag.exit()).isEqualTo(2);
    assertThat(badFlag.err()).contains("--bogus");
    assertThat(run("webhook").exit()).as("--policies is required").isEqualTo(2);
  }

  @Test
  void servesTheExamplePoliciesVerifiableWithTheWrittenCa() throws Exception {
    Path ca = temp.resolve("ca.pem");
    StringWriter out = new StringWriter();
    CommandLine cli = new CommandLine(new Paddock()).setOut(new PrintWriter(out, true));
    CommandLine webhook = cli.getSubcommands().get("webhook");
    WebhookCommand command = webhook.getCommand();
    CompletableFuture<Integer> exit =
        CompletableFuture.supplyAsync(
            () ->
                cli.execute(
                    "webhook",
                    "--policies",
                    EXAMPLES.resolve("policies").toString(),
                    "--port",
                    "0",
                    "--ca-out",
                    ca.toString()));
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!out.toString().contains("serving https") && !exit.isDone()) {
        assertThat(System.nanoTime()).as("the webhook did not start").isLessThan(deadline);
        Thread.sleep(50);
      }
      Matcher port = Pattern.compile("https://127\\.0\\.0\\.1:(\\d+)").matcher(out.toString());
      assertThat(port.find()).isTrue();
      assertThat(out.toString()).contains("4 policies");

      HttpResponse<String> response =
          client(ca)
              .send(
                  HttpRequest.newBuilder(
                          URI.create("https://127.0.0.1:" + port.group(1) + "/validate"))
                      .header("Content-Type", "application/json")
                      .POST(
                          HttpRequest.BodyPublishers.ofFile(
                              EXAMPLES.resolve("reviews/sandbox-host-network.json")))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).contains("\"allowed\":false").contains("no-host-network");
    } finally {
      command.stop.countDown();
    }
    assertThat(exit.get()).isZero();
  }

  private static HttpClient client(Path caPem) throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    try (var in = Files.newInputStream(caPem)) {
      int i = 0;
      for (var certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        trust.setCertificateEntry("ca" + i++, certificate);
      }
    }
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trust);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, factory.getTrustManagers(), null);
    return HttpClient.newBuilder().sslContext(ssl).build();
  }
}
