package dev.paddock.webhook.admission;

/**
 * The admission logic, free of HTTP: the server maps each AdmissionReview to one of these calls and
 * the result back to a response. Implementations are called concurrently from worker threads, never
 * from I/O threads.
 */
public interface AdmissionHandler {

  /** Decides whether the request is allowed ({@code /validate}). */
  AdmissionResult validate(AdmissionRequest request);

  /** Returns the object as it should be stored ({@code /mutate}); may also deny. */
  AdmissionResult mutate(AdmissionRequest request);

  /** Whether the handler has what it needs to decide (its policies loaded), for readiness. */
  default boolean ready() {
    return true;
  }

  /** How many policies are in force, for the {@code paddock_policies_loaded} gauge. */
  default int policiesLoaded() {
    return 0;
  }
}
