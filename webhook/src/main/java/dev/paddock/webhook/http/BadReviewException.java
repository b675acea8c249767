package dev.paddock.webhook.http;

/** A request the server refuses before any admission logic runs: answered with a 4xx. */
public final class BadReviewException extends Exception {
  private final int status;
  private final String reason;

  /**
   * @param status the HTTP status (400, 413, 415...)
   * @param reason the Kubernetes-style reason ({@code BadRequest}, {@code RequestEntityTooLarge})
   * @param message what is wrong, for the client
   */
  public BadReviewException(int status, String reason, String message) {
    super(message, null, false, false);
    this.status = status;
    this.reason = reason;
  }

  public int status() {
    return status;
  }

  public String reason() {
    return reason;
  }
}
