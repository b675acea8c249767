package dev.paddock.policies.cel;

/**
 * The cost a request may spend, counted while it is evaluated: Kubernetes' limits of 1,000,000
 * units per expression and 10,000,000 per policy evaluation, plus a wall-clock deadline as a last
 * resort. One unit is one function call or operator (including each comprehension step), plus a
 * tenth of the length of every string or list a call produces.
 *
 * <p>Not thread-safe: one budget belongs to one evaluation on one thread.
 */
public final class CostBudget {
  /** Kubernetes' per-expression limit (PerCallLimit). */
  public static final long PER_EXPRESSION_LIMIT = 1_000_000;

  /** Kubernetes' per-policy-evaluation limit (RuntimeCELCostBudget). */
  public static final long PER_EVALUATION_LIMIT = 10_000_000;

  private final long perExpressionLimit;
  private final long perEvaluationLimit;
  private final long deadlineNanos;
  private long expressionCost;
  private long totalCost;
  private String exceeded;

  public CostBudget(long perExpressionLimit, long perEvaluationLimit, long timeoutNanos) {
    this.perExpressionLimit = perExpressionLimit;
    this.perEvaluationLimit = perEvaluationLimit;
    this.deadlineNanos = System.nanoTime() + timeoutNanos;
  }

  /** The Kubernetes limits, with a one-second deadline. */
  public static CostBudget standard() {
    return new CostBudget(PER_EXPRESSION_LIMIT, PER_EVALUATION_LIMIT, 1_000_000_000L);
  }

  /** Starts counting a new expression against the per-expression limit. */
  public void startExpression() {
    expressionCost = 0;
  }

  /** The cost spent by the whole evaluation so far. */
  public long totalCost() {
    return totalCost;
  }

  /** Why the budget ran out, or null while it has not. */
  public String exceeded() {
    return exceeded;
  }

  /**
   * Charges {@code units}; once a limit is passed, every further charge fails too, so that an
   * expression cannot swallow the error (as {@code error || true} would) and carry on.
   */
  void charge(long units) {
    expressionCost += units;
    totalCost += units;
    if (exceeded != null) {
      throw new CostLimitException(exceeded);
    }
    if (expressionCost > perExpressionLimit) {
      exceeded =
          "operation cancelled: actual cost limit exceeded (expression cost over "
              + perExpressionLimit
              + ")";
    } else if (totalCost > perEvaluationLimit) {
      exceeded =
          "operation cancelled: validation failed due to running out of cost budget (over "
              + perEvaluationLimit
              + " per evaluation)";
    } else if ((totalCost & 0x3ff) < units || units > 0x3ff) {
      if (System.nanoTime() - deadlineNanos > 0) {
        exceeded = "operation cancelled: evaluation deadline exceeded";
      } else if (Thread.currentThread().isInterrupted()) {
        exceeded = "operation cancelled: evaluation interrupted";
      }
    }
    if (exceeded != null) {
      throw new CostLimitException(exceeded);
    }
  }
}
