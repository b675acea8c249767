package dev.paddock.controller.sandbox;

/**
 * Something about a Sandbox that retrying at once cannot fix: the API server rejected its pod or a
 * PVC, or a foreign object holds a name it needs. Shown as Ready=False with {@code reason} and
 * {@code message}, and as a Warning Event with {@code eventReason}. When {@code recheck}, the
 * Sandbox looks again after a while, since no watched object will announce the fix.
 */
public record SandboxProblem(String reason, String eventReason, String message, boolean recheck) {

  static SandboxProblem rejected(String kind, String name, int code, String serverMessage) {
    boolean forbidden = code == 403; // a quota or an admission policy: may pass later
    return new SandboxProblem(
        SandboxConditions.RECONCILER_ERROR,
        (forbidden ? "Forbidden" : "Invalid") + kind,
        "the API server rejected " + kind + " " + name + ": " + serverMessage,
        forbidden);
  }

  static SandboxProblem foreign(String kind, String name) {
    return new SandboxProblem(
        SandboxConditions.RECONCILER_ERROR,
        "Foreign" + kind,
        kind
            + " "
            + name
            + " already exists and is not owned by this Sandbox; delete it, or label it"
            + " agents.x-k8s.io/adoptable=true to let the Sandbox adopt it",
        true);
  }

  static SandboxProblem invalidSpec(String message) {
    return new SandboxProblem(SandboxConditions.RECONCILER_ERROR, "InvalidSpec", message, false);
  }
}
