package dev.paddock.webhook;

import dev.paddock.certs.FixedTlsSource;
import dev.paddock.certs.SubjectAltNames;
import dev.paddock.policies.PolicyCompiler;
import dev.paddock.webhook.policy.DirectoryPolicySource;
import dev.paddock.webhook.policy.PaddockObjectValidator;
import dev.paddock.webhook.policy.PolicyAdmissionHandler;
import dev.paddock.webhook.policy.PolicyLoadException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The webhook without a cluster ({@code paddock webhook --policies DIR}): policies from a directory
 * (re-read when it changes), a self-signed CA and serving certificate for {@code localhost}/{@code
 * 127.0.0.1}, and the CA written to a file for clients such as {@code curl --cacert}.
 */
public final class StandaloneWebhook implements AutoCloseable {
  private final DirectoryPolicySource policies;
  private final WebhookServer server;
  private final DirectoryPolicySource.Loaded loaded;

  private StandaloneWebhook(
      DirectoryPolicySource policies, WebhookServer server, DirectoryPolicySource.Loaded loaded) {
    this.policies = policies;
    this.server = server;
    this.loaded = loaded;
  }

  /**
   * Loads the policies, starts serving on {@code host:port} (port 0 picks one) and writes the CA
   * PEM to {@code caOut} when given.
   *
   * @throws PolicyLoadException listing every error when a policy does not compile
   * @throws IOException when the CA file cannot be written
   */
  public static StandaloneWebhook start(Path policyDirectory, String host, int port, Path caOut)
      throws PolicyLoadException, IOException {
    PolicyCompiler compiler = new PolicyCompiler();
    DirectoryPolicySource policies = new DirectoryPolicySource(policyDirectory, compiler);
    DirectoryPolicySource.Loaded loaded = policies.start();
    PolicyAdmissionHandler handler =
        new PolicyAdmissionHandler(
            policies.snapshot(), () -> true, name -> null, new PaddockObjectValidator(compiler));
    SubjectAltNames names = SubjectAltNames.loopback();
    if (!List.of("0.0.0.0", "127.0.0.1", "localhost", "::1", "::").contains(host)) {
      names = names.with(List.of(host));
    }
    WebhookServer server =
        WebhookServer.builder()
            .settings(WebhookServerSettings.defaults().withAddress(host, port))
            .tls(FixedTlsSource.selfSigned(names))
            .handler(handler)
            .start();
    try {
      if (caOut != null) {
        Path parent = caOut.toAbsolutePath().getParent();
        if (parent != null) {
          Files.createDirectories(parent);
        }
        Files.writeString(caOut, server.tlsMaterial().caBundlePem());
      }
    } catch (IOException e) {
      server.close();
      throw e;
    }
    policies.watch(2);
    return new StandaloneWebhook(policies, server, loaded);
  }

  public WebhookServer server() {
    return server;
  }

  /** The names of the policies in force now. */
  public List<String> policyNames() {
    return policies.snapshot().get().policyNames();
  }

  /** Documents of other kinds that were skipped at start, as {@code file (Kind)}. */
  public List<String> skipped() {
    return loaded.skipped();
  }

  @Override
  public void close() {
    policies.close();
    server.close();
  }
}
