package dev.paddock.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Locates the upstream reference data: {@code ../shared/reference/upstream} beside the repo. */
final class UpstreamFiles {
  private UpstreamFiles() {}

  static Path repoRoot() {
    return Path.of(System.getProperty("paddock.root", "..")).toAbsolutePath().normalize();
  }

  static Path upstream() {
    Path dir = repoRoot().resolveSibling("shared").resolve("reference").resolve("upstream");
    assertThat(dir)
        .as(
            "the upstream reference data must sit beside the repository as"
                + " ../shared/reference/upstream")
        .isDirectory();
    return dir;
  }

  static List<Path> yamlFilesUnder(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
          .sorted()
          .toList();
    }
  }
}
