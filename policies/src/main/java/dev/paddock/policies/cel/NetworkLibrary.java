package dev.paddock.policies.cel;

import static org.projectnessie.cel.common.types.Err.newErr;
import static org.projectnessie.cel.common.types.Err.noSuchOverload;

import com.google.api.expr.v1alpha1.Type;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import org.projectnessie.cel.EnvOption;
import org.projectnessie.cel.Library;
import org.projectnessie.cel.ProgramOption;
import org.projectnessie.cel.checker.Decls;
import org.projectnessie.cel.common.types.IntT;
import org.projectnessie.cel.common.types.StringT;
import org.projectnessie.cel.common.types.Types;
import org.projectnessie.cel.common.types.ref.Val;
import org.projectnessie.cel.interpreter.functions.Overload;

/**
 * Kubernetes' IP and CIDR libraries: {@code ip}, {@code isIP}, {@code ip.isCanonical}, {@code
 * family}, {@code isUnspecified}, {@code isLoopback}, {@code isLinkLocalMulticast}, {@code
 * isLinkLocalUnicast}, {@code isGlobalUnicast}; {@code cidr}, {@code isCIDR}, {@code containsIP},
 * {@code containsCIDR}, {@code ip()}, {@code masked}, {@code prefixLength}. As in Kubernetes, IPv4
 * octets with leading zeros, IPv4-mapped IPv6 addresses and zones are refused.
 */
public final class NetworkLibrary implements Library {
  static final Type IP = Decls.newObjectType("net.IP");
  static final Type CIDR = Decls.newObjectType("net.CIDR");
  private static final org.projectnessie.cel.common.types.ref.Type IP_TYPE =
      OpaqueVal.typeNamed("net.IP");
  private static final org.projectnessie.cel.common.types.ref.Type CIDR_TYPE =
      OpaqueVal.typeNamed("net.CIDR");
  private static final Pattern IPV4 =
      Pattern.compile(
          "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");
  private static final Pattern IPV6_CHARS = Pattern.compile("[0-9a-fA-F:.]+");

  static final class IpVal extends OpaqueVal {
    final byte[] address;

    IpVal(byte[] address) {
      super(IP_TYPE);
      this.address = address;
    }

    int family() {
      return address.length == 4 ? 4 : 6;
    }

    @Override
    String text() {
      return format(address);
    }

    @Override
    boolean sameAs(OpaqueVal other) {
      return Arrays.equals(address, ((IpVal) other).address);
    }
  }

  static final class CidrVal extends OpaqueVal {
    final byte[] address;
    final int prefix;

    CidrVal(byte[] address, int prefix) {
      super(CIDR_TYPE);
      this.address = address;
      this.prefix = prefix;
    }

    byte[] masked() {
      byte[] m = address.clone();
      for (int bit = prefix; bit < m.length * 8; bit++) {
        m[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
      }
      return m;
    }

    boolean contains(byte[] ip) {
      if (ip.length != address.length) {
        return false;
      }
      for (int bit = 0; bit < prefix; bit++) {
        int mask = 0x80 >>> (bit % 8);
        if ((ip[bit / 8] & mask) != (address[bit / 8] & mask)) {
          return false;
        }
      }
      return true;
    }

    @Override
    String text() {
      return format(address) + "/" + prefix;
    }

    @Override
    boolean sameAs(OpaqueVal other) {
      CidrVal o = (CidrVal) other;
      return prefix == o.prefix && Arrays.equals(address, o.address);
    }
  }

  /** The address, or null when Kubernetes' ip() would refuse the text. */
  static byte[] parseIp(String text) {
    if (IPV4.matcher(text).matches()) {
      String[] parts = text.split("\\.");
      byte[] b = new byte[4];
      for (int i = 0; i < 4; i++) {
        b[i] = (byte) Integer.parseInt(parts[i]);
      }
      return b;
    }
    if (!text.contains(":") || !IPV6_CHARS.matcher(text).matches()) {
      return null;
    }
    try {
      InetAddress address = InetAddress.getByName(text);
      return address instanceof Inet4Address ? null : address.getAddress();
    } catch (UnknownHostException e) {
      return null;
    }
  }

  static Val ip(String text) {
    byte[] address = parseIp(text);
    if (address == null) {
      if (text.contains("%")) {
        return newErr("IP address with zone value is not allowed");
      }
      return newErr("IP Address '%s' parse error during conversion from string", text);
    }
    return new IpVal(address);
  }

  static Val cidr(String text) {
    int slash = text.indexOf('/');
    if (slash < 0) {
      return newErr(
          "network address parse error during conversion from string: no '/' in %s", text);
    }
    byte[] address = parseIp(text.substring(0, slash));
    String bits = text.substring(slash + 1);
    if (address == null || !bits.matches("0|[1-9][0-9]{0,2}")) {
      return newErr("network address parse error during conversion from string: %s", text);
    }
    int prefix = Integer.parseInt(bits);
    if (prefix > address.length * 8) {
      return newErr("network address parse error during conversion from string: %s", text);
    }
    return new CidrVal(address, prefix);
  }

  /** RFC 5952: lower case, longest run of two or more zero groups as "::". */
  static String format(byte[] a) {
    if (a.length == 4) {
      return (a[0] & 0xff) + "." + (a[1] & 0xff) + "." + (a[2] & 0xff) + "." + (a[3] & 0xff);
    }
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = ((a[2 * i] & 0xff) << 8) | (a[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < 8; ) {
      if (groups[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j;
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        out.append("::");
        i += bestLength - 1;
        continue;
      }
      if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
        out.append(':');
      }
      out.append(Integer.toHexString(groups[i]));
    }
    return out.toString();
  }

  @Override
  public List<EnvOption> getCompileOptions() {
    return List.of(
        EnvOption.declarations(
            Decls.newFunction("ip", Decls.newOverload("string_to_ip", List.of(Decls.String), IP)),
            Decls.newFunction(
                "isIP", Decls.newOverload("is_ip", List.of(Decls.String), Decls.Bool)),
            Decls.newFunction(
                "ip.isCanonical",
                Decls.newOverload("ip_is_canonical", List.of(Decls.String), Decls.Bool)),
            Decls.newFunction(
                "family", Decls.newInstanceOverload("ip_family", List.of(IP), Decls.Int)),
            Decls.newFunction(
                "isUnspecified",
                Decls.newInstanceOverload("ip_is_unspecified", List.of(IP), Decls.Bool)),
            Decls.newFunction(
                "isLoopback", Decls.newInstanceOverload("ip_is_loopback", List.of(IP), Decls.Bool)),
            Decls.newFunction(
                "isLinkLocalMulticast",
                Decls.newInstanceOverload("ip_is_link_local_multicast", List.of(IP), Decls.Bool)),
            Decls.newFunction(
                "isLinkLocalUnicast",
                Decls.newInstanceOverload("ip_is_link_local_unicast", List.of(IP), Decls.Bool)),
            Decls.newFunction(
                "isGlobalUnicast",
                Decls.newInstanceOverload("ip_is_global_unicast", List.of(IP), Decls.Bool)),
            Decls.newFunction(
                "cidr", Decls.newOverload("string_to_cidr", List.of(Decls.String), CIDR)),
            Decls.newFunction(
                "isCIDR", Decls.newOverload("is_cidr", List.of(Decls.String), Decls.Bool)),
            Decls.newFunction(
                "containsIP",
                Decls.newInstanceOverload(
                    "cidr_contains_ip_string", List.of(CIDR, Decls.String), Decls.Bool),
                Decls.newInstanceOverload("cidr_contains_ip_ip", List.of(CIDR, IP), Decls.Bool)),
            Decls.newFunction(
                "containsCIDR",
                Decls.newInstanceOverload(
                    "cidr_contains_cidr_string", List.of(CIDR, Decls.String), Decls.Bool),
                Decls.newInstanceOverload("cidr_contains_cidr", List.of(CIDR, CIDR), Decls.Bool)),
            Decls.newFunction("ip", Decls.newInstanceOverload("cidr_ip", List.of(CIDR), IP)),
            Decls.newFunction(
                "masked", Decls.newInstanceOverload("cidr_masked", List.of(CIDR), CIDR)),
            Decls.newFunction(
                "prefixLength",
                Decls.newInstanceOverload("cidr_prefix_length", List.of(CIDR), Decls.Int)),
            Decls.newFunction(
                "string",
                Decls.newOverload("ip_to_string", List.of(IP), Decls.String),
                Decls.newOverload("cidr_to_string", List.of(CIDR), Decls.String))));
  }

  @Override
  public List<ProgramOption> getProgramOptions() {
    return List.of(
        ProgramOption.functions(
            Overload.unary(
                "ip",
                v -> {
                  if (v instanceof StringT s) {
                    return ip(s.value().toString());
                  }
                  if (v instanceof CidrVal c) {
                    return new IpVal(c.address);
                  }
                  return noSuchOverload(v, "ip", null);
                }),
            Overload.unary(
                "isIP",
                v ->
                    v instanceof StringT s
                        ? Types.boolOf(parseIp(s.value().toString()) != null)
                        : noSuchOverload(v, "isIP", null)),
            Overload.unary(
                "ip.isCanonical",
                v -> {
                  if (!(v instanceof StringT s)) {
                    return noSuchOverload(v, "ip.isCanonical", null);
                  }
                  byte[] address = parseIp(s.value().toString());
                  return address == null
                      ? newErr(
                          "IP Address '%s' parse error during conversion from string", s.value())
                      : Types.boolOf(format(address).equals(s.value()));
                }),
            Overload.unary(
                "family", v -> ipFn(v, "family", a -> IntT.intOf(a.length == 4 ? 4 : 6))),
            Overload.unary(
                "isUnspecified", v -> ipFn(v, "isUnspecified", a -> Types.boolOf(allZero(a)))),
            Overload.unary(
                "isLoopback", v -> ipFn(v, "isLoopback", a -> Types.boolOf(isLoopback(a)))),
            Overload.unary(
                "isLinkLocalMulticast",
                v ->
                    ipFn(
                        v,
                        "isLinkLocalMulticast",
                        a ->
                            Types.boolOf(
                                a.length == 4
                                    ? (a[0] & 0xff) == 224 && a[1] == 0 && a[2] == 0
                                    : (a[0] & 0xff) == 0xff && (a[1] & 0x0f) == 0x02))),
            Overload.unary(
                "isLinkLocalUnicast",
                v -> ipFn(v, "isLinkLocalUnicast", a -> Types.boolOf(isLinkLocalUnicast(a)))),
            Overload.unary(
                "isGlobalUnicast",
                v ->
                    ipFn(
                        v,
                        "isGlobalUnicast",
                        a ->
                            Types.boolOf(
                                !allZero(a)
                                    && !isLoopback(a)
                                    && !isLinkLocalUnicast(a)
                                    && !isMulticast(a)
                                    && !(a.length == 4
                                        && (a[0] & a[1] & a[2] & a[3] & 0xff) == 0xff)))),
            Overload.unary(
                "cidr",
                v ->
                    v instanceof StringT s
                        ? cidr(s.value().toString())
                        : noSuchOverload(v, "cidr", null)),
            Overload.unary(
                "isCIDR",
                v ->
                    v instanceof StringT s
                        ? Types.boolOf(cidr(s.value().toString()) instanceof CidrVal)
                        : noSuchOverload(v, "isCIDR", null)),
            Overload.binary(
                "containsIP",
                (c, v) -> {
                  if (!(c instanceof CidrVal cidr)) {
                    return noSuchOverload(c, "containsIP", v);
                  }
                  Val ip = v instanceof StringT s ? ip(s.value().toString()) : v;
                  if (!(ip instanceof IpVal address)) {
                    return ip instanceof org.projectnessie.cel.common.types.Err
                        ? ip
                        : noSuchOverload(c, "containsIP", v);
                  }
                  return Types.boolOf(cidr.contains(address.address));
                }),
            Overload.binary(
                "containsCIDR",
                (c, v) -> {
                  if (!(c instanceof CidrVal cidr)) {
                    return noSuchOverload(c, "containsCIDR", v);
                  }
                  Val other = v instanceof StringT s ? cidr(s.value().toString()) : v;
                  if (!(other instanceof CidrVal o)) {
                    return other instanceof org.projectnessie.cel.common.types.Err
                        ? other
                        : noSuchOverload(c, "containsCIDR", v);
                  }
                  return Types.boolOf(o.prefix >= cidr.prefix && cidr.contains(o.address));
                }),
            Overload.unary(
                "masked",
                v ->
                    v instanceof CidrVal c
                        ? new CidrVal(c.masked(), c.prefix)
                        : noSuchOverload(v, "masked", null)),
            Overload.unary(
                "prefixLength",
                v ->
                    v instanceof CidrVal c
                        ? IntT.intOf(c.prefix)
                        : noSuchOverload(v, "prefixLength", null))));
  }

  private interface IpFunction {
    Val apply(byte[] address);
  }

  private static Val ipFn(Val v, String name, IpFunction f) {
    return v instanceof IpVal ip ? f.apply(ip.address) : noSuchOverload(v, name, null);
  }

  private static boolean allZero(byte[] a) {
    for (byte b : a) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  private static boolean isLoopback(byte[] a) {
    if (a.length == 4) {
      return (a[0] & 0xff) == 127;
    }
    for (int i = 0; i < 15; i++) {
      if (a[i] != 0) {
        return false;
      }
    }
    return a[15] == 1;
  }

  private static boolean isLinkLocalUnicast(byte[] a) {
    return a.length == 4
        ? (a[0] & 0xff) == 169 && (a[1] & 0xff) == 254
        : (a[0] & 0xff) == 0xfe && (a[1] & 0xc0) == 0x80;
  }

  private static boolean isMulticast(byte[] a) {
    return a.length == 4 ? (a[0] & 0xf0) == 0xe0 : (a[0] & 0xff) == 0xff;
  }
}
