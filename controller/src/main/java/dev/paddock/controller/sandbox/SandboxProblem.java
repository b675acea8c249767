package dev.paddock.controller.sandbox;

/**
 * Something about a Sandbox that retrying cannot fix: the API server rejected its pod or a PVC, or
 * a foreign object holds a name it needs. Shown as Ready=False with {@code reason} and {@code
 * message}, and as a Warning Event with {@code eventReason}.
 */
public record SandboxProblem(String reason, String eventReason, String message) {

  static SandboxProblem rejected(String kind, String name, String serverMessage) {
    return new SandboxProblem(
        SandboxConditions.RECONCILER_ERROR,
        "Invalid" + kind,
        "the API server rejected " + kind + " " + name + ": " + serverMessage);
  }

  static SandboxProblem foreign(String kind, String name) {
    return new SandboxProblem(
        SandboxConditions.RECONCILER_ERROR,
        "Foreign" + kind,
        kind
            + " "
            + name
            + " already exists and is not owned by this Sandbox; delete it, or label it"
            + " agents.x-k8s.io/adoptable=true to let the Sandbox adopt it");
  }

  static SandboxProblem invalidSpec(String message) {
    return new SandboxProblem(SandboxConditions.RECONCILER_ERROR, "InvalidSpec", message);
  }
}
