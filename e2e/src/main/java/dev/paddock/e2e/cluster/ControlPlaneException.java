package dev.paddock.e2e.cluster;

/**
 * The local control plane could not be built or started. The message names the component, its exit
 * code when it exited, and the tail of its log.
 */
public class ControlPlaneException extends RuntimeException {

  public ControlPlaneException(String message) {
    super(message);
  }

  public ControlPlaneException(String message, Throwable cause) {
    super(message, cause);
  }
}
