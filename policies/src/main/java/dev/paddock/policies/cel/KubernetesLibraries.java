package dev.paddock.policies.cel;

import java.util.List;
import org.projectnessie.cel.Library;

/** The Kubernetes CEL libraries, as cel-tools libraries. */
public final class KubernetesLibraries {
  private KubernetesLibraries() {}

  public static List<Library> all() {
    return List.of(new RegexLibrary());
  }
}
