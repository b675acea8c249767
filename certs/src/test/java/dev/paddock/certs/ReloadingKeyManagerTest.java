package dev.paddock.certs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReloadingKeyManagerTest {
  private final CertificateIssuer issuer = new CertificateIssuer();
  private final ExecutorService acceptors = Executors.newCachedThreadPool();
  private SSLServerSocket server;

  @AfterEach
  void stop() throws IOException {
    acceptors.shutdownNow();
    if (server != null) {
      server.close();
    }
  }

  @Test
  void rotationServesTheNewCertificateToNewConnectionsAndKeepsOpenOnes() throws Exception {
    TlsMaterial first = issue();
    TlsMaterial second = issue();
    ReloadingKeyManager keyManager = new ReloadingKeyManager(first);
    int port = startEchoServer(keyManager.sslContext());

    try (SSLSocket before = connect(port, trustOnly(first, second))) {
      assertThat(echo(before, 1)).isEqualTo(1);
      assertThat(peerCertificate(before)).isEqualTo(first.certificate());

      keyManager.update(second);

      assertThat(echo(before, 2)).as("open connection survives the rotation").isEqualTo(2);
      try (SSLSocket after = connect(port, trustOnly(first, second))) {
        assertThat(peerCertificate(after)).isEqualTo(second.certificate());
        assertThat(echo(after, 3)).isEqualTo(3);
      }
    }
  }

  @Test
  void clientTrustingOnlyTheOldCaIsRefusedAfterRotation() throws Exception {
    TlsMaterial first = issue();
    ReloadingKeyManager keyManager = new ReloadingKeyManager(first);
    int port = startEchoServer(keyManager.sslContext());
    keyManager.update(issue());

    assertThatThrownBy(() -> connect(port, trustOnly(first)).startHandshake())
        .isInstanceOf(SSLHandshakeException.class);
  }

  private TlsMaterial issue() {
    return issuer.issue("test", SubjectAltNames.loopback(), Duration.ofDays(1), List.of());
  }

  private int startEchoServer(SSLContext context) throws IOException {
    server =
        (SSLServerSocket)
            context
                .getServerSocketFactory()
                .createServerSocket(0, 10, InetAddress.getLoopbackAddress());
    acceptors.submit(
        () -> {
          while (!server.isClosed()) {
            var socket = server.accept();
            acceptors.submit(
                () -> {
                  try (socket) {
                    DataInputStream in = new DataInputStream(socket.getInputStream());
                    DataOutputStream out = new DataOutputStream(socket.getOutputStream());
                    while (true) {
                      out.writeInt(in.readInt());
                      out.flush();
                    }
                  } catch (IOException e) {
                    return null;
                  }
                });
          }
          return null;
        });
    return server.getLocalPort();
  }

  private static SSLSocket connect(int port, SSLContext client) throws IOException {
    SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", port);
    SSLParameters parameters = socket.getSSLParameters();
    parameters.setEndpointIdentificationAlgorithm("HTTPS");
    socket.setSSLParameters(parameters);
    socket.setSoTimeout(10_000);
    return socket;
  }

  private static int echo(SSLSocket socket, int value) throws IOException {
    DataOutputStream out = new DataOutputStream(socket.getOutputStream());
    out.writeInt(value);
    out.flush();
    return new DataInputStream(socket.getInputStream()).readInt();
  }

  private static X509Certificate peerCertificate(SSLSocket socket) throws Exception {
    return (X509Certificate) socket.getSession().getPeerCertificates()[0];
  }

  static SSLContext trustOnly(TlsMaterial... materials) throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    int i = 0;
    for (TlsMaterial material : materials) {
      for (X509Certificate ca : material.caCertificates()) {
        trust.setCertificateEntry("ca-" + i++, ca);
      }
    }
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, factory.getTrustManagers(), null);
    return context;
  }
}
