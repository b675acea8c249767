package dev.paddock.certs;

/** Certificate or key material that cannot be used: unreadable, mismatched or incomplete. */
public final class InvalidTlsMaterialException extends RuntimeException {
  public InvalidTlsMaterialException(String message) {
    super(message);
  }

  public InvalidTlsMaterialException(String message, Throwable cause) {
    super(message, cause);
  }
}
