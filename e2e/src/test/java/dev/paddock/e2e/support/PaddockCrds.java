package dev.paddock.e2e.support;

import dev.paddock.e2e.cluster.ControlPlaneBinaries;
import dev.paddock.e2e.cluster.LocalControlPlane;
import dev.paddock.e2e.cluster.PaddockCrdInstaller;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;

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
    return PaddockCrdInstaller.install(client, directory());
  }
}
