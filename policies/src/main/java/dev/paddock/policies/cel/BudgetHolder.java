package dev.paddock.policies.cel;

import org.projectnessie.cel.interpreter.Activation;

/**
 * An activation that carries the budget of the evaluation it belongs to. A class rather than an
 * interface: the metering decorator looks for it on every call, and a class test is one compare
 * where an interface test that fails scans the activation's every supertype.
 */
public abstract class BudgetHolder implements Activation {
  private final CostBudget budget;

  protected BudgetHolder(CostBudget budget) {
    this.budget = budget;
  }

  public final CostBudget budget() {
    return budget;
  }
}
