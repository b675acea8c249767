package dev.paddock.webhook;

import dev.paddock.certs.TlsMaterial;
import dev.paddock.certs.TlsMaterialSource;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** A TLS source whose rotation the test triggers. */
final class RotatingTlsSource implements TlsMaterialSource {
  private final List<Consumer<TlsMaterial>> listeners = new CopyOnWriteArrayList<>();
  private volatile TlsMaterial current;

  RotatingTlsSource(TlsMaterial initial) {
    this.current = initial;
  }

  void rotate(TlsMaterial next) {
    current = next;
    listeners.forEach(l -> l.accept(next));
  }

  @Override
  public TlsMaterial current() {
    return current;
  }

  @Override
  public void start() {}

  @Override
  public void onRotation(Consumer<TlsMaterial> listener) {
    listeners.add(listener);
  }

  @Override
  public void close() {}
}
