package dev.paddock.policies;

import java.util.List;
import java.util.Map;

/** Objects the tests start from. */
final class TestObjects {
  private TestObjects() {}

  /** A Sandbox that satisfies the upstream secure-sandbox policy and the hardening library. */
  static final String COMPLIANT_SANDBOX =
      """
      apiVersion: agents.x-k8s.io/v1beta1
      kind: Sandbox
      metadata:
        name: agent-1
        namespace: team-a
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
              image: registry.example.com/agents/python:3.12
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
              image: registry.example.com/agents/proxy:1.0
              securityContext:
                capabilities:
                  drop: ["ALL"]
              resources:
                limits:
                  cpu: 100m
                  memory: 64Mi
      """;

  /** A copy of {@code object} with a value set at a JSON pointer (added or replaced). */
  @SuppressWarnings("unchecked")
  static Map<String, Object> patched(
      Map<String, Object> object, String how, String path, String valueJson) throws Exception {
    Object value = Manifests.parse("v: " + valueJson, "value").get(0).get("v");
    return (Map<String, Object>)
        JsonPatches.apply(object, List.of(Map.of("op", "add", "path", path, "value", value)));
  }
}
