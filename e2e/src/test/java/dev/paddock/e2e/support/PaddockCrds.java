package dev.paddock.e2e.support;

import dev.paddock.e2e.cluster.ControlPlaneBinaries;
import dev.paddock.e2e.cluster.LocalControlPlane;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Installs Paddock's generated CustomResourceDefinitions ({@code deploy/crds}) with server-side
 * apply and waits until each is Established: once per control plane, however many test classes ask.
 */
public final class PaddockCrds {

  private static final Set<LocalControlPlane> INSTALLED =
      Collections.newSetFromMap(new WeakHashMap<>());

  private PaddockCrds() {}

  /** The CRD directory of this repository. */
  public static Path directory() {
    return ControlPlaneBinaries.findRepoRoot().resolve("deploy/crds");
  }

  /** Installs the CRDs on this control plane unless this run already did. */
  public static synchronized void ensureInstalled(LocalControlPlane controlPlane) {
    if (INSTALLED.contains(controlPlane)) {
      return;
    }
    try (KubernetesClient client = controlPlane.newClient()) {
      install(client);
    }
    INSTALLED.add(controlPlane);
  }

  /** Applies every CRD in {@link #directory()} and waits until each is Established. */
  public static List<CustomResourceDefinition> install(KubernetesClient client) {
    Path crdDir = directory();
    List<Path> files;
    try (Stream<Path> list = Files.list(crdDir)) {
      files =
          list.filter(p -> p.toString().matches(".*\\.ya?ml"))
              .sorted()
              .collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + crdDir, e);
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
              .forceConflicts()
              .serverSideApply();
          installed.add(crd);
        }
      }
    }
    if (installed.isEmpty()) {
      throw new IllegalStateException("no CustomResourceDefinition in " + crdDir);
    }
    for (CustomResourceDefinition crd : installed) {
      client
          .apiextensions()
          .v1()
          .customResourceDefinitions()
          .withName(crd.getMetadata().getName())
          .waitUntilCondition(PaddockCrds::isEstablished, 60, TimeUnit.SECONDS);
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
