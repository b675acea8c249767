package dev.paddock.e2e.cluster;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Installs Paddock's generated CustomResourceDefinitions (a repository's {@code deploy/crds}) with
 * server-side apply and waits until each is Established, so that the API serves the kinds before
 * anything uses them. Used by {@code paddock up}, the end-to-end tests and the load harnesses.
 */
public final class PaddockCrdInstaller {
  private PaddockCrdInstaller() {}

  /** {@code deploy/crds} of the repository at {@code repoRoot}. */
  public static Path directory(Path repoRoot) {
    return repoRoot.resolve("deploy").resolve("crds");
  }

  /** Applies every CRD in {@code directory} (idempotent) and waits until each is Established. */
  public static List<CustomResourceDefinition> install(KubernetesClient client, Path directory) {
    List<Path> files;
    try (Stream<Path> list = Files.list(directory)) {
      files = list.filter(p -> p.toString().matches(".*\\.ya?ml")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + directory, e);
    }
    List<CustomResourceDefinition> installed = new ArrayList<>();
    for (Path file : files) {
      List<HasMetadata> items;
      try (InputStream in = Files.newInputStream(file)) {
        items = client.load(in).items();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file, e);
      }
      for (HasMetadata item : items) {
        if (item instanceof CustomResourceDefinition crd) { // not the kustomization.yaml beside
          client
              .apiextensions()
              .v1()
              .customResourceDefinitions()
              .resource(crd)
              .fieldManager("paddock")
              .forceConflicts()
              .serverSideApply();
          installed.add(crd);
        }
      }
    }
    if (installed.isEmpty()) {
      throw new IllegalStateException("no CustomResourceDefinition in " + directory);
    }
    for (CustomResourceDefinition crd : installed) {
      client
          .apiextensions()
          .v1()
          .customResourceDefinitions()
          .withName(crd.getMetadata().getName())
          .waitUntilCondition(PaddockCrdInstaller::isEstablished, 60, TimeUnit.SECONDS);
    }
    return installed;
  }

  private static boolean isEstablished(CustomResourceDefinition crd) {
    return crd != null
        && crd.getStatus() != null
        && crd.getStatus().getConditions() != null
        && crd.getStatus().getConditions().stream()
            .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
