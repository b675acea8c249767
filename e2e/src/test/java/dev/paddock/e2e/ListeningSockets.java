package dev.paddock.e2e;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** The TCP addresses that given processes listen on, read from Linux's /proc. */
final class ListeningSockets {

  private static final String LISTEN = "0A";

  private ListeningSockets() {}

  /** "host:port" for every listening TCP socket owned by one of the pids; IPv6 as "[..]:port". */
  static List<String> of(Collection<Long> pids) throws IOException {
    Set<String> inodes = new HashSet<>();
    for (long pid : pids) {
      Path fds = Path.of("/proc", Long.toString(pid), "fd");
      try (Stream<Path> list = Files.list(fds)) {
        for (Path fd : (Iterable<Path>) list::iterator) {
          try {
            String target = Files.readSymbolicLink(fd).toString();
            if (target.startsWith("socket:[")) {
              inodes.add(target.substring("socket:[".length(), target.length() - 1));
            }
          } catch (IOException closedMeanwhile) {
            // the descriptor was closed while we listed them
          }
        }
      }
    }
    List<String> addresses = new ArrayList<>();
    addresses.addAll(parse(Path.of("/proc/net/tcp"), inodes, false));
    addresses.addAll(parse(Path.of("/proc/net/tcp6"), inodes, true));
    return addresses;
  }

  private static List<String> parse(Path table, Set<String> inodes, boolean ipv6)
      throws IOException {
    List<String> addresses = new ArrayList<>();
    if (!Files.exists(table)) {
      return addresses;
    }
    List<String> lines = Files.readAllLines(table);
    for (String line : lines.subList(1, lines.size())) {
      // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
      String[] f = line.trim().split("\\s+");
      if (f.length < 10 || !LISTEN.equals(f[3]) || !inodes.contains(f[9])) {
        continue;
      }
      String[] hostPort = f[1].split(":");
      int port = Integer.parseInt(hostPort[1], 16);
      InetAddress address = InetAddress.getByAddress(kernelOrder(hostPort[0]));
      String host = address.getHostAddress();
      if (ipv6 && address.isLoopbackAddress()) {
        host = "[::1]";
      } else if (ipv6) {
        host = "[" + host + "]";
      }
      addresses.add(host + ":" + port);
    }
    return addresses;
  }

  /** /proc/net/tcp prints each 32-bit word of the address in host (little-endian) order. */
  private static byte[] kernelOrder(String hex) {
    byte[] raw = new BigInteger("1" + hex, 16).toByteArray();
    byte[] bytes = new byte[hex.length() / 2];
    System.arraycopy(raw, raw.length - bytes.length, bytes, 0, bytes.length);
    for (int word = 0; word < bytes.length; word += 4) {
      for (int i = 0; i < 2; i++) {
        byte t = bytes[word + i];
        bytes[word + i] = bytes[word + 3 - i];
        bytes[word + 3 - i] = t;
      }
    }
    return bytes;
  }
}
