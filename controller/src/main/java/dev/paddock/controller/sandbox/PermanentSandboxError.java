package dev.paddock.controller.sandbox;

import dev.paddock.api.sandbox.SandboxStatus;

/** A problem retrying cannot fix, with the status to show for it (null: derive it). */
final class PermanentSandboxError extends RuntimeException {
  private final transient SandboxProblem problem;
  private final transient SandboxStatus status;

  PermanentSandboxError(SandboxProblem problem, SandboxStatus status) {
    super(problem.message(), null, false, false);
    this.problem = problem;
    this.status = status;
  }

  SandboxProblem problem() {
    return problem;
  }

  SandboxStatus status() {
    return status;
  }
}
