package dev.paddock.cli.webhook;

import dev.paddock.webhook.StandaloneWebhook;
import dev.paddock.webhook.policy.PolicyLoadException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code paddock webhook --policies DIR}: the admission webhook without a cluster, on a self-signed
 * certificate for localhost, until Ctrl-C.
 */
@Command(
    name = "webhook",
    mixinStandardHelpOptions = true,
    description = {
      "Serves the admission webhook over HTTPS without a cluster: policies from a directory",
      "(re-read when it changes), a self-signed CA and certificate for localhost/127.0.0.1.",
      "Endpoints: POST /validate, POST /mutate (AdmissionReview admission.k8s.io/v1),",
      "GET /healthz, /readyz, /metrics. Runs until interrupted."
    },
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {
      "0:stopped by a signal",
      "1:the server could not start (port in use...)",
      "2:unusable input (a policy that does not compile, a missing directory)"
    })
public final class WebhookCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--policies",
      required = true,
      paramLabel = "DIR",
      description =
          "directory of SandboxPolicy, ValidatingAdmissionPolicy(+Binding),"
              + " MutatingAdmissionPolicy(+Binding), TenantProfile and Namespace manifests")
  Path policies;

  @Option(
      names = "--port",
      defaultValue = "8443",
      paramLabel = "N",
      description = "HTTPS port; 0 picks a free one (default: ${DEFAULT-VALUE})")
  int port;

  @Option(
      names = "--host",
      defaultValue = "127.0.0.1",
      paramLabel = "ADDRESS",
      description = "address to listen on (default: ${DEFAULT-VALUE})")
  String host;

  @Option(
      names = "--ca-out",
      paramLabel = "FILE",
      description = "write the CA certificate (PEM) here, for clients: curl --cacert FILE")
  Path caOut;

  /** Released by tests to stop a running command; signals stop it otherwise. */
  CountDownLatch stop = new CountDownLatch(1);

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (port < 0 || port > 65535) {
      err.println("paddock webhook: --port must be between 0 and 65535, got " + port);
      return 2;
    }
    if (!Files.isDirectory(policies)) {
      err.println("paddock webhook: --policies " + policies + ": not a directory");
      return 2;
    }
    StandaloneWebhook webhook;
    try {
      webhook = StandaloneWebhook.start(policies, host, port, caOut);
    } catch (PolicyLoadException e) {
      err.println("paddock webhook: the policies in " + policies + " have errors:");
      e.errors().forEach(line -> err.println("  " + line));
      err.flush();
      return 2;
    } catch (IOException e) {
      err.println("paddock webhook: cannot write --ca-out " + caOut + ": " + e.getMessage());
      return 2;
    } catch (IllegalStateException e) {
      err.println("paddock webhook: " + e.getMessage());
      return 1;
    }
    Thread hook = new Thread(stop::countDown, "paddock-webhook-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    out.printf(
        "paddock webhook: serving https://%s:%d (/validate, /mutate, /healthz, /readyz,"
            + " /metrics) with %d policies: %s%n",
        host.contains(":") ? "[" + host + "]" : host,
        webhook.server().port(),
        webhook.policyNames().size(),
        String.join(", ", webhook.policyNames()));
    if (!webhook.skipped().isEmpty()) {
      out.println(
          "paddock webhook: skipped documents of other kinds: "
              + String.join(", ", webhook.skipped()));
    }
    if (caOut != null) {
      out.println("paddock webhook: CA certificate written to " + caOut);
    }
    out.flush();
    try {
      stop.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      webhook.close();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the JVM is already exiting
      }
    }
    return 0;
  }
}
