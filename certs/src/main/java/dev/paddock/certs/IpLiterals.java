package dev.paddock.certs;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** IP literals without DNS lookups: {@link InetAddress#getByName} resolves names, so guard it. */
final class IpLiterals {
  private static final Pattern IPV4 = Pattern.compile("^\\d{1,3}(\\.\\d{1,3}){3}$");
  private static final Pattern IPV6 = Pattern.compile("^[0-9a-fA-F:.]*:[0-9a-fA-F:.]*$");

  private IpLiterals() {}

  static boolean isIpLiteral(String value) {
    if (!IPV4.matcher(value).matches() && !IPV6.matcher(value).matches()) {
      return false;
    }
    try {
      InetAddress.getByName(value);
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /**
   * The address's canonical text, so that {@code ::1} and {@code 0:0:0:0:0:0:0:1} compare equal.
   */
  static String canonical(String value) {
    if (!isIpLiteral(value)) {
      return value;
    }
    try {
      return InetAddress.getByName(value).getHostAddress();
    } catch (UnknownHostException e) {
      return value;
    }
  }

  static byte[] bytes(String value) {
    if (!isIpLiteral(value)) {
      throw new IllegalArgumentException("not an IP address: " + value);
    }
    try {
      return InetAddress.getByName(value).getAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an IP address: " + value, e);
    }
  }
}
