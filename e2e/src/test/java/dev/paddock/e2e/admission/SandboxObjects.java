package dev.paddock.e2e.admission;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Sandboxes as plain maps (what a user's YAML parses to), and JSON-pointer edits of them. */
final class SandboxObjects {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Satisfies every rule of the upstream secure-sandbox ValidatingAdmissionPolicy: gVisor, no host
   * namespaces, no token, drop ALL, limits, non-root at pod level, gVisor node selector and
   * toleration. Two containers, so that "all containers" rules are not vacuous.
   */
  private static final String COMPLIANT =
      """
      apiVersion: agents.x-k8s.io/v1beta1
      kind: Sandbox
      metadata:
        name: %s
        labels:
          app: agent
      spec:
        podTemplate:
          spec:
            runtimeClassName: gvisor
            automountServiceAccountToken: false
            securityContext:
              runAsNonRoot: true
            nodeSelector:
              sandbox.gke.io/runtime: gvisor
            tolerations:
            - key: sandbox.gke.io/runtime
              value: gvisor
              effect: NoSchedule
            containers:
            - name: agent
              image: registry.invalid/agents/python:3.12
              ports:
              - containerPort: 8888
              securityContext:
                allowPrivilegeEscalation: false
                capabilities:
                  drop: ["ALL"]
              resources:
                requests:
                  cpu: 500m
                  memory: 512Mi
                limits:
                  cpu: "1"
                  memory: 1Gi
            - name: sidecar
              image: registry.invalid/agents/proxy:1.0
              securityContext:
                capabilities:
                  drop: ["ALL"]
              resources:
                limits:
                  cpu: 100m
                  memory: 64Mi
      """;

  /** One container and nothing else: no runtime class, no hardening. */
  private static final String MINIMAL =
      """
      apiVersion: agents.x-k8s.io/v1beta1
      kind: Sandbox
      metadata:
        name: %s
      spec:
        podTemplate:
          spec:
            containers:
            - name: agent
              image: registry.invalid/agents/python:3.12
      """;

  private SandboxObjects() {}

  static Map<String, Object> compliant(String name) {
    return parse(COMPLIANT.formatted(name));
  }

  static Map<String, Object> minimal(String name) {
    return parse(MINIMAL.formatted(name));
  }

  /** A mutable map from a YAML or JSON text. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> parse(String yaml) {
    return deepCopy(Serialization.unmarshal(yaml, Map.class));
  }

  static Map<String, Object> deepCopy(Map<String, Object> object) {
    try {
      return JSON.readValue(
          JSON.writeValueAsString(object), new TypeReference<Map<String, Object>>() {});
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Sets the value at a JSON pointer, creating missing maps on the way; {@code -} appends to a
   * list; a YAML/JSON text value is parsed ({@code "null"} sets an explicit null).
   */
  static void set(Map<String, Object> object, String pointer, String valueYaml) {
    Object value = Serialization.unmarshal("v: " + valueYaml, Map.class).get("v");
    setValue(object, pointer, value);
  }

  /** Removes the member at a JSON pointer (nothing when it is absent). */
  @SuppressWarnings("unchecked")
  static void remove(Map<String, Object> object, String pointer) {
    List<String> tokens = tokens(pointer);
    Object parent = navigate(object, tokens.subList(0, tokens.size() - 1), false);
    String last = tokens.get(tokens.size() - 1);
    if (parent instanceof Map<?, ?> map) {
      ((Map<String, Object>) map).remove(last);
    } else if (parent instanceof List<?> list) {
      list.remove(Integer.parseInt(last));
    }
  }

  @SuppressWarnings("unchecked")
  private static void setValue(Map<String, Object> object, String pointer, Object value) {
    List<String> tokens = tokens(pointer);
    Object parent = navigate(object, tokens.subList(0, tokens.size() - 1), true);
    String last = tokens.get(tokens.size() - 1);
    if (parent instanceof Map<?, ?> map) {
      ((Map<String, Object>) map).put(last, value);
    } else if (parent instanceof List<?> list) {
      List<Object> items = (List<Object>) list;
      if (last.equals("-")) {
        items.add(value);
      } else {
        items.set(Integer.parseInt(last), value);
      }
    } else {
      throw new IllegalArgumentException("no container at " + pointer);
    }
  }

  @SuppressWarnings("unchecked")
  private static Object navigate(Map<String, Object> object, List<String> tokens, boolean create) {
    Object current = object;
    for (String token : tokens) {
      if (current instanceof Map<?, ?> map) {
        Object next = map.get(token);
        if (next == null && create) {
          next = new java.util.LinkedHashMap<String, Object>();
          ((Map<String, Object>) map).put(token, next);
        }
        current = next;
      } else if (current instanceof List<?> list) {
        current = list.get(Integer.parseInt(token));
      } else {
        return null;
      }
    }
    return current;
  }

  private static List<String> tokens(String pointer) {
    if (!pointer.startsWith("/")) {
      throw new IllegalArgumentException("not a JSON pointer: " + pointer);
    }
    List<String> tokens = new ArrayList<>();
    for (String token : pointer.substring(1).split("/", -1)) {
      tokens.add(token.replace("~1", "/").replace("~0", "~"));
    }
    return tokens;
  }
}
