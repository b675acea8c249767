package dev.paddock.certs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Certificate files issued by cert-manager (or anything else): a directory with {@code tls.crt},
 * {@code tls.key} and {@code ca.crt}, as a mounted Secret volume lays out. The directory is watched
 * for changes, and re-read at a fixed interval as well, because a Secret volume is updated by
 * swapping a symlink, which not every file system reports.
 *
 * <p>A half-written or mismatched set of files is ignored (the previous material keeps serving)
 * until a later read finds it whole.
 */
public final class DirectoryTlsSource implements TlsMaterialSource {
  private static final Logger LOG = LoggerFactory.getLogger(DirectoryTlsSource.class);

  private final Path directory;
  private final Duration pollInterval;
  private final CaBundleInjector injector;
  private final List<Consumer<TlsMaterial>> listeners = new CopyOnWriteArrayList<>();
  private volatile TlsMaterial current;
  private volatile String currentText;
  private WatchService watchService;
  private Thread watcher;

  /**
   * @param injector writes ca.crt into the webhook configurations; null when cert-manager's CA
   *     injector (or a manifest) does that
   */
  public DirectoryTlsSource(Path directory, Duration pollInterval, CaBundleInjector injector) {
    this.directory = directory;
    this.pollInterval = pollInterval;
    this.injector = injector;
  }

  @Override
  public TlsMaterial current() {
    TlsMaterial material = current;
    if (material == null) {
      throw new IllegalStateException("DirectoryTlsSource not started");
    }
    return material;
  }

  @Override
  public synchronized void start() {
    if (watcher != null) {
      return;
    }
    String text = readAll();
    current = parse(text);
    currentText = text;
    if (injector != null) {
      injector.inject(current.caBundleBase64());
    }
    try {
      watchService = FileSystems.getDefault().newWatchService();
      directory.register(
          watchService,
          StandardWatchEventKinds.ENTRY_CREATE,
          StandardWatchEventKinds.ENTRY_MODIFY,
          StandardWatchEventKinds.ENTRY_DELETE);
    } catch (IOException e) {
      LOG.warn("certificate: cannot watch {}, polling only: {}", directory, e.toString());
      watchService = null;
    }
    watcher = new Thread(this::watch, "paddock-certificate-files");
    watcher.setDaemon(true);
    watcher.start();
    LOG.info(
        "certificate: serving from {} (valid until {})",
        directory,
        current.certificate().getNotAfter().toInstant());
  }

  @Override
  public void onRotation(Consumer<TlsMaterial> listener) {
    listeners.add(listener);
  }

  @Override
  public synchronized void close() {
    if (watcher != null) {
      watcher.interrupt();
    }
    if (watchService != null) {
      try {
        watchService.close();
      } catch (IOException e) {
        LOG.debug("certificate: closing the watch service failed", e);
      }
    }
  }

  private void watch() {
    while (!Thread.currentThread().isInterrupted()) {
      try {
        if (watchService == null) {
          Thread.sleep(pollInterval.toMillis());
        } else {
          WatchKey key = watchService.poll(pollInterval.toMillis(), TimeUnit.MILLISECONDS);
          if (key != null) {
            key.pollEvents();
            key.reset();
            // let a writer that replaces several files finish before reading them
            Thread.sleep(100);
          }
        }
        reload();
      } catch (InterruptedException | ClosedWatchServiceException e) {
        return;
      } catch (RuntimeException e) {
        LOG.warn(
            "certificate: reading {} failed, keeping the current one: {}", directory, e.toString());
      }
    }
  }

  /** Re-reads the files and publishes them when they changed and are usable. */
  void reload() {
    String text = readAll();
    if (text.equals(currentText)) {
      return;
    }
    TlsMaterial next;
    try {
      next = parse(text);
    } catch (InvalidTlsMaterialException e) {
      LOG.warn(
          "certificate: files in {} unusable, keeping the current ones: {}",
          directory,
          e.getMessage());
      return;
    }
    if (injector != null) {
      injector.inject(next.caBundleBase64());
    }
    current = next;
    currentText = text;
    LOG.info(
        "certificate: files in {} changed, serving certificate valid until {}",
        directory,
        next.certificate().getNotAfter().toInstant());
    for (Consumer<TlsMaterial> listener : listeners) {
      listener.accept(next);
    }
  }

  private String readAll() {
    return read("tls.crt") + "\u0000" + read("tls.key") + "\u0000" + read("ca.crt");
  }

  private String read(String name) {
    Path file = directory.resolve(name);
    try {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "";
    }
  }

  private TlsMaterial parse(String text) {
    String[] parts = text.split("\u0000", -1);
    if (parts[0].isBlank() || parts[1].isBlank()) {
      throw new InvalidTlsMaterialException(
          "tls.crt and tls.key are required in " + directory.toAbsolutePath());
    }
    TlsMaterial material = TlsMaterial.fromPem(parts[0], parts[1], parts[2]);
    if (!CertificateCheck.keyMatches(material)) {
      throw new InvalidTlsMaterialException("tls.key does not match tls.crt in " + directory);
    }
    return material;
  }
}
