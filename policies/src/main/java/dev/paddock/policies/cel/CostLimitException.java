package dev.paddock.policies.cel;

/**
 * Stops an evaluation that ran out of budget. It unwinds the whole interpreter (nothing inside an
 * expression can catch it); the evaluator turns it into an expression error.
 */
public final class CostLimitException extends RuntimeException {
  CostLimitException(String message) {
    super(message, null, false, false);
  }
}
