package dev.paddock.cli.up;

import java.nio.file.Path;

/** Where {@code paddock up} keeps what a user reaches afterwards. */
final class LocalPaths {
  private LocalPaths() {}

  /** {@code ~/.paddock}, or {@code $PADDOCK_HOME_DIR}. */
  static Path home() {
    String override = System.getenv("PADDOCK_HOME_DIR");
    return override != null && !override.isBlank()
        ? Path.of(override)
        : Path.of(System.getProperty("user.home"), ".paddock");
  }

  /** The kubeconfig of the local control plane that {@code paddock up} wrote last. */
  static Path defaultKubeconfig() {
    return home().resolve("kubeconfig");
  }
}
