package dev.paddock.controller.claim;

/**
 * A claim that cannot be served as written: a permanent error, reported as {@code Ready=False} with
 * an upstream reason and not retried until the claim, its pool or its template changes.
 */
public final class ClaimRejection extends Exception {
  private final String reason;

  public ClaimRejection(String reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public String reason() {
    return reason;
  }
}
