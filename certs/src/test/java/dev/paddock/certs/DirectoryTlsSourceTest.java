package dev.paddock.certs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryTlsSourceTest {
  @TempDir Path dir;

  private final CertificateIssuer issuer = new CertificateIssuer();

  @Test
  void filesWrittenByCertManagerAreServedAndAChangeIsPublished() throws IOException {
    TlsMaterial first = issue();
    write(first);
    DirectoryTlsSource source = new DirectoryTlsSource(dir, Duration.ofMillis(200), null);
    List<TlsMaterial> published = new CopyOnWriteArrayList<>();
    source.onRotation(published::add);
    source.start();
    try {
      assertThat(source.current().sameAs(first)).isTrue();

      TlsMaterial second = issue();
      write(second);

      await().atMost(Duration.ofSeconds(10)).until(() -> !published.isEmpty());
      assertThat(published.get(published.size() - 1).sameAs(second)).isTrue();
      assertThat(source.current().sameAs(second)).isTrue();
    } finally {
      source.close();
    }
  }

  @Test
  void halfWrittenFilesAreIgnoredUntilWhole() throws IOException {
    TlsMaterial first = issue();
    write(first);
    DirectoryTlsSource source = new DirectoryTlsSource(dir, Duration.ofHours(1), null);
    source.start();
    source.close();
    TlsMaterial second = issue();

    Files.writeString(dir.resolve("tls.crt"), second.certificatePem());
    source.reload();
    assertThat(source.current().sameAs(first)).as("new cert with the old key").isTrue();

    Files.writeString(dir.resolve("tls.key"), second.privateKeyPem());
    Files.writeString(dir.resolve("ca.crt"), second.caBundlePem());
    source.reload();
    assertThat(source.current().sameAs(second)).isTrue();
  }

  @Test
  void directoryWithoutAKeyCannotStart() throws IOException {
    Files.writeString(dir.resolve("tls.crt"), issue().certificatePem());
    DirectoryTlsSource source = new DirectoryTlsSource(dir, Duration.ofHours(1), null);

    assertThatThrownBy(source::start)
        .isInstanceOf(InvalidTlsMaterialException.class)
        .hasMessageContaining("tls.key");
  }

  private TlsMaterial issue() {
    return issuer.issue("cm", SubjectAltNames.loopback(), Duration.ofDays(1), List.of());
  }

  private void write(TlsMaterial material) throws IOException {
    Files.writeString(dir.resolve("ca.crt"), material.caBundlePem());
    Files.writeString(dir.resolve("tls.key"), material.privateKeyPem());
    Files.writeString(dir.resolve("tls.crt"), material.certificatePem());
  }
}
