package dev.paddock.certs;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/** Material that never rotates: a self-signed CA and leaf made at start, for local runs. */
public final class FixedTlsSource implements TlsMaterialSource {
  private final TlsMaterial material;

  public FixedTlsSource(TlsMaterial material) {
    this.material = material;
  }

  /** A fresh CA and serving certificate for {@code names}, valid for a year. */
  public static FixedTlsSource selfSigned(SubjectAltNames names) {
    return new FixedTlsSource(
        new CertificateIssuer().issue("paddock-webhook", names, Duration.ofDays(365), List.of()));
  }

  @Override
  public TlsMaterial current() {
    return material;
  }

  @Override
  public void start() {}

  @Override
  public void onRotation(Consumer<TlsMaterial> listener) {}

  @Override
  public void close() {}
}
