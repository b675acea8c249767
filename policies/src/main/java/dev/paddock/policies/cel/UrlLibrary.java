package dev.paddock.policies.cel;

import static org.projectnessie.cel.common.types.Err.newErr;
import static org.projectnessie.cel.common.types.Err.noSuchOverload;
import static org.projectnessie.cel.common.types.StringT.stringOf;

import com.google.api.expr.v1alpha1.Type;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.projectnessie.cel.EnvOption;
import org.projectnessie.cel.Library;
import org.projectnessie.cel.ProgramOption;
import org.projectnessie.cel.checker.Decls;
import org.projectnessie.cel.common.types.ListT;
import org.projectnessie.cel.common.types.MapT;
import org.projectnessie.cel.common.types.pb.ProtoTypeRegistry;
import org.projectnessie.cel.common.types.ref.Val;
import org.projectnessie.cel.interpreter.functions.Overload;

/**
 * Kubernetes' URL library: {@code url} and {@code isURL} (an absolute URI or an absolute path, as
 * Go's url.ParseRequestURI takes), {@code getScheme}, {@code getHost}, {@code getHostname}, {@code
 * getPort}, {@code getEscapedPath}, {@code getQuery}.
 */
public final class UrlLibrary implements Library {
  private static final ProtoTypeRegistry ADAPTER = ProtoTypeRegistry.newRegistry();
  static final Type URL = Decls.newObjectType("kubernetes.URL");
  private static final org.projectnessie.cel.common.types.ref.Type VAL_TYPE =
      OpaqueVal.typeNamed("kubernetes.URL");

  static final class UrlVal extends OpaqueVal {
    final URI uri;
    final String text;

    UrlVal(URI uri, String text) {
      super(VAL_TYPE);
      this.uri = uri;
      this.text = text;
    }

    @Override
    String text() {
      return text;
    }

    @Override
    boolean sameAs(OpaqueVal other) {
      return text.equals(((UrlVal) other).text);
    }

    String host() {
      String authority = uri.getRawAuthority();
      if (authority == null) {
        return "";
      }
      int at = authority.lastIndexOf('@');
      return at < 0 ? authority : authority.substring(at + 1);
    }

    String hostname() {
      String host = host();
      if (host.startsWith("[")) {
        int end = host.indexOf(']');
        return end < 0 ? host : host.substring(1, end);
      }
      int colon = host.lastIndexOf(':');
      return colon < 0 ? host : host.substring(0, colon);
    }

    String port() {
      String host = host();
      int bracket = host.lastIndexOf(']');
      int colon = host.lastIndexOf(':');
      return colon > bracket ? host.substring(colon + 1) : "";
    }
  }

  static Val url(String text) {
    try {
      URI uri = new URI(text);
      if (uri.getScheme() == null && !text.startsWith("/")) {
        return newErr(
            "URL parse error during conversion from string: parse %s: invalid URI for request",
            text);
      }
      if (uri.isOpaque()) {
        return newErr(
            "URL parse error during conversion from string: %s is not hierarchical", text);
      }
      return new UrlVal(uri, text);
    } catch (URISyntaxException e) {
      return newErr("URL parse error during conversion from string: %s", e.getMessage());
    }
  }

  @Override
  public List<EnvOption> getCompileOptions() {
    return List.of(
        EnvOption.declarations(
            Decls.newFunction(
                "url", Decls.newOverload("string_to_url", List.of(Decls.String), URL)),
            Decls.newFunction(
                "isURL", Decls.newOverload("is_url_string", List.of(Decls.String), Decls.Bool)),
            Decls.newFunction(
                "getScheme",
                Decls.newInstanceOverload("url_get_scheme", List.of(URL), Decls.String)),
            Decls.newFunction(
                "getHost", Decls.newInstanceOverload("url_get_host", List.of(URL), Decls.String)),
            Decls.newFunction(
                "getHostname",
                Decls.newInstanceOverload("url_get_hostname", List.of(URL), Decls.String)),
            Decls.newFunction(
                "getPort", Decls.newInstanceOverload("url_get_port", List.of(URL), Decls.String)),
            Decls.newFunction(
                "getEscapedPath",
                Decls.newInstanceOverload("url_get_escaped_path", List.of(URL), Decls.String)),
            Decls.newFunction(
                "getQuery",
                Decls.newInstanceOverload(
                    "url_get_query",
                    List.of(URL),
                    Decls.newMapType(Decls.String, Decls.newListType(Decls.String)))),
            Decls.newFunction(
                "string", Decls.newOverload("url_to_string", List.of(URL), Decls.String))));
  }

  @Override
  public List<ProgramOption> getProgramOptions() {
    return List.of(
        ProgramOption.functions(
            StringParsers.parse("url", UrlLibrary::url),
            StringParsers.check("isURL", UrlLibrary::url),
            Overload.unary(
                "getScheme",
                v ->
                    v instanceof UrlVal u
                        ? stringOf(u.uri.getScheme() == null ? "" : u.uri.getScheme())
                        : noSuchOverload(v, "getScheme", null)),
            Overload.unary(
                "getHost",
                v ->
                    v instanceof UrlVal u
                        ? stringOf(u.host())
                        : noSuchOverload(v, "getHost", null)),
            Overload.unary(
                "getHostname",
                v ->
                    v instanceof UrlVal u
                        ? stringOf(u.hostname())
                        : noSuchOverload(v, "getHostname", null)),
            Overload.unary(
                "getPort",
                v ->
                    v instanceof UrlVal u
                        ? stringOf(u.port())
                        : noSuchOverload(v, "getPort", null)),
            Overload.unary(
                "getEscapedPath",
                v ->
                    v instanceof UrlVal u
                        ? stringOf(u.uri.getRawPath() == null ? "" : u.uri.getRawPath())
                        : noSuchOverload(v, "getEscapedPath", null)),
            Overload.unary(
                "getQuery",
                v -> v instanceof UrlVal u ? query(u) : noSuchOverload(v, "getQuery", null))));
  }

  private static Val query(UrlVal url) {
    Map<String, List<String>> values = new LinkedHashMap<>();
    String raw = url.uri.getRawQuery();
    if (raw != null && !raw.isEmpty()) {
      for (String pair : raw.split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String key = decode(eq < 0 ? pair : pair.substring(0, eq));
        String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
        values.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
      }
    }
    Map<Val, Val> map = new HashMap<>();
    values.forEach(
        (k, v) -> map.put(stringOf(k), ListT.newStringArrayList(v.toArray(new String[0]))));
    return MapT.newWrappedMap(ADAPTER, map);
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }
}
