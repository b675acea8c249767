package dev.paddock.certs;

import java.util.function.Consumer;

/**
 * Where a server gets its certificate: generated in memory, a Kubernetes Secret kept renewed, or
 * files issued by cert-manager. A source publishes new material to its listeners when it rotates.
 */
public interface TlsMaterialSource extends AutoCloseable {

  /** The material to serve now; never null once {@link #start()} returned. */
  TlsMaterial current();

  /** Loads or issues the first material and begins watching for rotation. Idempotent. */
  void start();

  /** Called, on the source's own thread, with each new material after a rotation. */
  void onRotation(Consumer<TlsMaterial> listener);

  /** Stops watching; {@link #current()} keeps returning the last material. */
  @Override
  void close();
}
