package dev.paddock.certs;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A key manager whose certificate can be swapped while the server runs: each new handshake picks up
 * the latest material, and connections already established keep the one they negotiated, so a
 * rotation drops no connection.
 *
 * <p>Each material gets its own alias so that a handshake that chose an alias just before a swap
 * still gets the matching chain and key (the previous material is kept for that).
 */
public final class ReloadingKeyManager extends X509ExtendedKeyManager {
  private record Entry(String alias, TlsMaterial material) {}

  private final AtomicLong generation = new AtomicLong();
  private final AtomicReference<Entry> current = new AtomicReference<>();
  private volatile Entry previous;

  public ReloadingKeyManager(TlsMaterial initial) {
    update(initial);
  }

  /** Serves {@code material} from the next handshake on. */
  public void update(TlsMaterial material) {
    Entry next = new Entry("paddock-" + generation.incrementAndGet(), material);
    previous = current.getAndSet(next);
  }

  public TlsMaterial current() {
    return current.get().material();
  }

  /** An SSLContext (TLS 1.2 and 1.3) serving from this key manager. */
  public SSLContext sslContext() {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(new KeyManager[] {this}, null, new SecureRandom());
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no TLS implementation: " + e.getMessage(), e);
    }
  }

  private Entry lookup(String alias) {
    Entry now = current.get();
    if (now.alias().equals(alias)) {
      return now;
    }
    Entry before = previous;
    return before != null && before.alias().equals(alias) ? before : null;
  }

  private String aliasFor(String keyType) {
    Entry now = current.get();
    String algorithm = now.material().privateKey().getAlgorithm();
    return keyType == null || keyType.equalsIgnoreCase(algorithm) ? now.alias() : null;
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return aliasFor(keyType);
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return aliasFor(keyType);
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    String alias = aliasFor(keyType);
    return alias == null ? null : new String[] {alias};
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    Entry entry = lookup(alias);
    return entry == null ? null : entry.material().serverChain();
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    Entry entry = lookup(alias);
    return entry == null ? null : entry.material().privateKey();
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return null;
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return null;
  }
}
