package dev.paddock.e2e.bench;

import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the API writes (POST, PUT, PATCH, DELETE) a client makes, by method and resource kind, as
 * an interceptor on the client's HTTP stack: what the controller really sent, not what it meant to
 * send.
 */
final class WriteCounter implements Interceptor {
  private final Map<String, LongAdder> byKey = new ConcurrentHashMap<>();
  private final LongAdder total = new LongAdder();

  @Override
  public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
    String method = request.method();
    if (method.equals("GET")) {
      return;
    }
    total.increment();
    byKey
        .computeIfAbsent(method + " " + resourceOf(request.uri().getPath()), k -> new LongAdder())
        .increment();
  }

  /** {@code /apis/g/v/namespaces/ns/sandboxes/name/status} → {@code sandboxes/status}. */
  static String resourceOf(String path) {
    String[] parts = path.split("/");
    int namespaces = -1;
    for (int i = 0; i < parts.length; i++) {
      if (parts[i].equals("namespaces") && i + 2 < parts.length) {
        namespaces = i;
        break;
      }
    }
    if (namespaces < 0) {
      return parts[parts.length - 1];
    }
    StringBuilder resource = new StringBuilder(parts[namespaces + 2]);
    if (namespaces + 4 < parts.length) {
      resource.append('/').append(parts[namespaces + 4]);
    }
    return resource.toString();
  }

  long total() {
    return total.sum();
  }

  Map<String, Long> snapshot() {
    Map<String, Long> copy = new TreeMap<>();
    byKey.forEach((k, v) -> copy.put(k, v.sum()));
    return copy;
  }

  void reset() {
    byKey.clear();
    total.reset();
  }
}
