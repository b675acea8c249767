package dev.paddock.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paddock.e2e.cluster.ControlPlaneBinaries;
import dev.paddock.e2e.cluster.LocalControlPlane;
import dev.paddock.e2e.support.ControlPlaneTest;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The install manifests a GitOps pipeline applies: both Kustomize overlays render with the kubectl
 * users have, and the default one is accepted by a real API server (server-side apply, server-side
 * dry run, so nothing is left behind but Paddock's namespace).
 */
@ControlPlaneTest
class DeployManifestsIT {
  private final Path deploy = ControlPlaneBinaries.findRepoRoot().resolve("deploy");

  @Test
  void theSelfManagedOverlayIsAcceptedByTheApiServer(
      LocalControlPlane controlPlane, KubernetesClient client) throws Exception {
    String rendered =
        kubectl(controlPlane, "kustomize", deploy.resolve("overlays/self-managed").toString())
            .out();
    assertThat(rendered)
        .contains("kind: CustomResourceDefinition")
        .contains("kind: Deployment")
        .contains("kind: ValidatingWebhookConfiguration")
        .contains("kind: MutatingWebhookConfiguration")
        .contains("kind: ClusterRole");
    // a dry run does not create the namespace the other objects live in
    client
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName("paddock-system")
                .endMetadata()
                .build())
        .serverSideApply();
    Path manifest = Files.createTempFile("paddock-install", ".yaml");
    Files.writeString(manifest, rendered);

    Result applied =
        kubectl(
            controlPlane,
            "apply",
            "--server-side",
            "--dry-run=server",
            "--field-manager=paddock-install-test",
            // earlier tests installed the CRDs under another manager, as an upgrade finds them
            "--force-conflicts",
            "-f",
            manifest.toString());

    assertThat(applied.code()).as(applied.err()).isZero();
    assertThat(applied.out())
        .contains("deployment.apps/paddock serverside-applied (server dry run)")
        .contains("validatingwebhookconfiguration.admissionregistration.k8s.io/paddock-validating")
        .contains("customresourcedefinition.apiextensions.k8s.io/sandboxes.agents.x-k8s.io");
  }

  @Test
  void theCertManagerOverlayRendersWithItsCertificatesAndCaInjection(LocalControlPlane controlPlane)
      throws Exception {
    Result rendered =
        kubectl(controlPlane, "kustomize", deploy.resolve("overlays/cert-manager").toString());

    assertThat(rendered.code()).as(rendered.err()).isZero();
    assertThat(rendered.out())
        .contains("kind: Certificate")
        .contains("kind: Issuer")
        .contains("cert-manager.io/inject-ca-from: paddock-system/paddock-webhook")
        .contains("--webhook-cert-dir=/etc/paddock/webhook-tls")
        .contains("secretName: paddock-webhook-tls");
  }

  private record Result(int code, String out, String err) {}

  private static Result kubectl(LocalControlPlane controlPlane, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(controlPlane.binDir().resolve("kubectl").toString());
    command.add("--kubeconfig=" + controlPlane.kubeconfig());
    command.addAll(List.of(args));
    Path out = Files.createTempFile("kubectl", ".out");
    Path err = Files.createTempFile("kubectl", ".err");
    Process process =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    if (!process.waitFor(2, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IllegalStateException("kubectl " + String.join(" ", args) + " did not finish");
    }
    return new Result(
        process.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }
}
